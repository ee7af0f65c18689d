// ServiceHost in-process (gRPC, health, reflection, metrics, auth, clock control) and as a child
// process (SIGTERM, exit codes, config errors).
#include "oversight/runtime/service_host.h"

#include <signal.h>

#include <fstream>
#include <latch>
#include <regex>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc_test_client.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"
#include "oversight/scrape/http_get.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"
#include "oversight/testing/wait_until.h"
#include "test_certs.h"

namespace oversight::runtime {
namespace {

using oversight::testing::ChildProcess;
using oversight::testing::TempDir;
using oversight::testing::WaitUntil;
using ::testing::Contains;
using ::testing::HasSubstr;

const std::string kSecret = "an-hs256-secret-of-at-least-32-bytes!";

// A service that requires a valid bearer token (to check Authenticate over a real call).
class WhoAmIService final : public v1::ClockControl::Service {
 public:
  explicit WhoAmIService(const Authenticator* authenticator) : authenticator_(authenticator) {}
  grpc::Status GetTime(grpc::ServerContext* context, const v1::GetTimeRequest*,
                       v1::TimeResponse* response) override {
    absl::StatusOr<Principal> principal = authenticator_->Authenticate(*context);
    if (!principal.ok()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          std::string(principal.status().message()));
    }
    context->AddTrailingMetadata("subject", principal->subject);
    response->mutable_now()->set_seconds(1);
    return grpc::Status::OK;
  }

