#include "oversight/statutory_returns/ssda903.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "test_support.h"

namespace oversight::statutory_returns {
namespace {

using oversight::cases::v1::CaseEvent;
using ::testing::ElementsAre;
using ::testing::Pair;
using testing::TestOptions;

// The same episodes as testdata/ssda903_small.xml.
constexpr char kSmallEpisodesCsv[] =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,"
    "URN\n"
    "101,01/06/2020,S,V2,N1,U4,PR1,15/09/2020,X1,,,,\n"
    "101,15/09/2020,L,C2,N1,U4,,03/02/2021,X1,,,,\n"
    "101,03/02/2021,B,C1,,P1,,20/07/2021,E4A,CARPL,,,\n"
    "102,10/01/2021,T,C2,,K2,,01/03/2021,E11,,,,\n"
    "102,05/03/2021,S,C9,,K2,,,,,,,\n";

absl::StatusOr<ImportResult> ImportCsv(const std::string& csv, const Ssda903Header* header,
                                       const ImportOptions& options,
                                       std::vector<Issue>* parse_issues = nullptr) {
  std::istringstream in(csv);
  std::vector<Issue> local;
  absl::StatusOr<std::vector<Ssda903Episode>> episodes =
      ParseSsda903EpisodesCsv(in, "episodes.csv", parse_issues ? parse_issues : &local);
  if (!episodes.ok()) return episodes.status();
  return ImportSsda903Episodes(*episodes, header, options);
}

std::vector<std::string> Types(const ImportResult& result) {
  std::vector<std::string> types;
  for (const CaseEvent& event : result.events)
    types.emplace_back(EventTypeName(event));
  return types;
}

std::set<std::pair<int, std::string>> Codes(const ImportResult& result) {
  return testing::ReportedIssues(result.issues);
}

TEST(Ssda903Test, MapsEpisodesToCareEvents) {
  absl::StatusOr<ImportResult> result = ImportCsv(kSmallEpisodesCsv, nullptr, TestOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(Types(*result), ElementsAre("oversight.cases.v1.ChildEnteredCare",    // 101 S
                                          "oversight.cases.v1.LegalStatusChanged",  // 101 L
                                          "oversight.cases.v1.LegalStatusChanged",  // 101 B
                                          "oversight.cases.v1.PlacementChanged",    // 101 B
                                          "oversight.cases.v1.ChildReturnedHome",   // 101 E4A
                                          "oversight.cases.v1.CaseTypeChanged",     // 102 first T
                                          "oversight.cases.v1.PlacementChanged",    // 102 T
                                          "oversight.cases.v1.ChildLeftCare"));     // 102 E11
  const auto& events = result->events;
  EXPECT_EQ(events[0].child_entered_care().legal_status(), "V2");
  EXPECT_EQ(events[0].child_entered_care().placement_type(), "U4");
  EXPECT_TRUE(events[0].child_entered_care().placement().long_term_matched());
  EXPECT_FALSE(events[0].child_entered_care().placement().placed_with_parents());
  EXPECT_EQ(events[1].legal_status_changed().legal_status(), "C2");
  EXPECT_EQ(events[1].legal_status_changed().previous_legal_status(), "V2");
  EXPECT_EQ(events[2].legal_status_changed().previous_legal_status(), "C2");
  EXPECT_EQ(events[3].placement_changed().placement_type(), "P1");
  EXPECT_TRUE(events[3].placement_changed().placement().placed_with_parents());
  EXPECT_TRUE(events[3].placement_changed().carer_changed());
  EXPECT_EQ(events[3].placement_changed().reason_code(), "CARPL");
  EXPECT_EQ(events[4].child_returned_home().reason_code(), "E4A");
  EXPECT_EQ(google::protobuf::util::TimeUtil::ToString(EventMetaOf(events[4])->occurred_at()),
            "2021-07-19T23:00:00Z");
  EXPECT_EQ(events[5].case_type_changed().case_type(), common::v1::CASE_TYPE_CHILD_LOOKED_AFTER);
  EXPECT_FALSE(events[6].placement_changed().carer_changed());  // T: same carers
  EXPECT_EQ(events[7].child_left_care().reason_code(), "E11");
  for (const CaseEvent& event : events) {
    EXPECT_EQ(EventMetaOf(event)->source(), "import://ssda903");
    EXPECT_THAT(EventMetaOf(event)->subject(), ::testing::AnyOf("101", "102"));
  }
  EXPECT_EQ(Codes(*result), (std::set<std::pair<int, std::string>>{{5, "first_episode_not_s"},
                                                                   {6, "unknown_code"}}));
}

TEST(Ssda903Test, XmlExportGivesTheSameEventsAsTheCsv) {
  std::ifstream xml_in(testing::TestDataPath("ssda903_small.xml"));
  std::vector<Issue> issues;
  absl::StatusOr<Ssda903XmlExport> xml = ParseSsda903Xml(xml_in, "ssda903_small.xml", &issues);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_TRUE(issues.empty());
  EXPECT_THAT(xml->header.child_lines, ElementsAre(Pair("101", 8), Pair("102", 46)));
  absl::StatusOr<ImportResult> from_xml =
      ImportSsda903Episodes(xml->episodes, &xml->header, TestOptions());
  absl::StatusOr<ImportResult> from_csv = ImportCsv(kSmallEpisodesCsv, nullptr, TestOptions());
  ASSERT_TRUE(from_xml.ok() && from_csv.ok());
  ASSERT_EQ(from_xml->events.size(), from_csv->events.size());
  for (size_t i = 0; i < from_xml->events.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_xml->events[i],
                                                                   from_csv->events[i]))
        << from_xml->events[i].DebugString() << from_csv->events[i].DebugString();
  }
  EXPECT_EQ(Codes(*from_xml), testing::MarkedIssues(testing::TestDataPath("ssda903_small.xml")));
}

TEST(Ssda903Test, RowsThatCannotBeImportedAreSkippedAndReported) {
  const std::string csv =
      "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
      "1,01/02/2020,S,C2,U1,,\n"               // 2 fine
      "1,01/02/2020,P,C2,U2,,\n"               // 3 duplicate start
      "2,31/02/2020,S,C2,U1,,\n"               // 4 bad DECOM
      "3,01/02/2020,S,C2,U1,2020-03-01,E2\n"   // 5 bad DEC
      "4,01/02/2020,Q,C2,U1,,\n"               // 6 unknown RNE
      "5,01/02/2020,S,C2,ZZ,,\n"               // 7 unknown PLACE
      "6,01/02/2020,S,C2,U1,01/03/2020,E99\n"  // 8 unknown REC
      "7,01/02/2020,S,C2,U1,01/01/2020,E2\n"   // 9 DEC before DECOM
      "8,01/02/2030,S,C2,U1,,\n"               // 10 DECOM after as-of
      "9,,S,C2,U1,,\n"                         // 11 missing DECOM
      ",01/02/2020,S,C2,U1,,\n"                // 12 missing CHILD
      "10,01/02/2020,S,C2\n";                  // 13 wrong field count
  std::vector<Issue> parse_issues;
  absl::StatusOr<ImportResult> result = ImportCsv(csv, nullptr, TestOptions(), &parse_issues);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(Types(*result), ElementsAre("oversight.cases.v1.ChildEnteredCare"));
  EXPECT_EQ(Codes(*result), (std::set<std::pair<int, std::string>>{{3, "duplicate"},
                                                                   {4, "bad_date"},
                                                                   {5, "bad_date"},
                                                                   {6, "unknown_code"},
                                                                   {7, "unknown_code"},
                                                                   {8, "unknown_code"},
                                                                   {9, "end_before_start"},
                                                                   {10, "date_after_as_of"},
                                                                   {11, "missing_field"},
                                                                   {12, "missing_child_id"}}));
  for (const Issue& issue : result->issues)
    EXPECT_EQ(issue.severity, Severity::kError);
  ASSERT_EQ(parse_issues.size(), 1u);
  EXPECT_EQ(parse_issues[0].line, 13);
  EXPECT_EQ(parse_issues[0].code, "malformed_row");
}

TEST(Ssda903Test, InconsistentSequencesAreImportedWithWarnings) {
  const std::string csv =
      "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
      "1,01/02/2020,S,C2,U1,01/03/2020,E3\n"   // 2 left care
      "1,05/03/2020,P,C2,U2,,\n"               // 3 not S after ceasing; open
      "1,01/04/2020,S,C2,U3,01/05/2020,X1\n"   // 4 overlaps the open episode; S while in care
      "1,10/05/2020,L,C1,U3,,X1\n"             // 5 X1 gap above; REC without DEC
      "2,01/01/2020,S,V2,U1,10/03/2020,X1\n"   // 6 X1 with no next episode
      "3,01/01/2020,S,V2,U1,01/02/2020,E4B\n"  // 7 DEC after as-of: open
      "4,01/01/2020,S,V2,U1,01/02/2020,\n";    // 8 DEC without REC
  ImportOptions options = TestOptions();
  options.as_of = absl::CivilDay(2020, 6, 1);
  Ssda903Header header;
  header.child_lines = {{"1", 2}, {"2", 3}, {"4", 5}};
  std::string csv_with_future = csv;
  // Child 3's DEC must be after as-of: move it to 2020-07-01.
  csv_with_future.replace(csv_with_future.find("01/02/2020,E4B"), 14, "01/07/2020,E4B");
  absl::StatusOr<ImportResult> result = ImportCsv(csv_with_future, &header, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Codes(*result), (std::set<std::pair<int, std::string>>{{3, "not_s_after_ceased"},
                                                                   {4, "overlapping_episodes"},
                                                                   {4, "s_while_looked_after"},
                                                                   {4, "x1_without_next"},
                                                                   {5, "rec_without_dec"},
                                                                   {6, "x1_without_next"},
                                                                   {7, "date_after_as_of"},
                                                                   {7, "child_not_in_header"},
                                                                   {8, "dec_without_rec"}}));
  for (const Issue& issue : result->issues)
    EXPECT_EQ(issue.severity, Severity::kWarning);
  std::map<std::string, int> counts = CountByType(result->events);
  EXPECT_THAT(counts, ElementsAre(Pair("oversight.cases.v1.CaseTypeChanged", 1),
                                  Pair("oversight.cases.v1.ChildEnteredCare", 5),
                                  Pair("oversight.cases.v1.ChildLeftCare", 1),
                                  Pair("oversight.cases.v1.LegalStatusChanged", 1),
                                  Pair("oversight.cases.v1.PlacementChanged", 1)));
}

// Found by the SSDA903 CSV fuzzer (libs/statutory_returns/fuzz): year 0000 aborted the import
// (protobuf's TimeUtil range check); bytes that are not UTF-8 made events no consumer could
// decode (proto3 strings must be UTF-8).
TEST(Ssda903Test, YearZeroAndTextThatIsNotUtf8AreReportedNotImported) {
  const std::string csv =
      "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,HOME_POST\n"
      "1,01/01/0000,S,C2,U1,,,\n"              // 2 bad DECOM
      "2,01/02/2020,S,C2,U1,01/01/0000,E2,\n"  // 3 bad DEC
      "3\xff,01/02/2020,S,C2,U1,,,\n"          // 4 CHILD not UTF-8
      "4,01/02/2020,S,C\xe9,U1,,,\n"           // 5 LS in Windows-1252
      "5,01/02/2020,S,C2,U1,,,Caf\xe9\n";      // 6 fine: HOME_POST is not read
  std::vector<Issue> parse_issues;
  absl::StatusOr<ImportResult> result = ImportCsv(csv, nullptr, TestOptions(), &parse_issues);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Codes(*result),
            (std::set<std::pair<int, std::string>>{{2, "bad_date"}, {3, "bad_date"}}));
  ASSERT_EQ(parse_issues.size(), 2u);
  EXPECT_EQ(parse_issues[0].line, 4);
  EXPECT_EQ(parse_issues[0].code, "not_utf8");
  EXPECT_EQ(parse_issues[0].child_id, "");
  EXPECT_THAT(parse_issues[0].reason, ::testing::HasSubstr("CHILD is not UTF-8"));
  EXPECT_EQ(parse_issues[1].line, 5);
  EXPECT_EQ(parse_issues[1].child_id, "4");
  EXPECT_THAT(parse_issues[1].reason, ::testing::HasSubstr("LS is not UTF-8"));
  ASSERT_EQ(result->events.size(), 1u);
  EXPECT_EQ(EventMetaOf(result->events[0])->subject(), "5");

