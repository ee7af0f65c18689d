#include "event_handler.h"

#include "oversight/events/inbound.h"
#include "routing.h"

namespace oversight::notifications {

kafka::HandlerOutcome EventHandler::Handle(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.", served);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const absl::Time now = clock_.Now();
  const auto created = Route(*event.message, *event.meta, now);
  if (created.empty()) return kafka::HandlerOutcome::Processed();
  auto change = store_.ToChange(event.meta->authority_id(), created, now);
  if (!change.ok()) {
    return kafka::HandlerOutcome::DeadLetter("processing_failed",
                                             std::string(change.status().message()));
  }
  auto applied =
      change->Apply(connection_, event.meta->authority_id(), kServiceName, event.meta->event_id());
  if (!applied.ok()) {
    if (absl::IsUnavailable(applied.status()) || absl::IsDeadlineExceeded(applied.status())) {
      return kafka::HandlerOutcome::RetryLater(std::string(applied.status().message()));
    }
    return kafka::HandlerOutcome::DeadLetter("processing_failed",
                                             std::string(applied.status().message()));
  }
  if (notifications_ != nullptr && !applied->duplicate) {
    notifications_->Add({{"channel", "in_app"}, {"outcome", "sent"}})
        .Increment(static_cast<double>(created.size()));
  }
  return kafka::HandlerOutcome::Processed();
}

}  // namespace oversight::notifications
