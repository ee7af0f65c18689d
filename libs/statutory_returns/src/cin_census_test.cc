#include "oversight/statutory_returns/cin_census.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "google/protobuf/util/time_util.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "test_support.h"

namespace oversight::statutory_returns {
namespace {

using oversight::cases::v1::CaseEvent;
using ::testing::ElementsAre;
using ::testing::Pair;
using testing::TestDataPath;
using testing::TestOptions;

absl::StatusOr<ImportResult> ImportFixture(const ImportOptions& options) {
  std::ifstream in(TestDataPath("cin_census_small.xml"));
  return ImportCinCensus(in, "cin_census_small.xml", options);
}

std::vector<const CaseEvent*> EventsOf(const ImportResult& result, const std::string& child) {
  std::vector<const CaseEvent*> out;
  for (const CaseEvent& event : result.events) {
    if (EventMetaOf(event)->subject() == child) out.push_back(&event);
  }
  return out;
}

std::string Day(const CaseEvent& event) {
  return google::protobuf::util::TimeUtil::ToString(EventMetaOf(event)->occurred_at());
}

TEST(CinCensusTest, MapsEveryElementOfAReferralInDateOrder) {
  absl::StatusOr<ImportResult> result = ImportFixture(TestOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  std::vector<const CaseEvent*> c1 = EventsOf(*result, "C1");
  std::vector<std::pair<std::string, std::string>> seen;
  for (const CaseEvent* event : c1) {
    seen.emplace_back(std::string(EventTypeName(*event)), Day(*event));
  }
  // Midnight Europe/London: BST dates are 23:00 UTC the day before.
  EXPECT_THAT(seen,
              ElementsAre(Pair("oversight.cases.v1.ReferralReceived", "2022-05-31T23:00:00Z"),
                          Pair("oversight.cases.v1.AssessmentStarted", "2022-06-01T23:00:00Z"),
                          Pair("oversight.cases.v1.AssessmentCompleted", "2022-07-09T23:00:00Z"),
                          Pair("oversight.cases.v1.PlanStarted", "2022-07-14T23:00:00Z"),
                          Pair("oversight.cases.v1.CaseTypeChanged", "2022-07-14T23:00:00Z"),
                          Pair("oversight.cases.v1.AssessmentStarted", "2022-08-19T23:00:00Z"),
                          Pair("oversight.cases.v1.PlanEnded", "2022-08-31T23:00:00Z"),
                          Pair("oversight.cases.v1.PlanStarted", "2022-08-31T23:00:00Z"),
                          Pair("oversight.cases.v1.CaseTypeChanged", "2022-08-31T23:00:00Z"),
                          Pair("oversight.cases.v1.PlanEnded", "2023-02-01T00:00:00Z"),
                          Pair("oversight.cases.v1.CaseClosed", "2023-03-01T00:00:00Z")));
  ASSERT_EQ(c1.size(), 11u);
  EXPECT_EQ(c1[0]->referral_received().referral_source(), "1A");
  EXPECT_EQ(c1[1]->assessment_started().kind(), cases::v1::ASSESSMENT_KIND_CHILD_AND_FAMILY);
  EXPECT_EQ(c1[2]->assessment_completed().assessment_id(),
            c1[1]->assessment_started().assessment_id());
  EXPECT_EQ(
      google::protobuf::util::TimeUtil::ToString(c1[2]->assessment_completed().authorised_at()),
      "2022-07-09T23:00:00Z");
  EXPECT_EQ(c1[3]->plan_started().plan(), cases::v1::PLAN_KIND_CIN_PLAN);
  EXPECT_EQ(c1[4]->case_type_changed().case_type(), common::v1::CASE_TYPE_CHILD_IN_NEED);
  EXPECT_EQ(c1[5]->assessment_started().kind(), cases::v1::ASSESSMENT_KIND_SECTION_47);
  EXPECT_EQ(c1[6]->plan_ended().plan(), cases::v1::PLAN_KIND_CIN_PLAN);
  EXPECT_EQ(c1[7]->plan_started().plan(), cases::v1::PLAN_KIND_CHILD_PROTECTION_PLAN);
  EXPECT_EQ(c1[8]->case_type_changed().case_type(), common::v1::CASE_TYPE_CHILD_PROTECTION);
  EXPECT_EQ(c1[9]->plan_ended().plan(), cases::v1::PLAN_KIND_CHILD_PROTECTION_PLAN);
  EXPECT_EQ(c1[10]->case_closed().reason(), "RC1");
  for (const CaseEvent* event : c1) {
    const common::v1::EventMeta* meta = EventMetaOf(*event);
    EXPECT_EQ(meta->authority_id(), "devon");
    EXPECT_EQ(meta->source(), "import://cin-census");
    EXPECT_EQ(meta->recorded_at().seconds(), 1795000000);
    EXPECT_THAT(meta->event_id(), ::testing::MatchesRegex("[0-9a-f]{32}"));
  }
}

TEST(CinCensusTest, ReportsEveryMarkedElementAndImportsTheRest) {
  absl::StatusOr<ImportResult> result = ImportFixture(TestOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(testing::ReportedIssues(result->issues),
            testing::MarkedIssues(TestDataPath("cin_census_small.xml")));
  for (const Issue& issue : result->issues) {
    EXPECT_EQ(issue.file, "cin_census_small.xml");
    EXPECT_FALSE(issue.reason.empty());
    EXPECT_EQ(issue.severity,
              issue.code == "overlapping_episodes" ? Severity::kWarning : Severity::kError)
        << issue.code;
  }
  // C2 keeps its two referrals and its CIN plan start; C3 keeps the referral before its death.
  std::map<std::string, int> c2;
  for (const CaseEvent* event : EventsOf(*result, "C2"))
    ++c2[std::string(EventTypeName(*event))];
  EXPECT_THAT(c2, ElementsAre(Pair("oversight.cases.v1.CaseTypeChanged", 1),
                              Pair("oversight.cases.v1.PlanStarted", 1),
                              Pair("oversight.cases.v1.ReferralReceived", 2)));
  EXPECT_EQ(EventsOf(*result, "C3").size(), 2u);
  EXPECT_EQ(result->events.size(), 11u + 4u + 2u);
}

TEST(CinCensusTest, EventIdsAreDeterministicPerAuthority) {
  absl::StatusOr<ImportResult> first = ImportFixture(TestOptions());
  ImportOptions later = TestOptions();
  later.recorded_at += absl::Hours(24 * 30);
  absl::StatusOr<ImportResult> again = ImportFixture(later);
  absl::StatusOr<ImportResult> other = ImportFixture(TestOptions("cornwall"));
  ASSERT_TRUE(first.ok() && again.ok() && other.ok());
  ASSERT_EQ(first->events.size(), again->events.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < first->events.size(); ++i) {
    const std::string& id = EventMetaOf(first->events[i])->event_id();
    EXPECT_EQ(id, EventMetaOf(again->events[i])->event_id());
    EXPECT_NE(id, EventMetaOf(other->events[i])->event_id());
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), first->events.size()) << "event ids must be unique";
}

TEST(CinCensusTest, AsOfOverridesTheReferenceDate) {
  ImportOptions options = TestOptions();
  options.as_of = absl::CivilDay(2022, 8, 31);
  absl::StatusOr<ImportResult> result = ImportFixture(options);
  ASSERT_TRUE(result.ok());
  // C1's S.47 (2022-08-20) is kept; its CPP start and everything later are not.
  std::vector<const CaseEvent*> c1 = EventsOf(*result, "C1");
  ASSERT_EQ(c1.size(), 6u);
  EXPECT_EQ(EventTypeName(*c1.back()), "oversight.cases.v1.AssessmentStarted");
  int after_as_of = 0;
  for (const Issue& issue : result->issues)
    after_as_of += issue.code == "date_after_as_of";
  // C1: CINPlanEndDate, CPPstartDate, CPPendDate, CINclosureDate; C2: CPPstartDate, 2023 referral.
  EXPECT_EQ(after_as_of, 6);
}

TEST(CinCensusTest, UnusableInputIsAnError) {
  std::istringstream broken("<Message><Children><Child></Message>");
  EXPECT_EQ(ImportCinCensus(broken, "broken.xml", TestOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::istringstream other_root("<Other/>");
  EXPECT_EQ(ImportCinCensus(other_root, "other.xml", TestOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::istringstream no_reference("<Message><Children/></Message>");
  EXPECT_EQ(ImportCinCensus(no_reference, "x.xml", TestOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::istringstream fine("<Message><Children/></Message>");
  ImportOptions options = TestOptions();
  options.as_of = absl::CivilDay(2023, 3, 31);
  absl::StatusOr<ImportResult> empty = ImportCinCensus(fine, "x.xml", options);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->events.empty());
  options.authority_id.clear();
  std::istringstream again("<Message><Children/></Message>");
  EXPECT_EQ(ImportCinCensus(again, "x.xml", options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Found by the CIN census fuzzer (libs/statutory_returns/fuzz): a date in year 0000 reached
// protobuf's TimeUtil, whose range check aborted the whole import.
TEST(CinCensusTest, YearZeroIsABadDateNotAnAbort) {
  std::istringstream in(
      "<Message><Header><CollectionDetails><ReferenceDate>2023-03-31</ReferenceDate>"
      "</CollectionDetails></Header><Children><Child><ChildIdentifiers><LAchildID>C9"
      "</LAchildID></ChildIdentifiers><CINdetails>\n"
      "<CINreferralDate>0000-01-01</CINreferralDate></CINdetails><CINdetails>\n"
      "<CINreferralDate>0001-01-01</CINreferralDate></CINdetails></Child></Children></Message>");
  absl::StatusOr<ImportResult> result = ImportCinCensus(in, "x.xml", TestOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(testing::ReportedIssues(result->issues),
            (std::set<std::pair<int, std::string>>{{2, "bad_date"}}));
  ASSERT_EQ(result->events.size(), 1u);  // the first day a Timestamp holds is still imported
  EXPECT_EQ(EventTypeName(result->events[0]), "oversight.cases.v1.ReferralReceived");
}

// Found with a hand-made input for the CIN census fuzz target (longer than the runs' 16 KB): a
// document nested 300,000 elements deep overflowed the stack when its tree was freed, killing
// oversight-import; also when the document was cut off.
TEST(CinCensusTest, DeeplyNestedXmlIsAnErrorNotACrash) {
  const int depth = 300'000;
  std::string nested = "<Message><Children><Child>";
  for (int i = 0; i < depth; ++i)
    nested += "<a>";
  for (const bool closed : {true, false}) {
    std::string text = nested;
    if (closed) {
      for (int i = 0; i < depth; ++i)
        text += "</a>";
      text += "</Child></Children></Message>";
    }
    std::istringstream in(text);
    absl::StatusOr<ImportResult> result = ImportCinCensus(in, "deep.xml", TestOptions());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(result.status().message(), "deep.xml:1: elements nested more than 64 deep");
  }
  // 64 levels are fine (the census itself needs seven).
  std::string ok = "<Message>";
  for (int i = 1; i < 64; ++i)
    ok += "<a>";
  for (int i = 1; i < 64; ++i)
    ok += "</a>";
  ok += "</Message>";
  std::istringstream in(ok);
  ImportOptions options = TestOptions();
  options.as_of = absl::CivilDay(2023, 3, 31);
  EXPECT_TRUE(ImportCinCensus(in, "ok.xml", options).ok());
}

}  // namespace
}  // namespace oversight::statutory_returns
