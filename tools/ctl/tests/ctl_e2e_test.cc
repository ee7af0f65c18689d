// oversight-ctl as an operator runs it: the binary against oversight-triggers and notifications
// running as processes on the real Apache Kafka broker (ctest fixture kafka_real) and a real
// redis-server. A workforce event and a case allocation go in; the CLI must show the task, the
// summary and the supervisor's notification, and report refusals with their gRPC status.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/e2e/sample_events.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/runtime/auth.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/free_port.h"
#include "oversight/testing/temp_dir.h"
#include "oversight/testing/wait_until.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::e2e {
namespace {

struct CtlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs oversight-ctl with `args`; stdout and stderr are captured separately.
CtlResult Ctl(const std::vector<std::string>& args) {
  static int run = 0;
  static testing::TempDir dir("ctl-e2e-");
  const std::string out_path = dir.File("out-" + std::to_string(run));
  const std::string err_path = dir.File("err-" + std::to_string(run++));
  testing::ChildProcessOptions options;
  options.argv = {"/bin/sh", "-c", "exec \"$@\" 2>\"" + err_path + "\"", "sh",
                  OVERSIGHT_CTL_BINARY};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.log_path = out_path;
  options.env = {{"OVERSIGHT_TOKEN", ""}};
  CtlResult result;
  auto child = testing::ChildProcess::Start(options);
  if (!child.ok()) {
    result.err = child.status().ToString();
    return result;
  }
  auto code = (*child)->Wait(absl::Seconds(60));
  result.exit_code = code.ok() ? *code : -1;
  result.out = ReadAll(out_path);
  result.err = ReadAll(err_path);
  return result;
}

class CtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto system = System::Create(kafka::testing::BrokerKind::kReal);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = *std::move(system);
    auto triggers = system_->StartService(kTriggers);
    ASSERT_TRUE(triggers.ok()) << triggers.status();
    auto notifications = system_->StartService(kNotifications);
    ASSERT_TRUE(notifications.ok()) << notifications.status();
    triggers_ = (*triggers)->grpc_target();
    notifications_ = (*notifications)->grpc_target();
  }
  std::unique_ptr<System> system_;
  std::string triggers_;
  std::string notifications_;
};

TEST_F(CtlTest, ShowsTasksSummaryAndNotificationsOfARunningSystem) {
  // health: both services answer SERVING.
  for (const auto& target : {triggers_, notifications_}) {
    auto health = Ctl({"health", "--target", target});
    EXPECT_EQ(health.exit_code, 0) << health.err;
    EXPECT_EQ(health.out, "SERVING\n");
  }

  // token: a JWT the services' secret verifies, with the claims asked for.
  auto minted = Ctl({"token", "--secret", kTestJwtSecret, "--subject", "manager-1", "--role",
                     "team-manager", "--authority", "devon"});
  ASSERT_EQ(minted.exit_code, 0) << minted.err;
  const std::string token = minted.out.substr(0, minted.out.find('\n'));
  runtime::AuthOptions auth;
  auth.key = kTestJwtSecret;
  auto verifier = runtime::Authenticator::Create(auth, runtime::SystemClock::Default());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  auto principal = (*verifier)->Verify(token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "manager-1");
  EXPECT_EQ(principal->authority_id, "devon");
  EXPECT_EQ(principal->roles, std::vector<std::string>{"team-manager"});

  ASSERT_TRUE(
      system_->Publish("workforce_events", "worker-1", WorkerJoinedEvent("worker-1", "manager-1"))
          .ok());
  ASSERT_TRUE(system_
                  ->Publish("case_events", "child-1",
                            CaseAllocatedEvent("child-1", "worker-1", "lcs-alloc-child-1"))
                  .ok());
  ASSERT_TRUE(system_
                  ->Publish("case_events", "child-2",
                            CaseAllocatedEvent("child-2", "worker-1", "lcs-alloc-child-2"))
                  .ok());

  // tasks --json: both allocations became D8 tasks (Devon's allocation rule).
  nlohmann::json listed;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto tasks = Ctl(
            {"tasks", "--target", triggers_, "--authority", "devon", "--token", token, "--json"});
        if (tasks.exit_code != 0) return false;
        listed = nlohmann::json::parse(tasks.out, nullptr, false);
        return listed.is_object() && listed.contains("tasks") && listed["tasks"].size() == 2;
      },
      absl::Seconds(60), absl::Milliseconds(250)))
      << listed.dump();
  std::set<std::string> children;
  for (const auto& task : listed["tasks"]) {
    children.insert(task.value("child_id", ""));
    EXPECT_EQ(task.value("rule_id", ""), "D8");
    EXPECT_EQ(task.value("status", ""), "TASK_STATUS_REQUESTED");
  }
  EXPECT_EQ(children, (std::set<std::string>{"child-1", "child-2"}));

  // tasks (table), filtered by child.
  auto table = Ctl({"tasks", "--target", triggers_, "--authority", "devon", "--token", token,
                    "--child", "child-2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("TASK  ", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("child-2"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("child-1"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("\n1 task\n"), std::string::npos) << table.out;

  // task-summary: the counts, as JSON and as a table.
  auto summary_json = Ctl(
      {"task-summary", "--target", triggers_, "--authority", "devon", "--token", token, "--json"});
  ASSERT_EQ(summary_json.exit_code, 0) << summary_json.err;
  auto summary = nlohmann::json::parse(summary_json.out, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << summary_json.out;
  EXPECT_EQ(summary["total"], 2);
  EXPECT_EQ(summary["by_rule"]["D8"]["requested"], 2);
  EXPECT_EQ(summary["by_rule"]["D8"]["total"], 2);
  auto summary_table =
      Ctl({"task-summary", "--target", triggers_, "--authority", "devon", "--token", token});
  ASSERT_EQ(summary_table.exit_code, 0) << summary_table.err;
  EXPECT_TRUE(std::regex_search(summary_table.out, std::regex(R"(\nD8 +2 +0 +0 +0 +2\n)")))
      << summary_table.out;
  EXPECT_TRUE(std::regex_search(summary_table.out, std::regex(R"(\nall rules +2 +0 +0 +0 +2\n)")))
      << summary_table.out;

  // notifications: the supervisor sees a reminder about each child.
  CtlResult mine;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        mine = Ctl({"notifications", "--target", notifications_, "--authority", "devon",
                    "--recipient", "manager-1", "--token", token});
        return mine.exit_code == 0 && mine.out.find("child-1") != std::string::npos &&
               mine.out.find("child-2") != std::string::npos;
      },
      absl::Seconds(60), absl::Milliseconds(250)))
      << mine.out << mine.err;
  EXPECT_EQ(mine.out.rfind("CREATED (Europe/London)", 0), 0u) << mine.out;
  auto mine_json = Ctl({"notifications", "--target", notifications_, "--authority", "devon",
                        "--recipient", "manager-1", "--token", token, "--json"});
  ASSERT_EQ(mine_json.exit_code, 0) << mine_json.err;
  auto notes = nlohmann::json::parse(mine_json.out, nullptr, false);
  ASSERT_TRUE(notes.is_object()) << mine_json.out;
  ASSERT_GE(notes["notifications"].size(), 2u);
  for (const auto& note : notes["notifications"])
    EXPECT_EQ(note.value("recipient_id", ""), "manager-1");
}

