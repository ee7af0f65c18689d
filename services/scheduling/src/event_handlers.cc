#include "event_handlers.h"

#include "oversight/events/inbound.h"

namespace oversight::scheduling {

using kafka::HandlerOutcome;

HandlerOutcome EventHandlers::Handle(const kafka::ConsumedMessage& record) {
  return HandleBatch({record})[0];
}

std::vector<HandlerOutcome> EventHandlers::HandleBatch(
    const std::vector<kafka::ConsumedMessage>& records) {
  std::vector<HandlerOutcome> outcomes(records.size());
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  std::vector<events::InboundEvent> checked;  // the records that passed the contract checks
  std::vector<size_t> index;                  // of each in the batch
  checked.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    auto inbound = events::CheckInbound(records[i], "oversight.", served);
    if (auto* rejection = std::get_if<events::Rejection>(&inbound)) {
      outcomes[i] = events::ToOutcome(*rejection);
      continue;
    }
    auto& event = std::get<events::InboundEvent>(inbound);
    const std::string& package = event.message->GetDescriptor()->file()->package();
    if (package != "oversight.workforce.v1" && package != "oversight.cases.v1" &&
        package != "oversight.recording.v1" && package != "oversight.triggers.v1") {
      outcomes[i] = events::ToOutcome(
          {std::string(events::kReasonUnknownType), "scheduling does not consume " + event.type});
      continue;
    }
    checked.push_back(std::move(event));
    index.push_back(i);
  }
  std::vector<Scheduler::BatchEvent> batch;
  batch.reserve(checked.size());
  for (const auto& event : checked)
    batch.push_back({event.message.get(), event.meta});
  const auto results = scheduler_.HandleBatch(batch);
  for (size_t k = 0; k < results.size(); ++k) {
    HandlerOutcome& outcome = outcomes[index[k]];
    if (results[k].ok()) {
      outcome = HandlerOutcome::Processed();
      continue;
    }
    const absl::Status& status = results[k].status();
    if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
        absl::IsAborted(status)) {
      outcome = HandlerOutcome::RetryLater(std::string(status.message()));
    } else {
      // A broken invariant for this record: keep the partition moving, keep it visible.
      outcome = HandlerOutcome::DeadLetter("processing_failed", std::string(status.message()));
    }
  }
  // Once a record must be retried, so must every later one (the order of a partition).
  kafka::RetryEveryOutcomeAfterTheFirstRetry(outcomes);
  return outcomes;
}

}  // namespace oversight::scheduling
