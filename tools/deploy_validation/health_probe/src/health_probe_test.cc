#include "oversight/health_probe/health_probe.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <sys/wait.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"

namespace oversight::health_probe {
namespace {

// A real gRPC server with gRPC's own grpc.health.v1 implementation, on an ephemeral port, as the
// services run it (a synchronous server needs at least one service of its own: an unimplemented
// ClockControl does).
class HealthServer {
 public:
  HealthServer() {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&clock_);
    server_ = builder.BuildAndStart();
  }
  ~HealthServer() { server_->Shutdown(); }
  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }
  grpc::HealthCheckServiceInterface* health() { return server_->GetHealthCheckService(); }

 private:
  int port_ = 0;
  oversight::runtime::v1::ClockControl::Service clock_;
  std::unique_ptr<grpc::Server> server_;
};

int RunProbe(const std::string& args) {
  const int rc = std::system(
      absl::StrCat(OVERSIGHT_HEALTH_PROBE_BINARY, " ", args, " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(HealthProbeTest, ReportsServingAndNotServingOfTheWholeServer) {
  HealthServer server;
  ASSERT_NE(server.health(), nullptr);
  auto status = Check({.target = server.target()});
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, ServingStatus::kServing);

  server.health()->SetServingStatus(false);  // what a draining service does on SIGTERM
  status = Check({.target = server.target()});
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, ServingStatus::kNotServing);
}

TEST(HealthProbeTest, AsksAboutANamedService) {
  HealthServer server;
  server.health()->SetServingStatus("oversight.scheduling.v1.SchedulingService", true);
  server.health()->SetServingStatus("oversight.recording.v1.RecordingService", false);

  auto serving =
      Check({.target = server.target(), .service = "oversight.scheduling.v1.SchedulingService"});
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_EQ(*serving, ServingStatus::kServing);

  auto not_serving =
      Check({.target = server.target(), .service = "oversight.recording.v1.RecordingService"});
  ASSERT_TRUE(not_serving.ok()) << not_serving.status();
  EXPECT_EQ(*not_serving, ServingStatus::kNotServing);

  auto unknown = Check({.target = server.target(), .service = "no.such.Service"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST(HealthProbeTest, FailsWithinTheDeadlineWhenNothingListens) {
  std::string target;
  {
    HealthServer gone;  // take a free port, then close it
    target = gone.target();
  }
  auto status = Check({.target = target, .timeout = absl::Milliseconds(300)});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), absl::StatusCode::kDeadlineExceeded) << status.status();
}

TEST(HealthProbeTest, RefusesAnUnreadableCaFile) {
  auto status = Check({.target = "127.0.0.1:1", .tls_ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HealthProbeTest, BinaryExitCodesFollowTheAnswer) {
  HealthServer server;
  EXPECT_EQ(RunProbe(server.target()), 0);
  server.health()->SetServingStatus(false);
  EXPECT_EQ(RunProbe(server.target()), 1);
  EXPECT_EQ(RunProbe(absl::StrCat(server.target(), " --service no.such.Service")), 2);
  EXPECT_EQ(RunProbe("--timeout"), 64);
}

}  // namespace
}  // namespace oversight::health_probe
