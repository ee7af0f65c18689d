#include "event_handler.h"

#include <map>
#include <set>

#include "directory_store.h"
#include "oversight/events/inbound.h"
#include "oversight/kafka/segmented_batch.h"
#include "routing.h"

namespace oversight::notifications {

// A task or schedule event of the batch, checked, waiting for its segment to be decided.
struct EventHandler::Staged {
  size_t index = 0;  // in the batch
  events::InboundEvent event;
};

namespace {

using kafka::HandlerOutcome;

bool Transient(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

HandlerOutcome Failure(const absl::Status& status) {
  if (Transient(status)) return HandlerOutcome::RetryLater(std::string(status.message()));
  return HandlerOutcome::DeadLetter("processing_failed", std::string(status.message()));
}

HandlerOutcome RetriedWithAnEarlierOne() {
  return HandlerOutcome::RetryLater(kafka::kRetriedWithAnEarlierRecord);
}

}  // namespace

HandlerOutcome EventHandler::Handle(const kafka::ConsumedMessage& record) {
  return HandleBatch({record})[0];
}

std::vector<HandlerOutcome> EventHandler::HandleBatch(
    const std::vector<kafka::ConsumedMessage>& records) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  return kafka::HandleInSegments<Staged>(
      records,
      [&](const kafka::ConsumedMessage& record, size_t index) -> kafka::SegmentStep<Staged> {
        auto checked = events::CheckInbound(record, "oversight.", served);
        if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
          return events::ToOutcome(*rejection);
        }
        auto& event = std::get<events::InboundEvent>(checked);
        // A directory change: what came before is decided on the directory as it was.
        if (auto update = DirectoryUpdateFor(*event.message)) {
          return kafka::SegmentBarrier{[this, update = *std::move(update), meta = *event.meta] {
            return ApplyDirectoryUpdate(update, meta);
          }};
        }
        return Staged{index, std::move(event)};
      },
      [&](std::vector<Staged>& segment, std::vector<HandlerOutcome>& outcomes) {
        return ApplySegment(segment, outcomes);
      });
}

HandlerOutcome EventHandler::ApplyDirectoryUpdate(const DirectoryUpdate& update,
                                                  const common::v1::EventMeta& meta) {
  auto applied = DirectoryStore::ToChange(meta.authority_id(), update)
                     .Apply(connection_, meta.authority_id(), kServiceName, meta.event_id());
  if (!applied.ok()) return Failure(applied.status());
  return HandlerOutcome::Processed();
}