TEST_F(CtlTest, RefusalsAndUsageErrorsAreClearWithExitCodes) {
  // No token: UNAUTHENTICATED from the service, with a hint; exit 1.
  auto anonymous = Ctl({"tasks", "--target", triggers_, "--authority", "devon"});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("oversight-ctl tasks: UNAUTHENTICATED: "), std::string::npos)
      << anonymous.err;
  EXPECT_NE(anonymous.err.find("oversight-ctl token"), std::string::npos) << anonymous.err;

  // Someone else's notifications: PERMISSION_DENIED.
  const std::string worker = System::Token("worker-1");
  auto other = Ctl({"notifications", "--target", notifications_, "--authority", "devon",
                    "--recipient", "manager-1", "--token", worker});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("PERMISSION_DENIED: a person may only see their own notifications"),
            std::string::npos)
      << other.err;

  // An authority this deployment does not serve: INVALID_ARGUMENT from the service.
  auto unknown = Ctl({"task-summary", "--target", triggers_, "--authority", "atlantis", "--token",
                      System::Token("manager-1")});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("INVALID_ARGUMENT: authority \"atlantis\""), std::string::npos)
      << unknown.err;

  // Usage errors: exit 2, nothing on stdout.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"tasks", "--target", triggers_},
           {"tasks", "--target", triggers_, "--authority", "devon", "--colour", "red"},
           {"frobnicate"},
           {"tasks", "--target", triggers_, "--authority", "devon", "--status", "open"},
           {"token", "--subject", "x"}}) {
    auto usage = Ctl(args);
    EXPECT_EQ(usage.exit_code, 2) << args[0] << " " << usage.err;
    EXPECT_TRUE(usage.out.empty()) << usage.out;
    EXPECT_NE(usage.err.find("usage: oversight-ctl"), std::string::npos) << usage.err;
  }

  // Nothing listening: UNAVAILABLE (after the deadline), exit 1.
  const int closed = testing::PickFreePort();
  auto nobody =
      Ctl({"health", "--target", "127.0.0.1:" + std::to_string(closed), "--timeout", "2s"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.err.find("oversight-ctl health: "), std::string::npos) << nobody.err;

  // A service that has shut down is not reported healthy.
  auto code = system_->service(kTriggers)->Terminate();
  ASSERT_TRUE(code.ok()) << code.status();
  auto stopped = Ctl({"health", "--target", triggers_, "--timeout", "2s"});
  EXPECT_EQ(stopped.exit_code, 1) << stopped.out;
}

}  // namespace
}  // namespace oversight::e2e
