#include "timer_worker.h"

#include <condition_variable>
#include <mutex>

namespace oversight::scheduling {

void RunTimers(std::stop_token stop, Scheduler& scheduler, absl::Duration interval,
               const runtime::Logger* logger) {
  std::mutex mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    auto fired = scheduler.FireDue();
    if (!fired.ok()) {
      if (logger != nullptr) {
        logger->Warn("timer pass failed; retrying", {{"error", fired.status().ToString()}});
      }
    } else if (*fired > 0 && logger != nullptr) {
      logger->Debug("timers fired", {{"count", *fired}});
    }
    std::unique_lock lock(mu);
    wake.wait_for(lock, stop, absl::ToChronoMilliseconds(interval), [] { return false; });
  }
}

}  // namespace oversight::scheduling
