// The demo's pipeline at small scale: the four services as processes on the embedded broker,
// a real redis-server and a real SMTP listener, a few dozen children of the DfE sample returns
// replayed over two months by oversight-sim's Run(); then the report must exist and every figure
// in it must be what the services answer over gRPC, asked again here independently.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "oversight/e2e/system.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"
#include "oversight/testing/wait_until.h"
#include "run.h"

namespace oversight::simulator {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::TimeUtil;

std::string SharedDir() {
  const char* dir = std::getenv("OVERSIGHT_SHARED_DIR");
  if (dir != nullptr) return dir;
  return std::string(std::getenv("OVERSIGHT_SOURCE_DIR")) + "/../shared";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Time LondonMidnight(absl::CivilDay day) {
  absl::TimeZone zone;
  absl::LoadTimeZone("Europe/London", &zone);
  return absl::FromCivil(day, zone);
}

class YearReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto system = e2e::System::Create(kafka::testing::BrokerKind::kEmbedded);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = *std::move(system);
    const std::string source = std::getenv("OVERSIGHT_SOURCE_DIR");
    fs::create_directories(dir_.path() + "/mail");
    auto smtp = testing::ChildProcess::Start(
        {"/usr/bin/python3", source + "/scripts/smtp-catcher.py", "--maildir",
         dir_.path() + "/mail", "--port", "0", "--ready-file", dir_.path() + "/smtp.ready"});
    ASSERT_TRUE(smtp.ok()) << smtp.status();
    smtp_ = *std::move(smtp);
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          std::error_code error;
          const auto size = fs::file_size(dir_.path() + "/smtp.ready", error);
          return !error && size > 0;
        },
        absl::Seconds(20), absl::Milliseconds(50)))
        << smtp_->ReadLog();
    const nlohmann::json ready = nlohmann::json::parse(ReadFile(dir_.path() + "/smtp.ready"));
    const std::map<std::string, std::string> env = {
        {"OVERSIGHT_CLOCK_MODE", "manual"},
        {"OVERSIGHT_CLOCK_START", "2025-03-31T17:00:00Z"},
        {"OVERSIGHT_POLICY_LIVE_FROM", "2025-04-01"},
        {"OVERSIGHT_POLICY_AUTHORITIES", "devon"},
        {"OVERSIGHT_OUTBOX_POLL_INTERVAL", "5ms"},
        {"OVERSIGHT_SCHEDULING_TIMER_INTERVAL", "20ms"},
        {"OVERSIGHT_SMTP_URL", absl::StrCat("smtp://127.0.0.1:", ready["port"].get<int>())},
        {"OVERSIGHT_SMTP_FROM", "oversight@devon.example.gov.uk"},
        {"OVERSIGHT_NOTIFICATIONS_DELIVERY_POLL_INTERVAL", "20ms"},
    };
    for (const char* service :
         {e2e::kScheduling, e2e::kRecording, e2e::kTriggers, e2e::kNotifications}) {
      auto started = system_->StartService(service, env);
      ASSERT_TRUE(started.ok()) << service << ": " << started.status();
      ServiceAddress address;
      address.grpc_target = (*started)->grpc_target();
      address.metrics_port = (*started)->metrics_port();
      endpoints_[service == std::string(e2e::kTriggers) ? kTriggers : service] = address;
    }
  }

  RunOptions Options() const {
    RunOptions options;
    options.authority = "devon";
    options.returns.cin_census_xml = SharedDir() + "/data/dfe/cin_census_sample.xml";
    options.returns.ssda903_episodes_csv = SharedDir() + "/data/dfe/ssda903_episodes.csv";
    options.kafka_bootstrap = system_->broker().bootstrap();
    options.endpoints = endpoints_;
    options.jwt_secret = e2e::kTestJwtSecret;
    options.report_dir = dir_.path() + "/report";
    options.mail_dir = dir_.path() + "/mail";
    options.case_events_topic = system_->Topic("case_events");
    options.workforce_events_topic = system_->Topic("workforce_events");
    options.months = 2;
    options.max_children = 40;
    options.seed = 5;
    return options;
  }

  std::unique_ptr<e2e::System> system_;
  testing::TempDir dir_;
  std::unique_ptr<testing::ChildProcess> smtp_;
  Endpoints endpoints_;
};

