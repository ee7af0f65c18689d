// Retries of a delivery attempt, without I/O: which failures are worth another try, and when
// the next try is (exponential backoff with full jitter, so a recovering SMTP server is not hit
// by every queued message at the same instant).
#pragma once

#include <string>

#include "absl/time/time.h"

namespace oversight::notifications {

// How one attempt to send ended.
enum class AttemptOutcome {
  kSent,
  kTemporary,  // worth another try: SMTP 4xx, connection refused, timeouts, HTTP 5xx / 429
  kPermanent,  // never worth another try: SMTP 5xx (recipient rejected), HTTP 4xx
};

struct AttemptResult {
  AttemptOutcome outcome = AttemptOutcome::kSent;
  std::string detail;  // what the server or the transport said, for logs and dead letters
};

// "sent", "temporary_failure", "permanent_failure" (the result label of the attempts metric).
const char* AttemptOutcomeName(AttemptOutcome outcome);

struct RetryPolicy {
  absl::Duration initial_backoff = absl::Seconds(30);
  absl::Duration max_backoff = absl::Hours(1);
  int max_attempts = 120;  // counting the first: about 2.4 days of retries on average
};

// The longest wait before attempt `attempts + 1` after `attempts` failed ones (>= 1):
// min(max_backoff, initial_backoff * 2^(attempts - 1)).
absl::Duration BackoffCeiling(const RetryPolicy& policy, int attempts);

// What follows a failed attempt.
struct RetryDecision {
  bool retry = false;  // false: dead-letter the delivery (permanent failure or last try)
  absl::Time next_at;  // retry: when the next attempt is due
};

// After the `attempts`-th attempt (1 = the first) failed with `outcome` at `now`: a permanent
// failure or the last allowed attempt ends the delivery; a temporary one is retried after a
// wait drawn uniformly from [0, BackoffCeiling) ("full jitter"; at least one second), with
// `unit_random` in [0, 1) supplying the draw (injected, so tests pick it).
RetryDecision AfterFailure(const RetryPolicy& policy, int attempts, AttemptOutcome outcome,
                           absl::Time now, double unit_random);

}  // namespace oversight::notifications
