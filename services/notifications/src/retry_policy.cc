#include "retry_policy.h"

#include <algorithm>

namespace oversight::notifications {
namespace {

constexpr absl::Duration kMinimumWait = absl::Seconds(1);

}  // namespace

const char* AttemptOutcomeName(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::kSent:
      return "sent";
    case AttemptOutcome::kTemporary:
      return "temporary_failure";
    case AttemptOutcome::kPermanent:
      return "permanent_failure";
  }
  return "unknown";
}

absl::Duration BackoffCeiling(const RetryPolicy& policy, int attempts) {
  absl::Duration ceiling = policy.initial_backoff;
  for (int i = 1; i < attempts && ceiling < policy.max_backoff; ++i)
    ceiling *= 2;
  return std::min(ceiling, policy.max_backoff);
}

RetryDecision AfterFailure(const RetryPolicy& policy, int attempts, AttemptOutcome outcome,
                           absl::Time now, double unit_random) {
  RetryDecision decision;
  if (outcome != AttemptOutcome::kTemporary || attempts >= policy.max_attempts) return decision;
  const double draw = std::clamp(unit_random, 0.0, 1.0);
  decision.retry = true;
  // Never at once: a pass that claimed it must not claim it again.
  decision.next_at =
      now + std::max(kMinimumWait,
                     absl::Trunc(BackoffCeiling(policy, attempts) * draw, absl::Milliseconds(1)));
  return decision;
}

}  // namespace oversight::notifications