TEST_F(YearReplayTest, TheReportExistsAndAgreesWithWhatTheServicesAnswer) {
  std::ostringstream out, progress;
  auto report = simulator::Run(Options(), out, progress);
  ASSERT_TRUE(report.ok()) << report.status() << "\n" << progress.str();
  const fs::path dir = dir_.path() + "/report";
  ASSERT_TRUE(fs::exists(dir / "index.html"));
  ASSERT_TRUE(fs::exists(dir / "summary.txt"));
  const std::string html = ReadFile(dir / "index.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  const nlohmann::json json = nlohmann::json::parse(ReadFile(dir / "report.json"));

  // The replay did something: children allocated, sessions held, tasks answered.
  EXPECT_GT(json["replay"]["allocations"].get<int>(), 0);
  EXPECT_GT(json["replay"]["sessions_held_total"].get<int>(), 0);
  EXPECT_GT(json["replay"]["oversight_decisions"].get<int>(), 0);
  EXPECT_GT(json["tasks"]["total"].get<int>(), 0);
  EXPECT_TRUE(json["replay"]["call_failures"].empty()) << json["replay"]["call_failures"].dump();

  // Ask the services again, as any client would, and compare.
  auto clients = Clients::Connect(endpoints_, "devon", e2e::kTestJwtSecret);
  ASSERT_TRUE(clients.ok()) << clients.status();
  const absl::Time now = LondonMidnight(absl::CivilDay(2025, 6, 1)) - absl::Seconds(1);
  const std::vector<std::string> reader_roles = {"senior-manager", "head-of-service",
                                                 "notifications-admin", "quality-assurance"};
  int teams_checked = 0;
  for (const auto& team : json["compliance"]["teams"]) {
    for (const auto& [month, figures] : team["months"].items()) {
      const int year = std::stoi(month.substr(0, 4));
      const int m = std::stoi(month.substr(5, 2));
      scheduling::v1::ComplianceRequest request;
      request.set_authority_id("devon");
      request.set_team_id(team["id"].get<std::string>());
      *request.mutable_period_start() = TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(LondonMidnight(absl::CivilDay(year, m, 1))));
      *request.mutable_period_end() = TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(LondonMidnight(absl::CivilDay(absl::CivilMonth(year, m) + 1))));
      scheduling::v1::ComplianceResponse response;
      auto context = (*clients)->As("hos-01", reader_roles, now);
      ASSERT_TRUE((*clients)->scheduling().GetCompliance(context.get(), request, &response).ok());
      EXPECT_EQ(figures["sessions_due"], response.total().sessions_due()) << month;
      EXPECT_EQ(figures["sessions_on_time"], response.total().sessions_on_time()) << month;
      EXPECT_EQ(figures["case_discussions_due"], response.total().case_discussions_due()) << month;
      EXPECT_EQ(figures["case_discussions_on_time"], response.total().case_discussions_on_time())
          << month;
      EXPECT_EQ(figures["records_due"], response.total().records_due()) << month;
      EXPECT_EQ(figures["records_on_time"], response.total().records_on_time()) << month;
    }
    ++teams_checked;
  }
  EXPECT_GT(teams_checked, 0);

  std::map<std::string, int> opened_by_rule;
  triggers::v1::ListTasksRequest tasks;
  tasks.set_authority_id("devon");
  tasks.mutable_page()->set_page_size(500);
  int total = 0;
  while (true) {
    triggers::v1::ListTasksResponse response;
    auto context = (*clients)->As("hos-01", reader_roles, now);
    ASSERT_TRUE((*clients)->triggers().ListTasks(context.get(), tasks, &response).ok());
    for (const auto& task : response.tasks()) {
      ++opened_by_rule[task.rule_id()];
      ++total;
    }
    if (response.page().next_page_token().empty()) break;
    tasks.mutable_page()->set_page_token(response.page().next_page_token());
  }
  EXPECT_EQ(json["tasks"]["total"].get<int>(), total);
  for (const auto& rule : json["tasks"]["by_rule"]) {
    EXPECT_EQ(rule["opened"].get<int>(), opened_by_rule[rule["rule_id"].get<std::string>()])
        << rule.dump();
  }

  // The emails in the report are the messages the SMTP listener caught.
  int caught = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path() + "/mail")) {
    caught += entry.path().extension() == ".eml" ? 1 : 0;
  }
  EXPECT_EQ(json["notifications"]["emails_caught"].get<int>(), caught);
  EXPECT_GT(caught, 0);
}

}  // namespace
}  // namespace oversight::simulator
