#include "inbound_handler.h"

#include "oversight/events/inbound.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "recorder.h"
#include "supervision_events.h"

namespace oversight::recording {
namespace {

kafka::HandlerOutcome Failed(const absl::Status& status) {
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) || absl::IsAborted(status)) {
    return kafka::HandlerOutcome::RetryLater(std::string(status.message()));
  }
  return kafka::HandlerOutcome::DeadLetter("processing_failed", std::string(status.message()));
}

// The item of a schedule stage event that can mean "the retention period has ended".
const scheduling::v1::DueItem* RetentionItem(const google::protobuf::Message& event) {
  const scheduling::v1::DueItem* item = nullptr;
  if (const auto* due = dynamic_cast<const scheduling::v1::ItemDue*>(&event)) {
    item = &due->item();
  } else if (const auto* overdue = dynamic_cast<const scheduling::v1::ItemOverdue*>(&event)) {
    item = &overdue->item();
  } else if (const auto* escalated = dynamic_cast<const scheduling::v1::ItemEscalated*>(&event)) {
    item = &escalated->item();
  }
  return item != nullptr && item->kind() == scheduling::v1::ITEM_KIND_RETENTION ? item : nullptr;
}

}  // namespace

kafka::HandlerOutcome InboundHandler::Handle(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.", served);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const std::string& authority = event.meta->authority_id();
  const std::string& package = event.message->GetDescriptor()->file()->package();
  if (package == "oversight.workforce.v1") {
    return Apply(authority, event.meta->event_id(),
                 store_.DirectoryChange(authority, *event.message));
  }
  if (package == "oversight.cases.v1") {
    return Apply(authority, event.meta->event_id(), store_.CaseChange(authority, *event.message));
  }
  if (package == "oversight.scheduling.v1") return Retention(*event.message, *event.meta);
  return events::ToOutcome(
      {std::string(events::kReasonUnknownType), "recording does not consume " + event.type});
}

kafka::HandlerOutcome InboundHandler::Apply(const std::string& authority,
                                            const std::string& event_id,
                                            const redis::ChangeSet& change) {
  if (change.empty()) return kafka::HandlerOutcome::Processed();
  auto applied = change.Apply(store_.connection(), authority, kServiceName, event_id);
  if (!applied.ok()) return Failed(applied.status());
  return kafka::HandlerOutcome::Processed();
}

kafka::HandlerOutcome InboundHandler::Retention(const google::protobuf::Message& event,
                                                const common::v1::EventMeta& meta) {
  const scheduling::v1::DueItem* item = RetentionItem(event);
  if (item == nullptr || item->worker_id().empty()) return kafka::HandlerOutcome::Processed();
  Recorder recorder(authorities_, store_, clock_);
  auto left_on = item->explanation().facts().find("left_on");
  auto purged = recorder.PurgeOnRetentionDue(
      meta.authority_id(), item->worker_id(),
      left_on == item->explanation().facts().end() ? "" : left_on->second, meta.event_id());
  // Before the date (ItemDue at the start of the retention day): nothing to do yet, a later
  // stage purges. Records already purged are skipped, so a redelivery changes nothing.
  if (purged.ok() || absl::IsFailedPrecondition(purged.status())) {
    return kafka::HandlerOutcome::Processed();
  }
  if (absl::IsInvalidArgument(purged.status()) || absl::IsNotFound(purged.status())) {
    return kafka::HandlerOutcome::DeadLetter(std::string(events::kReasonContractViolation),
                                             std::string(purged.status().message()));
  }
  return Failed(purged.status());
}

}  // namespace oversight::recording
