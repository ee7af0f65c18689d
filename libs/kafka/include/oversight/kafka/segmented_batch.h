// The skeleton of a batch handler (BatchHandler, consumer.h) that decides records in segments:
// the records between two barriers are staged and decided together (one set of reads, one
// write for the segment), and a barrier (a record that changes what later records are decided
// on, such as a directory change) is applied alone, after the segment before it is decided and
// before any record after it is staged.
//
// Once a record must be retried (RetryLater), so must every later one: they are neither staged
// nor applied, and the consumer delivers them again, in order
// (RetryEveryOutcomeAfterTheFirstRetry).
//
//   return kafka::HandleInSegments<Staged>(
//       records,
//       [&](const kafka::ConsumedMessage& record, size_t index) -> kafka::SegmentStep<Staged> {
//         if (IsDirectoryChange(record)) return kafka::SegmentBarrier{[&] { return Apply(record);
//         }};
//         ...  // an outcome at once (a rejection) or a Staged for the segment
//       },
//       [&](std::vector<Staged>& segment, std::vector<kafka::HandlerOutcome>& outcomes) {
//         ...  // sets the outcome of each staged record; false once one must be retried
//       });
#pragma once

#include <functional>
#include <utility>
#include <variant>
#include <vector>

#include "oversight/kafka/consumer.h"

namespace oversight::kafka {

// A record applied on its own, between segments.
struct SegmentBarrier {
  std::function<HandlerOutcome()> apply;
};

// What one record of the batch is: decided at once (its outcome), staged for the current
// segment, or a barrier.
template <typename Staged>
using SegmentStep = std::variant<HandlerOutcome, Staged, SegmentBarrier>;

// Handles `records` in order. `classify(record, index)` returns the record's SegmentStep;
// `apply_segment(segment, outcomes)` decides the staged records together, sets the outcome of
// each (at the index it was classified with) and returns false once one of them must be
// retried (the outcomes of the staged records after it should then be RetryLater too).
template <typename Staged, typename Classify, typename ApplySegment>
std::vector<HandlerOutcome> HandleInSegments(const std::vector<ConsumedMessage>& records,
                                             Classify&& classify, ApplySegment&& apply_segment) {
  std::vector<HandlerOutcome> outcomes(records.size());
  std::vector<Staged> segment;
  bool retry = false;
  auto flush = [&] {
    if (!segment.empty() && !apply_segment(segment, outcomes)) retry = true;
    segment.clear();
  };
  for (size_t i = 0; i < records.size(); ++i) {
    if (retry) {
      outcomes[i] = HandlerOutcome::RetryLater(kRetriedWithAnEarlierRecord);
      continue;
    }
    SegmentStep<Staged> step = classify(records[i], i);
    if (auto* outcome = std::get_if<HandlerOutcome>(&step)) {
      outcomes[i] = std::move(*outcome);
      continue;
    }
    if (auto* staged = std::get_if<Staged>(&step)) {
      segment.push_back(std::move(*staged));
      continue;
    }
    flush();  // the barrier changes what later records see: decide what came before first
    if (retry) {
      outcomes[i] = HandlerOutcome::RetryLater(kRetriedWithAnEarlierRecord);
      continue;
    }
    outcomes[i] = std::get<SegmentBarrier>(step).apply();
    if (outcomes[i].kind == HandlerOutcome::Kind::kRetryLater) retry = true;
  }
  flush();
  if (retry) RetryEveryOutcomeAfterTheFirstRetry(outcomes);
  return outcomes;
}

}  // namespace oversight::kafka
