// The running Oversight as the year replay sees it from outside, like any other client: the
// four services' gRPC APIs called with bearer tokens minted for the simulated people, their
// ClockControl (the services run on a manual clock the replay moves), and their /metrics.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/notifications/v1/notifications.grpc.pb.h"
#include "oversight/recording/v1/recording_service.grpc.pb.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"
#include "oversight/scheduling/v1/scheduling_service.grpc.pb.h"
#include "oversight/scrape/prometheus_text.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"

namespace oversight::simulator {

// Service names, as the demo names their ports files.
inline constexpr char kScheduling[] = "scheduling";
inline constexpr char kRecording[] = "recording";
inline constexpr char kTriggers[] = "oversight-triggers";
inline constexpr char kNotifications[] = "notifications";

struct ServiceAddress {
  std::string grpc_target;  // "127.0.0.1:50051"
  std::string metrics_host = "127.0.0.1";
  int metrics_port = 0;
};

// Where each of the four services listens, by the names above.
using Endpoints = std::map<std::string, ServiceAddress>;

// Reads `<dir>/<service>.ports` ({"grpc": N, "metrics": M}, written by each service's
// --ports-file) for the four services, on 127.0.0.1. NOT_FOUND naming a missing file.
absl::StatusOr<Endpoints> ReadPortsFiles(const std::string& dir);

// Not thread-safe: one replay thread uses it.
class Clients {
 public:
  // FAILED_PRECONDITION if `endpoints` lacks one of the four services.
  static absl::StatusOr<std::unique_ptr<Clients>> Connect(const Endpoints& endpoints,
                                                          std::string authority,
                                                          std::string jwt_secret);

  scheduling::v1::SchedulingService::Stub& scheduling() { return *scheduling_; }
  recording::v1::RecordingService::Stub& recording() { return *recording_; }
  triggers::v1::OversightTriggersService::Stub& triggers() { return *triggers_; }
  notifications::v1::NotificationsService::Stub& notifications() { return *notifications_; }

  // A call context for `subject` with `roles`: an HS256 bearer token issued at `now` (the
  // services check expiry against their own, simulated, clock) and a 30 s deadline.
  std::unique_ptr<grpc::ClientContext> As(const std::string& subject,
                                          const std::vector<std::string>& roles, absl::Time now);

  // Sets every service's manual clock to `now` (ClockControl.SetTime); the first error.
  absl::Status SetTime(absl::Time now);

  // The samples of `service`'s /metrics.
  absl::StatusOr<std::vector<scrape::Sample>> Metrics(const std::string& service);

  const std::string& authority() const { return authority_; }
  std::vector<std::string> services() const;

 private:
  Clients() = default;

  std::string authority_;
  std::string jwt_secret_;
  Endpoints endpoints_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<recording::v1::RecordingService::Stub> recording_;
  std::unique_ptr<triggers::v1::OversightTriggersService::Stub> triggers_;
  std::unique_ptr<notifications::v1::NotificationsService::Stub> notifications_;
  std::map<std::string, std::unique_ptr<runtime::v1::ClockControl::Stub>> clocks_;
  std::map<std::string, std::pair<int64_t, std::string>> tokens_;  // key -> (day, token)
};

// "code: message" of a failed call, for errors and logs.
absl::Status FromGrpc(const grpc::Status& status, std::string_view what);

}  // namespace oversight::simulator
