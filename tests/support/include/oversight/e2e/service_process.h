// A service binary run as a child process for end-to-end and fault tests: started on ephemeral
// ports (read back from its --ports-file), waited for until grpc.health.v1 says SERVING, and
// stopped with SIGTERM (graceful) or SIGKILL (crash), then restartable with the same settings.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::e2e {

struct ServiceSpec {
  std::string name;                        // e.g. "oversight-triggers", for logs
  std::string binary;                      // absolute path of the service binary
  std::map<std::string, std::string> env;  // OVERSIGHT_* configuration
  // How Channel() (and so the start-up health check) connects: null for plaintext; TLS
  // credentials (grpc::SslCredentials) for a service configured with grpc.tls.*.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
};

// The path of a service binary in this build: $OVERSIGHT_BINARY_DIR/services/<dir>/<binary>.
std::string ServiceBinary(const std::string& service_dir, const std::string& binary);

// Not thread-safe; one owner thread (the test's main thread).
class ServiceProcess {
 public:
  // Starts the service and waits up to `timeout` until it reports SERVING. UNAVAILABLE with the
  // tail of its log if it exits or does not become healthy in time.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      ServiceSpec spec, absl::Duration timeout = absl::Seconds(60));

  ~ServiceProcess();

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::string grpc_target() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  // A channel to the service's gRPC port (loopback; plaintext unless the spec has credentials).
  std::shared_ptr<grpc::Channel> Channel() const;

  // grpc.health.v1 Check for the whole server: "SERVING", "NOT_SERVING", or the error.
  std::string Health() const;

  // The body of GET /metrics, or the error.
  absl::StatusOr<std::string> ScrapeMetrics() const;

  // SIGTERM and wait for exit; returns the exit code.
  absl::StatusOr<int> Terminate(absl::Duration timeout = absl::Seconds(30));
  // SIGKILL without warning.
  void Crash();
  // Starts again with the same spec (new ports), after Terminate or Crash.
  absl::Status Restart(absl::Duration timeout = absl::Seconds(60));
  // The same with `env` merged into the spec's variables first (kept for later restarts): for
  // example OVERSIGHT_CLOCK_START, so that a service on a manual clock comes back at the time
  // the test has reached rather than at its first start.
  absl::Status RestartWith(const std::map<std::string, std::string>& env,
                           absl::Duration timeout = absl::Seconds(60));
  // Whether the process is running (false after Crash or Terminate, or if it died).
  bool Running() const;

  const std::string& log_path() const;
  std::string ReadLog() const;

 private:
  explicit ServiceProcess(ServiceSpec spec);
  absl::Status Launch(absl::Duration timeout);

  ServiceSpec spec_;
  testing::TempDir dir_;
  std::unique_ptr<testing::ChildProcess> process_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  int generation_ = 0;
};

}  // namespace oversight::e2e
