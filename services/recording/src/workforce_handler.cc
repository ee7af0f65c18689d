#include "workforce_handler.h"

#include "oversight/events/inbound.h"
#include "supervision_events.h"

namespace oversight::recording {

kafka::HandlerOutcome WorkforceHandler::Handle(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.workforce.v1.", served);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const std::string& authority = event.meta->authority_id();
  redis::ChangeSet change = store_.DirectoryChange(authority, *event.message);
  if (change.empty()) return kafka::HandlerOutcome::Processed();
  auto applied = change.Apply(store_.connection(), authority, kServiceName, event.meta->event_id());
  if (!applied.ok()) {
    if (absl::IsUnavailable(applied.status()) || absl::IsDeadlineExceeded(applied.status())) {
      return kafka::HandlerOutcome::RetryLater(std::string(applied.status().message()));
    }
    return kafka::HandlerOutcome::DeadLetter("processing_failed",
                                             std::string(applied.status().message()));
  }
  return kafka::HandlerOutcome::Processed();
}

}  // namespace oversight::recording
