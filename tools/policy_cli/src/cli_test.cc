#include "cli.h"

#include <cstdlib>
#include <map>
#include <sstream>

#include "facts_json.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace oversight::policy_cli {
namespace {

std::string Example(const std::string& name) {
  const char* dir = std::getenv("OVERSIGHT_POLICY_CLI_EXAMPLES");
  return std::string(dir ? dir : "examples") + "/" + name;
}

struct Result {
  int code;
  std::string out;
  std::string err;
};
Result RunCli(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = Run(args, out, err);
  return {code, out.str(), err.str()};
}

// (subject, kind or trigger) -> (due_at, rule_id), from explain --json.
std::multimap<std::string, std::pair<std::string, std::string>> Items(const std::string& out) {
  std::multimap<std::string, std::pair<std::string, std::string>> m;
  nlohmann::json doc = nlohmann::json::parse(out);
  for (const auto& it : doc["items"]) {
    if (it.contains("error")) continue;
    std::string key = it["subject"].get<std::string>() + " " + it["kind"].get<std::string>();
    if (it.contains("trigger")) key += " " + it["trigger"].get<std::string>();
    m.emplace(key, std::make_pair(it["due_at"].get<std::string>(),
                                  it["explanation"]["rule_id"].get<std::string>()));
  }
  return m;
}

bool Has(const std::multimap<std::string, std::pair<std::string, std::string>>& m,
         const std::string& key, const std::string& due, const std::string& rule) {
  auto [lo, hi] = m.equal_range(key);
  for (auto it = lo; it != hi; ++it) {
    if (it->second.first == due && it->second.second == rule) return true;
  }
  return false;
}

TEST(CliTest, ExplainHaveringExample) {
  Result r = RunCli(
      {"explain", "--pack", "havering", "--facts", Example("havering-facts.json"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto m = Items(r.out);
  // ASYE session on the 6-week boundary (17 Feb): fortnightly -> 3 March, GMT.
  EXPECT_TRUE(Has(m, "worker w-asye-1 personal_supervision", "2025-03-03T23:59:59Z", "H3"));
  // 0.5 FTE: every 2 months.
  EXPECT_TRUE(Has(m, "worker w-part-time personal_supervision", "2025-03-31T22:59:59Z", "H2"));
  EXPECT_TRUE(Has(m, "worker w-part-time observation", "2025-02-28T23:59:59Z", "H13"));
  // Sick over Christmas, back Monday 5 January 2026: within 5 working days -> Friday 9th.
  EXPECT_TRUE(Has(m, "worker w-sick personal_supervision", "2026-01-09T23:59:59Z", "H5"));
  EXPECT_TRUE(Has(m, "child c-cp case_discussion", "2025-03-31T22:59:59Z", "H10"));
  EXPECT_TRUE(Has(m, "child c-cin case_discussion", "2025-02-28T23:59:59Z", "H10"));
  // Easter 2025: 2 working days after Thursday 17 April is Wednesday 23 April (BST).
  EXPECT_TRUE(Has(m, "record cs-easter record_deadline", "2025-04-23T22:59:59Z", "H11"));
}

TEST(CliTest, ExplainStokeExample) {
  Result r = RunCli(
      {"explain", "--pack", "stoke-on-trent", "--facts", Example("stoke-facts.json"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto m = Items(r.out);
  EXPECT_TRUE(Has(m, "child c-ltm case_discussion", "2025-03-31T22:59:59Z", "S3"));  // 12 weeks
  EXPECT_TRUE(Has(m, "child c-eh case_discussion", "2025-02-17T23:59:59Z", "S3"));   // 6 weeks
  EXPECT_TRUE(Has(m, "event ev-cf-1 (child c-eh) assessment_checkpoint cf_assessment_checkpoints",
                  "2025-05-22T22:59:59Z", "S6"));
  EXPECT_TRUE(Has(m, "event ev-adhoc-1 (child c-ltm) record_deadline ad_hoc_discussion_recorded",
                  "2025-03-31T10:00:00Z", "S7"));
  EXPECT_TRUE(Has(m, "record ps-1 sign_off_deadline", "2025-06-02T22:59:59Z", "S10"));
  EXPECT_TRUE(Has(m, "worker w-stoke-1 mentoring", "2025-01-20T23:59:59Z", "S4"));
}

TEST(CliTest, ExplainDevonTextOutputIsReadable) {
  Result r = RunCli({"explain", "--pack", "devon", "--facts", Example("devon-facts.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("calendar england-and-wales 2018-2030"), std::string::npos);
  EXPECT_NE(r.out.find("[new_child_allocated, routine, owner supervisor]"), std::string::npos);
  EXPECT_NE(r.out.find("[drift_or_delay, urgent, owner supervisor_line_manager]"),
            std::string::npos);
  EXPECT_NE(r.out.find("Wed 27 Aug 2025 23:59 BST"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("informal_session_not_counted=2025-01-25"), std::string::npos);
  EXPECT_NE(r.out.find("rule   D17"), std::string::npos);
  EXPECT_NE(r.out.find("Wed 31 Dec 2025 23:59 GMT"), std::string::npos);  // D11 over Christmas
}

TEST(CliTest, RulesAndValidate) {
  Result rules = RunCli({"rules", "--pack", "devon"});
  ASSERT_EQ(rules.code, 0) << rules.err;
  EXPECT_NE(rules.out.find("D3 [personal_supervision]"), std::string::npos);
  EXPECT_NE(rules.out.find("alternative: s4.1"), std::string::npos);
  EXPECT_NE(rules.out.find("D15 [oversight_trigger] (not fixed by the seed)"), std::string::npos);
  Result ok = RunCli({"validate", "--pack", "lancashire"});
  EXPECT_EQ(ok.code, 0);
  EXPECT_NE(ok.out.find("pack lancashire OK"), std::string::npos);
}

TEST(CliTest, ErrorsAreReportedWithExitCodes) {
  EXPECT_EQ(RunCli({}).code, 2);
  EXPECT_EQ(RunCli({"explain", "--pack", "devon"}).code, 2);
  EXPECT_EQ(RunCli({"frobnicate", "--pack", "devon"}).code, 2);
  Result missing = RunCli({"validate", "--pack", "nowhere"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nowhere.yaml"), std::string::npos);
}

TEST(FactsJsonTest, RejectsBadFactsNamingThePath) {
  absl::TimeZone london;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &london));
  struct Case {
    const char* json;
    const char* want;
  } cases[] = {
      {"{", "f.json: not valid JSON"},
      {R"({"workerz": {}})", "f.json: $.workerz: unknown field"},
      {R"({"worker": {"worker_id": "w"}})", "$.worker.start_date: required"},
      {R"({"worker": {"worker_id": "w", "start_date": "2025-02-30"}})",
       "$.worker.start_date: '2025-02-30' is not a real calendar day"},
      {R"({"children": [{"child_id": "c", "case_type": "alien", "allocated_on": "2025-01-01"}]})",
       "$.children[0].case_type: unknown value 'alien'"},
      {R"({"events": [{"type": "x", "occurred_at": "yesterday"}]})",
       "$.events[0].occurred_at: 'yesterday' is not an RFC 3339 time"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<FactsFile> f = ParseFacts(c.json, "f.json", london);
    ASSERT_FALSE(f.ok()) << c.json;
    EXPECT_NE(f.status().message().find(c.want), std::string::npos) << f.status();
  }
  absl::StatusOr<FactsFile> ok = ParseFacts(
      R"({"events": [{"type": "t", "occurred_at": "2025-07-01T09:00"}]})", "f.json", london);
  ASSERT_TRUE(ok.ok()) << ok.status();
  // Without an offset the time is London wall-clock time (BST in July).
  EXPECT_EQ(ok->events[0].occurred_at,
            absl::FromCivil(absl::CivilSecond(2025, 7, 1, 8, 0, 0), absl::UTCTimeZone()));
}

}  // namespace
}  // namespace oversight::policy_cli
