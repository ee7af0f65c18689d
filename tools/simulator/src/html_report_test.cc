#include "html_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report.h"
#include "svg_chart.h"

namespace oversight::simulator {
namespace {

scheduling::v1::ComplianceFigures Figures(int sessions_due, int sessions_on_time, int cases_due,
                                          int cases_on_time, int records_due, int records_on_time) {
  scheduling::v1::ComplianceFigures f;
  f.set_sessions_due(sessions_due);
  f.set_sessions_on_time(sessions_on_time);
  f.set_case_discussions_due(cases_due);
  f.set_case_discussions_on_time(cases_on_time);
  f.set_records_due(records_due);
  f.set_records_on_time(records_on_time);
  return f;
}

Report SmallReport() {
  Report report;
  report.authority = "devon";
  report.year = ReplayYear{2025};
  report.seed = 9;
  report.first_day = absl::CivilDay(2025, 4, 1);
  report.end_day = absl::CivilDay(2025, 6, 1);
  report.teams = {{"team-01", "North <Children's> Social Work", "tm-01", 0.9}};
  report.compliance = {{"team-01", absl::CivilMonth(2025, 4), Figures(8, 6, 4, 3, 10, 9)},
                       {"team-01", absl::CivilMonth(2025, 5), Figures(0, 0, 0, 0, 0, 0)}};
  report.team_year["team-01"] = Figures(8, 6, 4, 3, 10, 9);
  report.authority_year = Figures(8, 6, 4, 3, 10, 9);
  report.triggers = {{"D8", "allocation", 5, 3, 1, 1, 0, 0},
                     {"D14.4", "entered_care", 2, 2, 0, 0, 0, 0}};
  report.tasks_total = 7;
  report.notifications = 12;
  report.notifications_by_stage = {{"ESCALATED", 2}, {"DUE_SOON", 10}};
  report.emails = {"0001.eml"};
  MonthSnapshot april{absl::CivilMonth(2025, 4),
                      {{"CASE_DISCUSSION", 3}, {"PERSONAL_SUPERVISION", 1}}};
  report.replay.months = {april};
  return report;
}

TEST(Report, RatesAreSharesOfWhatWasDue) {
  EXPECT_DOUBLE_EQ(OnTimeRate(Figures(8, 6, 4, 3, 10, 9)), 0.75);  // (6 + 3) / (8 + 4)
  EXPECT_DOUBLE_EQ(RecordsOnTimeRate(Figures(8, 6, 4, 3, 10, 9)), 0.9);
  EXPECT_DOUBLE_EQ(OnTimeRate(Figures(0, 0, 0, 0, 0, 0)), 0);
}

TEST(Report, RuleIdsSortNaturally) {
  std::vector<std::string> ids = {"S6", "D14.10", "D8", "D14.2", "H11", "D14.1", "S5"};
  std::sort(ids.begin(), ids.end(), RuleIdLess);
  EXPECT_EQ(ids, (std::vector<std::string>{"D8", "D14.1", "D14.2", "D14.10", "H11", "S5", "S6"}));
}

TEST(Report, JsonCarriesEveryFigure) {
  const nlohmann::json json = nlohmann::json::parse(ReportJson(SmallReport()));
  EXPECT_EQ(json["authority"], "devon");
  EXPECT_EQ(json["compliance"]["authority"]["on_time_rate"], 0.75);
  const auto& team = json["compliance"]["teams"][0];
  EXPECT_EQ(team["id"], "team-01");
  EXPECT_EQ(team["months"]["2025-04"]["sessions_on_time"], 6);
  EXPECT_EQ(team["months"]["2025-05"]["sessions_due"], 0);
  EXPECT_EQ(json["tasks"]["by_rule"][0]["rule_id"], "D8");
  EXPECT_EQ(json["tasks"]["by_rule"][0]["completed_late"], 1);
  EXPECT_EQ(json["notifications"]["by_stage"]["ESCALATED"], 2);
  EXPECT_EQ(json["replay"]["overdue_at_month_end"]["2025-04"]["CASE_DISCUSSION"], 3);
}

TEST(Report, HtmlShowsChartsTablesAndEscapesNames) {
  const std::string html = RenderHtml(SmallReport());
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("North &lt;Children&#39;s&gt; Social Work"), std::string::npos);
  EXPECT_EQ(html.find("North <Children's>"), std::string::npos);
  EXPECT_NE(html.find(">75%<"), std::string::npos);  // the heat cell of April
  EXPECT_NE(html.find("Apr 25"), std::string::npos);
  EXPECT_NE(html.find("emails/0001.eml"), std::string::npos);
  EXPECT_NE(html.find("D14.4"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(SvgChart, DrawsOneShapePerValueAndEscapesTitles) {
  const std::string bars = StackedBars("a<b", {"Apr", "May"}, {{"x", {1, 2}}, {"y", {0, 3}}});
  EXPECT_NE(bars.find("a&lt;b"), std::string::npos);
  size_t rects = 0;
  for (size_t at = bars.find("<rect"); at != std::string::npos; at = bars.find("<rect", at + 1))
    ++rects;
  EXPECT_EQ(rects, 3u + 2u);  // three non-zero segments, two legend swatches
  const std::string lines = LineChart("t", {"Apr", "May"}, {{"x", {0.5, 1.0}}}, 1.0, true);
  EXPECT_NE(lines.find("<polyline"), std::string::npos);
  EXPECT_NE(lines.find("100%"), std::string::npos);
}

}  // namespace
}  // namespace oversight::simulator
