#include "event_handler.h"

#include "directory_store.h"
#include "oversight/events/inbound.h"
#include "routing.h"

namespace oversight::notifications {
namespace {

bool Transient(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

kafka::HandlerOutcome Failure(const absl::Status& status) {
  if (Transient(status)) return kafka::HandlerOutcome::RetryLater(std::string(status.message()));
  return kafka::HandlerOutcome::DeadLetter("processing_failed", std::string(status.message()));
}

}  // namespace

kafka::HandlerOutcome EventHandler::Apply(const redis::ChangeSet& change,
                                          const common::v1::EventMeta& meta, bool* duplicate) {
  auto applied = change.Apply(connection_, meta.authority_id(), kServiceName, meta.event_id());
  if (!applied.ok()) return Failure(applied.status());
  *duplicate = applied->duplicate;
  return kafka::HandlerOutcome::Processed();
}

kafka::HandlerOutcome EventHandler::Handle(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.", served);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const common::v1::EventMeta& meta = *event.meta;
  const std::string& a = meta.authority_id();
  bool duplicate = false;

  if (auto update = DirectoryUpdateFor(*event.message)) {
    return Apply(DirectoryStore::ToChange(a, *update), meta, &duplicate);
  }

  const authorities::Authority& authority = *authorities_.Find(a);
  const auto& escalation = authority.pack.scheduling.escalation;
  DirectoryStore directory_store(connection_);
  auto directory = directory_store.Load(a, NeedsOf(*event.message, escalation));
  if (!directory.ok()) return Failure(directory.status());
  const absl::Time now = clock_.Now();
  const RoutingContext context{*directory, escalation, settings_.render};
  Routed routed = Route(*event.message, meta, context, now);
  if (routed.notifications.empty() && routed.closed_occurrences.empty()) {
    return kafka::HandlerOutcome::Processed();
  }

  std::vector<PlannedNotification> planned;
  for (auto& notification : routed.notifications) {
    auto preferences = store_.GetPreferences(a, notification.recipient_id());
    if (!preferences.ok()) return Failure(preferences.status());
    DeliveryPlan plan = PlanDelivery(notification, *preferences, settings_.offered,
                                     *authority.calendar, settings_.sending, now);
    planned.push_back({std::move(notification), std::move(plan)});
  }
  auto change = store_.ToChange(a, planned, routed.closed_occurrences, now);
  if (!change.ok()) return Failure(change.status());
  auto outcome = Apply(*change, meta, &duplicate);
  if (outcome.kind == kafka::HandlerOutcome::Kind::kProcessed && !duplicate && probe_ != nullptr) {
    for (const auto& [notification, plan] : planned) {
      probe_->Notified(v1::CHANNEL_IN_APP, "sent");
      for (v1::Channel channel : plan.skipped)
        probe_->Notified(channel, "skipped");
    }
  }
  return outcome;
}

}  // namespace oversight::notifications