 private:
  const Authenticator* authenticator_;
};

Config TestConfig(const std::string& clock_mode) {
  return Config::FromYaml(absl::StrCat(
      "grpc:\n  port: 0\n  bind_address: 127.0.0.1\n",
      "metrics:\n  port: 0\n  bind_address: 127.0.0.1\n", "clock:\n  mode: ", clock_mode,
      "\n  start: 2026-01-05T09:00:00Z\n", "auth:\n  jwt:\n    secret: ", kSecret, "\n"));
}

TEST(ServiceHostTest, ServesHealthReflectionMetricsAndShutsDownCleanly) {
  std::ostringstream logs;
  // System clock: the who-am-i test service takes the ClockControl name, which manual mode
  // would register too.
  ServiceHost host("host-test", TestConfig("system"), &logs);
  EXPECT_EQ(host.manual_clock(), nullptr);

  WhoAmIService who_am_i(&host.authenticator());
  host.AddGrpcService(&who_am_i);
  std::latch worker_may_finish(1);
  std::atomic<bool> worker_saw_stop{false};
  host.AddWorker("blocking", [&](std::stop_token stop) {
    while (!stop.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    worker_saw_stop = true;
    worker_may_finish.wait();  // the "in-flight message"
  });

  int exit_code = -1;
  std::thread runner([&] { exit_code = host.Run(); });
  ASSERT_TRUE(host.WaitUntilServing(absl::Seconds(20))) << logs.str();
  const int grpc_port = host.grpc_port();
  const int metrics_port = host.metrics_port();
  ASSERT_GT(grpc_port, 0);
  ASSERT_GT(metrics_port, 0);

  EXPECT_EQ(*test::HealthCheck(grpc_port), "SERVING");

  auto services = test::ReflectionServices(grpc_port);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("oversight.runtime.v1.ClockControl"));
  EXPECT_THAT(*services, Contains("grpc.health.v1.Health"));

  // The who-am-i service demands a token.
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::ClockControl::NewStub(channel);
  {
    grpc::ClientContext context;
    v1::TimeResponse response;
    grpc::Status status = stub->GetTime(&context, v1::GetTimeRequest(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(status.error_message(), HasSubstr("missing authorization"));
  }
  {
    TokenClaims claims;
    claims.subject = "manager-1";
    claims.roles = {"team_manager"};
    claims.issued_at = host.clock().Now();  // tokens are checked against the injected clock
    auto token = MintToken(claims, JwtAlgorithm::kHS256, kSecret);
    ASSERT_TRUE(token.ok());
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + *token);
    v1::TimeResponse response;
    grpc::Status status = stub->GetTime(&context, v1::GetTimeRequest(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    auto subject = context.GetServerTrailingMetadata().find("subject");
    ASSERT_NE(subject, context.GetServerTrailingMetadata().end());
    EXPECT_EQ(std::string(subject->second.data(), subject->second.size()), "manager-1");
  }

  // /metrics has the RED counters for those calls.
  auto metrics = scrape::HttpGet("127.0.0.1", metrics_port, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_TRUE(std::regex_search(
      *metrics,
      std::regex(
          R"(oversight_grpc_requests_total\{code="UNAUTHENTICATED",method="GetTime",service="oversight.runtime.v1.ClockControl"\} 1)")))
      << *metrics;
  EXPECT_TRUE(std::regex_search(
      *metrics,
      std::regex(
          R"(oversight_grpc_requests_total\{code="OK",method="GetTime",service="oversight.runtime.v1.ClockControl"\} 1)")))
      << *metrics;
  EXPECT_TRUE(std::regex_search(
      *metrics,
      std::regex(
          R"(oversight_grpc_request_duration_seconds_count\{method="GetTime",service="oversight.runtime.v1.ClockControl"\} 2)")))
      << *metrics;

  // Shutdown: NOT_SERVING while the worker finishes its in-flight work, then exit 0.
  host.RequestShutdown();
  ASSERT_TRUE(WaitUntil([&] { return worker_saw_stop.load(); }, absl::Seconds(10)));
  EXPECT_EQ(*test::HealthCheck(grpc_port), "NOT_SERVING");
  worker_may_finish.count_down();
  runner.join();
  EXPECT_EQ(exit_code, 0);
  EXPECT_FALSE(test::HealthCheck(grpc_port).ok());  // server gone
  EXPECT_THAT(logs.str(), HasSubstr("\"msg\":\"worker stopped\""));
  EXPECT_THAT(logs.str(), HasSubstr("\"msg\":\"stopped\""));
}

TEST(ServiceHostTest, ClockControlMovesTheManualClock) {
  std::ostringstream logs;
  ServiceHost host("clock-test", TestConfig("manual"), &logs);
  ASSERT_NE(host.manual_clock(), nullptr);
  EXPECT_EQ(host.clock().Now(), absl::FromUnixSeconds(1767603600));  // 2026-01-05T09:00:00Z
  std::thread runner([&] { host.Run(); });
  ASSERT_TRUE(host.WaitUntilServing(absl::Seconds(20))) << logs.str();
  auto stub = v1::ClockControl::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", host.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::AdvanceRequest request;
  request.mutable_by()->set_seconds(3 * 86400);
  v1::TimeResponse response;
  ASSERT_TRUE(stub->Advance(&context, request, &response).ok());
  EXPECT_EQ(response.now().seconds(), 1767603600 + 3 * 86400);
  EXPECT_EQ(host.clock().Now(), absl::FromUnixSeconds(1767603600 + 3 * 86400));

  grpc::ClientContext back_context;
  request.mutable_by()->set_seconds(-1);
  EXPECT_EQ(stub->Advance(&back_context, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  host.RequestShutdown();
  runner.join();
}

TEST(ServiceHostTest, ConfigProblemsStopStartUpWithExitCode2) {
  std::ostringstream logs;
  Config config = Config::FromYaml("grpc:\n  port: 70000\nclock:\n  mode: fast\n",
                                   {{"OVERSIGHT_METRICS_PORT", "http"}});
  ServiceHost host("bad-config", std::move(config), &logs);
  host.config().RequireString("kafka.bootstrap_servers");  // a service's own key
  EXPECT_EQ(host.Run(), 2);
  const std::string log = logs.str();
  EXPECT_THAT(log, HasSubstr("'grpc.port'"));
  EXPECT_THAT(log, HasSubstr("'metrics.port' (env OVERSIGHT_METRICS_PORT"));
  EXPECT_THAT(log, HasSubstr("'clock.mode'"));
  EXPECT_THAT(log, HasSubstr("'kafka.bootstrap_servers'"));
  EXPECT_THAT(log, HasSubstr("'auth.jwt.secret'"));  // auth is required by default
}

TEST(ServiceHostTest, MutualTlsFromConfiguration) {
  const test::TestCerts certs = test::MakeTestCerts();
  TempDir dir;
  std::ofstream(dir.File("server.pem")) << certs.server_cert;
  std::ofstream(dir.File("server.key")) << certs.server_key;
  std::ofstream(dir.File("ca.pem")) << certs.ca_cert;
  std::ostringstream logs;
  Config config = Config::FromYaml(absl::StrCat(
      "grpc:\n  port: 0\n  bind_address: 127.0.0.1\n  tls:\n",
      "    cert_file: ", dir.File("server.pem"), "\n", "    key_file: ", dir.File("server.key"),
      "\n", "    client_ca_file: ", dir.File("ca.pem"), "\n",
      "metrics:\n  port: 0\n  bind_address: 127.0.0.1\n", "auth:\n  required: false\n"));
  ServiceHost host("tls-test", std::move(config), &logs);
  std::thread runner([&] { host.Run(); });
  ASSERT_TRUE(host.WaitUntilServing(absl::Seconds(20))) << logs.str();
  const std::string target = absl::StrCat("127.0.0.1:", host.grpc_port());
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");

  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_root_certs = certs.ca_cert;
  with_cert.pem_cert_chain = certs.client_cert;
  with_cert.pem_private_key = certs.client_key;
  auto good = grpc::CreateCustomChannel(target, grpc::SslCredentials(with_cert), args);
  auto health = test::HealthCheck(good);
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, "SERVING");

  grpc::SslCredentialsOptions without_cert;
  without_cert.pem_root_certs = certs.ca_cert;
  auto anonymous = grpc::CreateCustomChannel(target, grpc::SslCredentials(without_cert), args);
  EXPECT_FALSE(test::HealthCheck(anonymous).ok());         // mTLS: a client certificate is required
  EXPECT_FALSE(test::HealthCheck(host.grpc_port()).ok());  // plaintext refused
  host.RequestShutdown();
  runner.join();
}

TEST(ServiceHostTest, TwoHostsInOneProcess) {
  std::ostringstream logs_a, logs_b;
  ServiceHost a("host-a", TestConfig("system"), &logs_a);
  ServiceHost b("host-b", TestConfig("system"), &logs_b);
  int code_a = -1, code_b = -1;
  std::thread run_a([&] { code_a = a.Run(); });
  ASSERT_TRUE(a.WaitUntilServing(absl::Seconds(20))) << logs_a.str();
  std::thread run_b([&] { code_b = b.Run(); });
  ASSERT_TRUE(b.WaitUntilServing(absl::Seconds(20))) << logs_b.str();
  EXPECT_NE(a.grpc_port(), b.grpc_port());
  EXPECT_EQ(*test::HealthCheck(a.grpc_port()), "SERVING");
  EXPECT_EQ(*test::HealthCheck(b.grpc_port()), "SERVING");
  EXPECT_THAT(logs_b.str(), HasSubstr("another ServiceHost in this process handles SIGTERM"));
  b.RequestShutdown();
  run_b.join();
  a.RequestShutdown();
  run_a.join();
  EXPECT_EQ(code_a, 0);
  EXPECT_EQ(code_b, 0);
}

// --- as a child process ---

std::map<std::string, std::string> ChildEnv(const TempDir& dir) {
  return {{"OVERSIGHT_GRPC_PORT", "0"},           {"OVERSIGHT_GRPC_BIND_ADDRESS", "127.0.0.1"},
          {"OVERSIGHT_METRICS_PORT", "0"},        {"OVERSIGHT_METRICS_BIND_ADDRESS", "127.0.0.1"},
          {"OVERSIGHT_AUTH_JWT_SECRET", kSecret}, {"OVERSIGHT_CLOCK_MODE", "manual"}};
}

TEST(ServiceHostProcessTest, SigtermGivesNotServingCleanWorkerStopAndExitZero) {
  TempDir dir;
  const std::string ports_file = dir.File("ports.json");
  oversight::testing::ChildProcessOptions options;
  options.argv = {OVERSIGHT_RUNTIME_TEST_SERVICE, "--ports-file", ports_file};
  options.env = ChildEnv(dir);
  options.env["OVERSIGHT_TEST_STOP_DELAY"] = "2s";  // the worker's in-flight work at SIGTERM
  options.log_path = dir.File("service.log");
  auto child = ChildProcess::Start(options);
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE((*child)->WaitForLine("\"msg\":\"serving\"", absl::Seconds(30)).ok())
      << (*child)->ReadLog();

  std::ifstream in(ports_file);
  nlohmann::json ports = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(ports.is_object()) << "ports file: " << ports_file;
  const int grpc_port = ports["grpc"];
  const int metrics_port = ports["metrics"];
  EXPECT_EQ(*test::HealthCheck(grpc_port), "SERVING");
  auto metrics = scrape::HttpGet("127.0.0.1", metrics_port, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();

  ASSERT_TRUE((*child)->Signal(SIGTERM).ok());
  // While the worker finishes, the server still answers, and says NOT_SERVING.
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto health = test::HealthCheck(grpc_port);
        return health.ok() && *health == "NOT_SERVING";
      },
      absl::Seconds(2), absl::Milliseconds(20)))
      << (*child)->ReadLog();
  auto code = (*child)->Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status() << (*child)->ReadLog();
  EXPECT_EQ(*code, 0) << (*child)->ReadLog();
  const std::string log = (*child)->ReadLog();
  EXPECT_THAT(log, HasSubstr("\"msg\":\"signal received\""));
  EXPECT_THAT(log, HasSubstr("\"msg\":\"ticker finished its last tick\""));
  EXPECT_THAT(log, HasSubstr("\"msg\":\"stopped\""));
  // Every stdout line is a JSON object with the common fields.
  std::istringstream lines(log);
  int parsed = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(j["service"], "runtime-test-service");
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("msg"));
    ++parsed;
  }
  EXPECT_GE(parsed, 4);
}

TEST(ServiceHostProcessTest, BadConfigExitsTwoNamingKeysAndEnvVars) {
  TempDir dir;
  auto env = ChildEnv(dir);
  env["OVERSIGHT_GRPC_PORT"] = "not-a-port";
  env["OVERSIGHT_RUNTIME_SHUTDOWN_GRACE"] = "soon";
  oversight::testing::ChildProcessOptions options;
  options.argv = {OVERSIGHT_RUNTIME_TEST_SERVICE, "--bogus-flag"};
  options.env = env;
  options.log_path = dir.File("service.log");
  auto child = ChildProcess::Start(options);
  ASSERT_TRUE(child.ok()) << child.status();
  auto code = (*child)->Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 2);
  const std::string log = (*child)->ReadLog();
  EXPECT_THAT(log, HasSubstr("config key 'grpc.port' (env OVERSIGHT_GRPC_PORT; value from the "
                             "environment): 'not-a-port' is not an integer"));
  EXPECT_THAT(log, HasSubstr("'runtime.shutdown_grace'"));
  EXPECT_THAT(log, HasSubstr("--bogus-flag: unknown command-line argument"));
}

}  // namespace
}  // namespace oversight::runtime
