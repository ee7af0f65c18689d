#include "event_handlers.h"

#include "oversight/events/inbound.h"

namespace oversight::scheduling {

kafka::HandlerOutcome EventHandlers::Handle(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.", served);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const std::string& package = event.message->GetDescriptor()->file()->package();
  if (package != "oversight.workforce.v1" && package != "oversight.cases.v1" &&
      package != "oversight.recording.v1" && package != "oversight.triggers.v1") {
    return events::ToOutcome(
        {std::string(events::kReasonUnknownType), "scheduling does not consume " + event.type});
  }
  auto result = scheduler_.Handle(*event.message, *event.meta);
  if (result.ok()) return kafka::HandlerOutcome::Processed();
  const absl::Status& status = result.status();
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) || absl::IsAborted(status)) {
    return kafka::HandlerOutcome::RetryLater(std::string(status.message()));
  }
  // A broken invariant for this record: keep the partition moving, keep the record visible.
  return kafka::HandlerOutcome::DeadLetter("processing_failed", std::string(status.message()));
}

}  // namespace oversight::scheduling
