// Runs the oversight-import binary as a process on the shared DfE samples and checks the JSON
// lines it writes, its summary, its issues file and its exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "google/protobuf/util/json_util.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/statutory_returns/cin_census.h"
#include "oversight/statutory_returns/ssda903.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::importer {
namespace {

namespace sr = oversight::statutory_returns;
using oversight::cases::v1::CaseEvent;

std::string SharedDir() {
  if (const char* dir = std::getenv("OVERSIGHT_SHARED_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return OVERSIGHT_DEFAULT_SHARED_DIR;
}
std::string Dfe(const std::string& name) {
  return SharedDir() + "/data/dfe/" + name;
}

struct RunResult {
  int exit_code = -1;
  std::string log;  // stdout + stderr
};

RunResult RunImporter(std::vector<std::string> args, const std::string& log_path) {
  args.insert(args.begin(), OVERSIGHT_IMPORT_BINARY);
  oversight::testing::ChildProcessOptions options;
  options.argv = std::move(args);
  options.log_path = log_path;
  auto child = oversight::testing::ChildProcess::Start(std::move(options));
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return {};
  absl::StatusOr<int> code = (*child)->Wait(absl::Seconds(60));
  EXPECT_TRUE(code.ok()) << code.status();
  return RunResult{code.value_or(-1), (*child)->ReadLog()};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<CaseEvent> ReadJsonLines(const std::string& path) {
  std::vector<CaseEvent> events;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    CaseEvent event;
    auto status = google::protobuf::util::JsonStringToMessage(line, &event);
    EXPECT_TRUE(status.ok()) << status.ToString() << ": " << line;
    events.push_back(std::move(event));
  }
  return events;
}

// "  oversight.cases.v1.X 12" lines of the summary.
std::map<std::string, int> SummaryCounts(const std::string& log) {
  std::map<std::string, int> counts;
  std::istringstream in(log);
  const std::string prefix = "  oversight.cases.v1.";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    const size_t space = line.rfind(' ');
    counts[line.substr(2, space - 2)] = std::stoi(line.substr(space + 1));
  }
  return counts;
}

constexpr int64_t kRecordedAtSeconds = 1795500000;  // 2026-11-24T06:00:00Z
const std::vector<std::string> kSampleArgs = {"--authority",   "devon",
                                              "--cin",         Dfe("cin_census_sample.xml"),
                                              "--episodes",    Dfe("ssda903_episodes.csv"),
                                              "--header",      Dfe("ssda903_header.csv"),
                                              "--recorded-at", "2026-11-24T06:00:00Z"};

TEST(ImporterCliTest, WritesJsonLinesSummaryAndIssues) {
  oversight::testing::TempDir dir("importer-cli-");
  std::vector<std::string> args = kSampleArgs;
  args.insert(args.end(), {"--out", dir.File("events.jsonl"), "--issues", dir.File("issues.csv")});
  RunResult run = RunImporter(args, dir.File("run.log"));
  ASSERT_EQ(run.exit_code, 0) << run.log;

  std::vector<CaseEvent> events = ReadJsonLines(dir.File("events.jsonl"));
  ASSERT_FALSE(events.empty());
  // What the file holds is what the summary says.
  EXPECT_EQ(sr::CountByType(events), SummaryCounts(run.log)) << run.log;
  EXPECT_THAT(run.log, ::testing::HasSubstr("imported " + std::to_string(events.size()) + " "));

  // ... and what the library makes of the same files in-process.
  sr::ImportOptions options;
  options.authority_id = "devon";
  ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &options.zone));
  std::ifstream cin_in(Dfe("cin_census_sample.xml")), episodes_in(Dfe("ssda903_episodes.csv")),
      header_in(Dfe("ssda903_header.csv"));
  std::vector<sr::Issue> issues;
  auto cin = sr::ImportCinCensus(cin_in, Dfe("cin_census_sample.xml"), options);
  auto rows = sr::ParseSsda903EpisodesCsv(episodes_in, Dfe("ssda903_episodes.csv"), &issues);
  auto header = sr::ParseSsda903HeaderCsv(header_in, Dfe("ssda903_header.csv"), &issues);
  ASSERT_TRUE(cin.ok() && rows.ok() && header.ok());
  options.recorded_at = absl::FromUnixSeconds(kRecordedAtSeconds);
  auto looked_after = sr::ImportSsda903Episodes(*rows, &*header, options);
  ASSERT_TRUE(looked_after.ok());
  std::map<std::string, int> expected = sr::CountByType(cin->events);
  for (const auto& [type, n] : sr::CountByType(looked_after->events))
    expected[type] += n;
  EXPECT_EQ(sr::CountByType(events), expected);

