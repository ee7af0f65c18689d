#include "event_handlers.h"

#include "oversight/events/inbound.h"
#include "oversight/kafka/cloud_event.h"

namespace oversight::triggers {
namespace {

kafka::HandlerOutcome FromStoreError(const absl::Status& status) {
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status)) {
    return kafka::HandlerOutcome::RetryLater(std::string(status.message()));
  }
  // Anything else from our own store is a broken invariant for this record; keep the partition
  // moving and keep the record where a person can look at it.
  return kafka::HandlerOutcome::DeadLetter("processing_failed", std::string(status.message()));
}

}  // namespace

kafka::HandlerOutcome EventHandlers::Handle(const kafka::ConsumedMessage& record) {
  const auto type = record.headers.Get(kafka::kCeTypeHeader);
  if (type.has_value() && type->starts_with("oversight.workforce.v1.")) {
    return HandleWorkforceEvent(record);
  }
  return HandleCaseEvent(record);
}

kafka::HandlerOutcome EventHandlers::HandleCaseEvent(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.cases.v1.", served);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const std::string& authority = event.meta->authority_id();

  auto context = store_.LoadContext(authority, event.meta->subject());
  if (!context.ok()) return FromStoreError(context.status());
  RedisDirectory directory(store_.connection(), authority);
  Decision decision = Decide(*event.message, *event.meta, *context, directory,
                             *authorities_.Find(authority)->engine, clock_.Now(), options_);
  auto change = store_.ToChange(authority, decision);
  if (!change.ok()) return FromStoreError(change.status());
  auto applied =
      change->Apply(store_.connection(), authority, kServiceName, event.meta->event_id());
  if (!applied.ok()) return FromStoreError(applied.status());
  if (tasks_opened_ != nullptr && !applied->duplicate) {
    for (const auto& opened : decision.opened) {
      tasks_opened_->Add({{"rule_id", opened.task().rule_id()}}).Increment();
    }
  }
  return kafka::HandlerOutcome::Processed();
}

kafka::HandlerOutcome EventHandlers::HandleWorkforceEvent(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.workforce.v1.", served);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const std::string& authority = event.meta->authority_id();
  auto change = store_.DirectoryChange(authority, *event.message, *event.meta, clock_.Now());
  if (!change.ok()) return FromStoreError(change.status());
  if (change->empty()) return kafka::HandlerOutcome::Processed();
  auto applied =
      change->Apply(store_.connection(), authority, kServiceName, event.meta->event_id());
  if (!applied.ok()) return FromStoreError(applied.status());
  return kafka::HandlerOutcome::Processed();
}

}  // namespace oversight::triggers
