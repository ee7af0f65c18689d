#ifndef OVERSIGHT_RUNTIME_CLOCK_H_
#define OVERSIGHT_RUNTIME_CLOCK_H_

#include <mutex>

#include "absl/time/time.h"

namespace oversight::runtime {

// The one source of "now" for domain code. Services take a Clock from ServiceHost::clock() and
// pass it down; nothing in domain code reads the system clock directly, so tests and the demo can
// move time. All implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant according to this clock.
  virtual absl::Time Now() const = 0;
};

// Wall-clock time (absl::Now()).
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
  // A process-wide instance that lives forever.
  static SystemClock* Default();
};

// Time that moves only when told to (tests, the ClockControl gRPC service).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  // Sets the time; moving backwards is allowed (the caller decides whether that makes sense).
  void Set(absl::Time now);
  // Moves the time forward by `by` (a negative duration moves it back) and returns the new time.
  absl::Time Advance(absl::Duration by);

 private:
  mutable std::mutex mu_;
  absl::Time now_;  // guarded by mu_
};

// Time that starts at `start` when constructed and runs `factor` times faster than `base`
// (the system clock by default): for demos that show weeks of due dates in minutes.
class ScaledClock final : public Clock {
 public:
  // `factor` must be > 0; `base` must outlive this clock (nullptr: SystemClock::Default()).
  ScaledClock(absl::Time start, double factor, const Clock* base = nullptr);
  absl::Time Now() const override;
  double factor() const { return factor_; }

 private:
  const Clock* base_;
  absl::Time start_;
  absl::Time base_start_;
  double factor_;
};

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_CLOCK_H_