  // Every event is complete, and the file is one timeline.
  int64_t last = INT64_MIN;
  for (const CaseEvent& event : events) {
    const auto* meta = sr::EventMetaOf(event);
    ASSERT_NE(meta, nullptr);
    EXPECT_EQ(meta->authority_id(), "devon");
    EXPECT_FALSE(meta->event_id().empty());
    EXPECT_FALSE(meta->subject().empty());
    EXPECT_EQ(meta->recorded_at().seconds(), kRecordedAtSeconds);
    EXPECT_THAT(meta->source(), ::testing::AnyOf("import://cin-census", "import://ssda903"));
    EXPECT_GE(meta->occurred_at().seconds(), last);
    last = meta->occurred_at().seconds();
  }

  // Issues CSV: a header row plus one row per issue, as many as the library reports.
  std::vector<std::string> issue_lines;
  std::istringstream csv(ReadFile(dir.File("issues.csv")));
  for (std::string line; std::getline(csv, line);)
    issue_lines.push_back(line);
  ASSERT_FALSE(issue_lines.empty());
  EXPECT_EQ(issue_lines[0], "file,line,child_id,severity,code,reason");
  EXPECT_EQ(issue_lines.size() - 1,
            cin->issues.size() + looked_after->issues.size() + issues.size());
  EXPECT_THAT(run.log, ::testing::HasSubstr("issues " + std::to_string(issue_lines.size() - 1)));
}

TEST(ImporterCliTest, SameInputSameOutput) {
  oversight::testing::TempDir dir("importer-cli-");
  std::vector<std::string> first = kSampleArgs, second = kSampleArgs;
  first.insert(first.end(), {"--out", dir.File("a.jsonl")});
  second.insert(second.end(), {"--out", dir.File("b.jsonl")});
  ASSERT_EQ(RunImporter(first, dir.File("a.log")).exit_code, 0);
  ASSERT_EQ(RunImporter(second, dir.File("b.log")).exit_code, 0);
  const std::string a = ReadFile(dir.File("a.jsonl"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, ReadFile(dir.File("b.jsonl")));
}

TEST(ImporterCliTest, XmlEpisodesAndIssuesOnStderr) {
  oversight::testing::TempDir dir("importer-cli-");
  const std::string xml = std::string(OVERSIGHT_STATUTORY_RETURNS_TESTDATA) + "/ssda903_small.xml";
  RunResult run = RunImporter({"--authority", "devon", "--episodes-xml", xml, "--out",
                               dir.File("events.jsonl"), "--as-of", "2022-03-31"},
                              dir.File("run.log"));
  ASSERT_EQ(run.exit_code, 0) << run.log;
  std::vector<CaseEvent> events = ReadJsonLines(dir.File("events.jsonl"));
  EXPECT_EQ(sr::CountByType(events), SummaryCounts(run.log));
  EXPECT_EQ(events.size(), 8u);
  // Each marked line of the file is reported as "file:line: severity [code]".
  std::ifstream in(xml);
  int line_number = 0, marked = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const size_t at = line.find("BAD ");
    if (at == std::string::npos || !std::islower(static_cast<unsigned char>(line[at + 4])))
      continue;
    const std::string code = line.substr(at + 4, line.find(' ', at + 4) - at - 4);
    ++marked;
    EXPECT_THAT(run.log, ::testing::ContainsRegex(xml + ":" + std::to_string(line_number) +
                                                  ": (error|warning) \\[" + code + "\\]"));
  }
  EXPECT_EQ(marked, 2);
}

TEST(ImporterCliTest, ExitCodes) {
  oversight::testing::TempDir dir("importer-cli-");
  // Usage errors: 2.
  EXPECT_EQ(
      RunImporter({"--authority", "devon", "--out", dir.File("x")}, dir.File("1.log")).exit_code,
      2);
  EXPECT_EQ(RunImporter({"--authority", "devon", "--cin", Dfe("cin_census_sample.xml")},
                        dir.File("2.log"))
                .exit_code,
            2);
  EXPECT_EQ(RunImporter({"--bogus"}, dir.File("3.log")).exit_code, 2);
  // Unusable input: 1, and nothing written.
  std::ofstream(dir.File("broken.xml")) << "<Message><Children>";
  RunResult broken = RunImporter(
      {"--authority", "devon", "--cin", dir.File("broken.xml"), "--out", dir.File("out.jsonl")},
      dir.File("4.log"));
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_THAT(broken.log, ::testing::HasSubstr("not well-formed"));
  EXPECT_EQ(RunImporter({"--authority", "devon", "--episodes", dir.File("missing.csv"), "--out",
                         dir.File("out.jsonl")},
                        dir.File("5.log"))
                .exit_code,
            1);
}

}  // namespace
}  // namespace oversight::importer
