// A minimal service on ServiceHost: the runtime's own e2e subject. It serves ClockControl (in
// manual clock mode) and runs one worker that ticks until asked to stop.
#include <atomic>
#include <thread>

#include "oversight/runtime/service_host.h"

int main(int argc, char** argv) {
  oversight::runtime::ServiceHost host("runtime-test-service", argc, argv);
  const absl::Duration tick = host.config().GetDuration("test.tick", absl::Milliseconds(20));
  // Time the worker takes to "finish its in-flight message" once asked to stop.
  const absl::Duration stop_delay =
      host.config().GetDuration("test.stop_delay", absl::ZeroDuration());
  std::atomic<int> ticks{0};
  host.AddWorker("ticker", [&](std::stop_token stop) {
    while (!stop.stop_requested()) {
      ++ticks;
      std::this_thread::sleep_for(absl::ToChronoNanoseconds(tick));
    }
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(stop_delay));
    host.logger().Info("ticker finished its last tick", {{"ticks", ticks.load()}});
  });
  return host.Run();
}
