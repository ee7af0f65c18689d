#include "oversight/testing/wait_until.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace oversight::testing {

bool WaitUntil(const std::function<bool()>& predicate, absl::Duration timeout,
               absl::Duration poll_interval) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (predicate()) return true;
    const absl::Time now = absl::Now();
    if (now >= deadline) return false;
    absl::SleepFor(std::min(poll_interval, deadline - now));
    if (absl::Now() >= deadline) return predicate();
  }
}

}  // namespace oversight::testing