  std::istringstream header("CHILD,SEX\n6\xc3,1\n7,2\n");
  std::vector<Issue> header_issues;
  absl::StatusOr<Ssda903Header> parsed = ParseSsda903HeaderCsv(header, "h.csv", &header_issues);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->child_lines, ElementsAre(Pair("7", 3)));
  ASSERT_EQ(header_issues.size(), 1u);
  EXPECT_EQ(header_issues[0].code, "not_utf8");
}

TEST(Ssda903Test, UnusableFilesAreErrors) {
  std::vector<Issue> issues;
  std::istringstream empty("");
  EXPECT_EQ(ParseSsda903EpisodesCsv(empty, "e.csv", &issues).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::istringstream wrong("CHILD,SEX,DOB\n1,1,01/01/2010\n");
  EXPECT_EQ(ParseSsda903EpisodesCsv(wrong, "e.csv", &issues).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::istringstream no_child("SEX,DOB\n1,01/01/2010\n");
  EXPECT_EQ(ParseSsda903HeaderCsv(no_child, "h.csv", &issues).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::istringstream bad_xml("<Message><Children>");
  EXPECT_EQ(ParseSsda903Xml(bad_xml, "e.xml", &issues).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ssda903Test, HeaderCsvListsChildrenAndReportsRepeats) {
  std::istringstream in(
      "\xEF\xBB\xBF"
      "CHILD,SEX,DOB\r\n1,1,01/01/2010\r\n\"2\",2,\"02/02/2011\"\r\n1,1,x\r\n");
  std::vector<Issue> issues;
  absl::StatusOr<Ssda903Header> header = ParseSsda903HeaderCsv(in, "h.csv", &issues);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_THAT(header->child_lines, ElementsAre(Pair("1", 2), Pair("2", 3)));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, 4);
  EXPECT_EQ(issues[0].code, "duplicate");
}

}  // namespace
}  // namespace oversight::statutory_returns
