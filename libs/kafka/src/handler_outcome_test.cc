// RetryEveryOutcomeAfterTheFirstRetry: what a batch handler returns once a record must be
// retried (the consumer delivers the rest of the batch again, in order).
#include <gtest/gtest.h>

#include "oversight/kafka/consumer.h"

namespace oversight::kafka {
namespace {

using Kind = HandlerOutcome::Kind;

std::vector<Kind> Kinds(const std::vector<HandlerOutcome>& outcomes) {
  std::vector<Kind> kinds;
  for (const auto& outcome : outcomes)
    kinds.push_back(outcome.kind);
  return kinds;
}

TEST(RetryEveryOutcomeAfterTheFirstRetryTest, LeavesWhatCameBeforeAndRetriesEverythingAfter) {
  std::vector<HandlerOutcome> outcomes = {
      HandlerOutcome::Processed(), HandlerOutcome::DeadLetter("decode_failed", "not protobuf"),
      HandlerOutcome::RetryLater("redis unavailable"), HandlerOutcome::Processed(),
      HandlerOutcome::DeadLetter("missing_field", "no child_id")};
  RetryEveryOutcomeAfterTheFirstRetry(outcomes);
  EXPECT_EQ(Kinds(outcomes),
            (std::vector<Kind>{Kind::kProcessed, Kind::kDeadLetter, Kind::kRetryLater,
                               Kind::kRetryLater, Kind::kRetryLater}));
  EXPECT_EQ(outcomes[1].reason, "decode_failed");      // before the retry: as it was
  EXPECT_EQ(outcomes[2].detail, "redis unavailable");  // the first retry keeps its own reason
  EXPECT_EQ(outcomes[3].detail, "an earlier record of this batch is retried");
}

TEST(RetryEveryOutcomeAfterTheFirstRetryTest, ChangesNothingWithoutARetry) {
  std::vector<HandlerOutcome> outcomes = {HandlerOutcome::Processed(),
                                          HandlerOutcome::DeadLetter("unknown_type", "x")};
  RetryEveryOutcomeAfterTheFirstRetry(outcomes, "why");
  EXPECT_EQ(Kinds(outcomes), (std::vector<Kind>{Kind::kProcessed, Kind::kDeadLetter}));
}

}  // namespace
}  // namespace oversight::kafka
