#include "oversight/runtime/clock.h"

#include <cassert>

#include "absl/time/clock.h"

namespace oversight::runtime {

absl::Time SystemClock::Now() const {
  return absl::Now();
}

SystemClock* SystemClock::Default() {
  static SystemClock* const clock = new SystemClock();
  return clock;
}

absl::Time ManualClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

void ManualClock::Set(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = now;
}

absl::Time ManualClock::Advance(absl::Duration by) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += by;
  return now_;
}

ScaledClock::ScaledClock(absl::Time start, double factor, const Clock* base)
    : base_(base != nullptr ? base : SystemClock::Default()),
      start_(start),
      base_start_(base_->Now()),
      factor_(factor) {
  assert(factor > 0);
}

absl::Time ScaledClock::Now() const {
  return start_ + (base_->Now() - base_start_) * factor_;
}

}  // namespace oversight::runtime
