#include "retry_policy.h"

#include <gtest/gtest.h>

namespace oversight::notifications {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1798000000);

TEST(RetryPolicyTest, CeilingDoublesUpToTheMaximum) {
  RetryPolicy policy;  // 30 s doubling, at most 1 h
  EXPECT_EQ(BackoffCeiling(policy, 1), absl::Seconds(30));
  EXPECT_EQ(BackoffCeiling(policy, 2), absl::Seconds(60));
  EXPECT_EQ(BackoffCeiling(policy, 3), absl::Seconds(120));
  EXPECT_EQ(BackoffCeiling(policy, 7), absl::Seconds(1920));
  EXPECT_EQ(BackoffCeiling(policy, 8), absl::Hours(1));  // 3840 s capped
  EXPECT_EQ(BackoffCeiling(policy, 200), absl::Hours(1));
}

TEST(RetryPolicyTest, FullJitterDrawsBetweenZeroAndTheCeiling) {
  RetryPolicy policy;
  auto low = AfterFailure(policy, 3, AttemptOutcome::kTemporary, kNow, 0.0);
  EXPECT_TRUE(low.retry);
  EXPECT_EQ(low.next_at, kNow + absl::Seconds(1));  // never at once
  auto half = AfterFailure(policy, 3, AttemptOutcome::kTemporary, kNow, 0.5);
  EXPECT_EQ(half.next_at, kNow + absl::Seconds(60));
  auto high = AfterFailure(policy, 3, AttemptOutcome::kTemporary, kNow, 0.999);
  EXPECT_LT(high.next_at, kNow + absl::Seconds(120));
  EXPECT_GT(high.next_at, kNow + absl::Seconds(119));
}

TEST(RetryPolicyTest, PermanentFailuresAndTheLastTryEndTheDelivery) {
  RetryPolicy policy;
  policy.max_attempts = 4;
  EXPECT_FALSE(AfterFailure(policy, 1, AttemptOutcome::kPermanent, kNow, 0.5).retry);
  EXPECT_TRUE(AfterFailure(policy, 3, AttemptOutcome::kTemporary, kNow, 0.5).retry);
  EXPECT_FALSE(AfterFailure(policy, 4, AttemptOutcome::kTemporary, kNow, 0.5).retry);
}

TEST(RetryPolicyTest, OutcomeNamesAreTheMetricLabels) {
  EXPECT_STREQ(AttemptOutcomeName(AttemptOutcome::kSent), "sent");
  EXPECT_STREQ(AttemptOutcomeName(AttemptOutcome::kTemporary), "temporary_failure");
  EXPECT_STREQ(AttemptOutcomeName(AttemptOutcome::kPermanent), "permanent_failure");
}

}  // namespace
}  // namespace oversight::notifications