bool EventHandler::ApplySegment(std::vector<Staged>& segment,
                                std::vector<HandlerOutcome>& outcomes) {
  // A read failed: every event of the segment fails with it (retried when transient).
  auto fail_all = [&](const absl::Status& status) {
    for (const auto& staged : segment)
      outcomes[staged.index] = Failure(status);
    return !Transient(status);
  };

  // 1. Read what the segment needs: processed markers (a redelivered event is not routed
  //    again), then per authority the directory entries its events name.
  std::vector<std::pair<std::string, std::string>> event_ids;
  for (const auto& staged : segment) {
    event_ids.emplace_back(staged.event.meta->authority_id(), staged.event.meta->event_id());
  }
  auto processed = store_.AlreadyProcessed(event_ids);
  if (!processed.ok()) return fail_all(processed.status());
  std::map<std::string, std::vector<DirectoryNeeds>> needs;  // by authority
  for (size_t k = 0; k < segment.size(); ++k) {
    if ((*processed)[k]) continue;
    const std::string& a = segment[k].event.meta->authority_id();
    needs[a].push_back(
        NeedsOf(*segment[k].event.message, authorities_.Find(a)->pack.scheduling.escalation));
  }
  std::map<std::string, Directory> directories;
  DirectoryStore directory_store(connection_);
  for (const auto& [authority, of_events] : needs) {
    auto directory = directory_store.LoadAll(authority, of_events);
    if (!directory.ok()) return fail_all(directory.status());
    directories[authority] = *std::move(directory);
  }

  // 2. Route each event (pure), then read the preferences of everyone told.
  const absl::Time now = clock_.Now();
  struct Pending {
    const Staged* staged = nullptr;
    Routed routed;
    std::vector<std::vector<v1::Channel>> skipped;  // per notification (the probe counts them)
    redis::ChangeSet change;
  };
  std::vector<Pending> pending;
  std::map<std::string, std::set<std::string>> recipients;  // by authority
  for (size_t k = 0; k < segment.size(); ++k) {
    const Staged& staged = segment[k];
    if ((*processed)[k]) {
      outcomes[staged.index] = HandlerOutcome::Processed();  // a redelivery: applied before
      continue;
    }
    const common::v1::EventMeta& meta = *staged.event.meta;
    const std::string& a = meta.authority_id();
    const RoutingContext context{directories[a], authorities_.Find(a)->pack.scheduling.escalation,
                                 settings_.render};
    Routed routed = Route(*staged.event.message, meta, context, now);
    if (routed.notifications.empty() && routed.closed_occurrences.empty()) {
      outcomes[staged.index] = HandlerOutcome::Processed();
      continue;
    }
    for (const auto& notification : routed.notifications)
      recipients[a].insert(notification.recipient_id());
    pending.push_back({&staged, std::move(routed), {}, {}});
  }
  std::map<std::string, std::map<std::string, v1::Preferences>> preferences;  // by authority
  for (const auto& [authority, ids] : recipients) {
    auto read = store_.GetPreferences(authority, std::vector<std::string>(ids.begin(), ids.end()));
    if (!read.ok()) return fail_all(read.status());
    preferences[authority] = *std::move(read);
  }

  // 3. Plan each notification's deliveries (pure) and build each event's change.
  std::vector<redis::ChangeSet::Application> applications;
  std::vector<Pending*> applied;
  for (auto& p : pending) {
    const common::v1::EventMeta& meta = *p.staged->event.meta;
    const std::string& a = meta.authority_id();
    const authorities::Authority& authority = *authorities_.Find(a);
    std::vector<PlannedNotification> planned;
    for (auto& notification : p.routed.notifications) {
      DeliveryPlan plan =
          PlanDelivery(notification, preferences[a][notification.recipient_id()], settings_.offered,
                       *authority.calendar, settings_.sending, now);
      p.skipped.push_back(plan.skipped);
      planned.push_back({std::move(notification), std::move(plan)});
    }
    auto change = store_.ToChange(a, std::move(planned), p.routed.closed_occurrences, now);
    if (!change.ok()) {
      outcomes[p.staged->index] = Failure(change.status());
      continue;
    }
    p.change = *std::move(change);
    applied.push_back(&p);
  }
  for (const Pending* p : applied) {
    const common::v1::EventMeta& meta = *p->staged->event.meta;
    applications.push_back({&p->change, meta.authority_id(), kServiceName, meta.event_id()});
  }

  // 4. Apply every change in batch order (ChangeSet::ApplyAll), each guarded by its event id.
  const auto results = redis::ChangeSet::ApplyAll(connection_, applications);
  bool ok = true;
  for (size_t k = 0; k < applied.size(); ++k) {
    const Pending& p = *applied[k];
    HandlerOutcome& outcome = outcomes[p.staged->index];
    if (!ok) {
      outcome = RetriedWithAnEarlierOne();
      continue;
    }
    if (!results[k].ok()) {
      outcome = Failure(results[k].status());
      if (outcome.kind == HandlerOutcome::Kind::kRetryLater) ok = false;
      continue;
    }
    outcome = HandlerOutcome::Processed();
    if (results[k]->duplicate || probe_ == nullptr) continue;  // redelivered: counts nothing
    for (const auto& skipped : p.skipped) {
      probe_->Notified(v1::CHANNEL_IN_APP, "sent");
      for (v1::Channel channel : skipped)
        probe_->Notified(channel, "skipped");
    }
  }
  return ok;
}

}  // namespace oversight::notifications
