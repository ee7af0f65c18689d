#ifndef OVERSIGHT_RUNTIME_SERVICE_HOST_H_
#define OVERSIGHT_RUNTIME_SERVICE_HOST_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/clock.h"
#include "oversight/runtime/config.h"
#include "oversight/runtime/logger.h"
#include "oversight/runtime/metrics.h"

namespace oversight::runtime {

class ClockControlService;

// What every service's main() uses, so main only lists what its service wires together:
//
//   int main(int argc, char** argv) {
//     oversight::runtime::ServiceHost host("scheduling", argc, argv);
//     auto redis = ...host.config()...;               // read the service's own keys
//     SchedulingService grpc_service(..., host.clock(), host.authenticator());
//     host.AddGrpcService(&grpc_service);
//     host.AddWorker("case-events", [&](std::stop_token stop) { consumer.Run(stop); });
//     return host.Run();
//   }
//
// The constructor loads the config (Config::FromArgs), the logger (log.level), the clock
// (clock.mode: system | manual | scaled, with clock.start RFC 3339 and clock.scale), the metrics
// registry and the authenticator (auth.jwt.*; auth.required: false allows anonymous callers).
// Problems are collected, not fatal, until Run(), which reports every config problem (the
// runtime's and those the service's own getters recorded) and exits 2 if there are any.
//
// Run(): /metrics on metrics.port, the gRPC server on grpc.port (0 = ephemeral for both; bind
// addresses grpc.bind_address / metrics.bind_address, default 0.0.0.0) with grpc.health.v1
// health, server reflection, RED metrics for every RPC and optional TLS (grpc.tls.cert_file,
// grpc.tls.key_file, and grpc.tls.client_ca_file to require client certificates); the
// ClockControl service in manual clock mode; then the workers; health SERVING; the ports file
// {"grpc":P,"metrics":M} (runtime.ports_file or --ports-file) and a "serving" log line. It blocks
// until SIGTERM/SIGINT or RequestShutdown(), then: health NOT_SERVING, request_stop on every
// worker and join them, shut the gRPC server down within runtime.shutdown_grace (default 10s),
// and return 0. A worker that returns before being asked to stop is logged as an error and
// shuts the service down with exit code 1 (the orchestrator restarts it).
//
// Several hosts may run in one process (tests); only the first running one handles signals.
// Thread-safety: configure (AddGrpcService, AddWorker) from one thread before Run(); accessors
// are safe from any thread; RequestShutdown() from any thread (not from a signal handler).
class ServiceHost {
 public:
  ServiceHost(std::string service_name, int argc, const char* const* argv);
  // For tests: a ready Config; logs go to `log_out` (nullptr: stdout).
  ServiceHost(std::string service_name, Config config, std::ostream* log_out = nullptr);
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  const std::string& name() const { return name_; }
  const Config& config() const { return config_; }
  const Clock& clock() const { return *clock_; }
  // The manual clock in `clock.mode: manual`, else nullptr.
  ManualClock* manual_clock() const { return manual_clock_; }
  const Logger& logger() const { return *logger_; }
  prometheus::Registry& metrics_registry() { return metrics_.registry(); }
  // Never null: with auth.required false and no key, it accepts every caller as "anonymous".
  const Authenticator& authenticator() const { return *authenticator_; }

  // Registers a gRPC service (not owned; must outlive Run()).
  void AddGrpcService(grpc::Service* service);
  // Registers a background loop started after the gRPC server, on its own thread. It must return
  // promptly once `stop` is requested (finish the in-flight message, commit, return).
  void AddWorker(std::string name, std::function<void(std::stop_token)> worker);

  // Serves until shutdown; returns the process exit code (0 clean, 1 start-up or worker failure,
  // 2 configuration problems). Call once.
  int Run();
  // Asks Run() to shut down (as SIGTERM does).
  void RequestShutdown();

  // The bound ports once serving (0 before).
  int grpc_port() const { return grpc_port_.load(); }
  int metrics_port() const { return metrics_port_.load(); }
  // Waits until Run() is serving (health SERVING) or has returned. True if serving.
  bool WaitUntilServing(absl::Duration timeout) const;

 private:
  void Init();
  absl::Status WritePortsFile() const;
  void Shutdown(int exit_code);

  std::string name_;
  Config config_;
  std::ostream* log_out_ = nullptr;
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<Clock> owned_clock_;
  const Clock* clock_ = nullptr;
  ManualClock* manual_clock_ = nullptr;
  Metrics metrics_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<ClockControlService> clock_control_;
  std::vector<grpc::Service*> services_;
  struct Worker {
    std::string name;
    std::function<void(std::stop_token)> fn;
  };
  std::vector<Worker> workers_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool shutdown_requested_ = false;  // guarded by mu_
  int exit_code_ = 0;                // guarded by mu_
  bool serving_ = false;             // guarded by mu_
  bool finished_ = false;            // guarded by mu_
  std::atomic<int> grpc_port_{0};
  std::atomic<int> metrics_port_{0};
};

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_SERVICE_HOST_H_
