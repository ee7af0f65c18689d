// Engine behaviour beyond single rules: explanations, horizons, leavers, bad facts.
#include "oversight/policy/engine.h"

#include <map>

#include "gtest/gtest.h"
#include "test_env.h"

namespace oversight::policy {
namespace {

using testing::EndOf;
using testing::London;
using testing::ShippedCalendar;
using testing::ShippedPack;
using D = absl::CivilDay;

std::string Fact(const Explanation& e, const std::string& key) {
  for (const auto& [k, v] : e.facts) {
    if (k == key) return v;
  }
  return "(missing)";
}

TEST(EngineTest, ExplanationNamesRuleFactsCalendarAndReading) {
  Engine engine(ShippedPack("havering"), ShippedCalendar());
  ChildFacts c;
  c.case_type = CaseType::kChildProtection;
  c.allocated_on = D(2024, 6, 3);
  c.last_case_discussion = D(2025, 1, 31);
  absl::StatusOr<DueDate> d = engine.NextCaseDiscussion(c);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->explanation.rule_id, "H10");
  EXPECT_EQ(Fact(d->explanation, "last_case_discussion"), "2025-01-31");
  EXPECT_EQ(Fact(d->explanation, "case_type"), "child_protection");
  EXPECT_EQ(Fact(d->explanation, "risk"), "standard");
  EXPECT_EQ(d->explanation.calendar, "england-and-wales 2018-2030");
  EXPECT_NE(d->explanation.reading.find("Target monthly"), std::string::npos);
  EXPECT_NE(d->explanation.summary.find("2 months"), std::string::npos);
}

TEST(EngineTest, AllocationStartsTheClockWhenNoLaterDiscussion) {
  Engine engine(ShippedPack("devon"), ShippedCalendar());
  ChildFacts c;
  c.case_type = CaseType::kChildProtection;
  c.allocated_on = D(2025, 3, 31);
  c.last_case_discussion = D(2025, 2, 1);  // with the previous worker: does not count
  absl::StatusOr<DueDate> d = engine.NextCaseDiscussion(c);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->due_day, D(2025, 4, 30));
  EXPECT_EQ(Fact(d->explanation, "allocated_on"), "2025-03-31");
}

TEST(EngineTest, DatesBeyondTheCalendarHorizonWarn) {
  Engine engine(ShippedPack("havering"), ShippedCalendar());
  WorkerFacts w;
  w.start_date = D(2020, 1, 6);
  w.last_personal_supervision = D(2030, 12, 15);
  absl::StatusOr<DueDate> d = engine.NextPersonalSupervision(w);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->due_day, D(2031, 1, 15));
  ASSERT_EQ(d->warnings.size(), 1u);
  EXPECT_NE(d->warnings[0].find("beyond the calendar's horizon"), std::string::npos);
  // A working-day deadline that crosses the horizon warns too.
  Engine devon(ShippedPack("devon"), ShippedCalendar());
  std::vector<RequiredOversight> r = devon.TriggeredOversight(
      {"e", "oversight.cases.v1.SignificantIncident", "c", London(2030, 12, 31, 10), {}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].due.due_day, D(2031, 1, 2));
  EXPECT_FALSE(r[0].due.warnings.empty());
  // Inside the horizon: no warning.
  w.last_personal_supervision = D(2030, 11, 15);
  EXPECT_TRUE(engine.NextPersonalSupervision(w)->warnings.empty());
}

TEST(EngineTest, DeadlineForms) {
  Engine engine(ShippedPack("devon"), ShippedCalendar());
  const absl::Time at = London(2025, 7, 4, 16, 30);  // a Friday in BST
  EXPECT_EQ(engine.DeadlineAfter(at, *Period::Parse("end of day")).due_at, EndOf(2025, 7, 4));
  EXPECT_EQ(engine.DeadlineAfter(at, *Period::Parse("48 hours")).due_at,
            London(2025, 7, 6, 16, 30));
  EXPECT_EQ(engine.DeadlineAfter(at, *Period::Parse("1 working day")).due_at, EndOf(2025, 7, 7));
  EXPECT_EQ(engine.DeadlineAfter(at, *Period::Parse("14 days")).due_at, EndOf(2025, 7, 18));
  // 23:30 UTC on 4 July is 00:30 on 5 July in London: the London day counts.
  const absl::Time late =
      absl::FromCivil(absl::CivilSecond(2025, 7, 4, 23, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(engine.DeadlineAfter(late, *Period::Parse("end of day")).due_at, EndOf(2025, 7, 5));
  EXPECT_EQ(engine.DeadlineAfter(late, *Period::Parse("1 working day")).due_at, EndOf(2025, 7, 7));
}

TEST(EngineTest, AsyeWorkerAcrossSixWeeksAndSixMonths) {
  // Havering, ASYE from Monday 6 January 2025: 6 weeks = 17 February, 6 months = 6 July.
  Engine engine(ShippedPack("havering"), ShippedCalendar());
  WorkerFacts w;
  w.start_date = D(2025, 1, 6);
  w.asye_start = D(2025, 1, 6);
  struct Step {
    D last;
    D want;
  } steps[] = {
      {D(2025, 2, 3), D(2025, 2, 10)},  {D(2025, 2, 10), D(2025, 2, 17)},
      {D(2025, 2, 16), D(2025, 2, 23)},  // day before the boundary: still weekly
      {D(2025, 2, 17), D(2025, 3, 3)},   // on the boundary: fortnightly
      {D(2025, 7, 5), D(2025, 7, 19)},   // day before 6 months: fortnightly
      {D(2025, 7, 6), D(2025, 8, 6)},    // on 6 months: monthly
  };
  for (const Step& s : steps) {
    w.last_personal_supervision = s.last;
    absl::StatusOr<DueDate> d = engine.NextPersonalSupervision(w);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->due_day, s.want) << "last " << s.last << ": " << d->explanation.summary;
  }
  // Once ASYE is completed the standard rule applies.
  w.asye_completed = true;
  w.last_personal_supervision = D(2025, 2, 3);
  EXPECT_EQ(engine.NextPersonalSupervision(w)->due_day, D(2025, 3, 3));
  EXPECT_EQ(engine.NextPersonalSupervision(w)->explanation.rule_id, "H1");
}

TEST(EngineTest, LeaversAndBadFacts) {
  Engine engine(ShippedPack("havering"), ShippedCalendar());
  WorkerFacts w;
  w.worker_id = "w9";
  w.start_date = D(2020, 1, 6);
  w.fte = 1.5;
  EXPECT_EQ(engine.NextPersonalSupervision(w).status().code(), absl::StatusCode::kInvalidArgument);
  w.fte = 1.0;
  w.left_on = D(2025, 6, 30);
  w.left_childrens_services = true;
  EXPECT_EQ(engine.NextPersonalSupervision(w).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<std::vector<DueDate>> all = engine.AllWorkerItems(w);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].kind, ItemKind::kRetention);
  EXPECT_EQ((*all)[0].due_day, D(2028, 6, 30));
}

TEST(EngineTest, AllWorkerItemsForAHaveringWorker) {
  Engine engine(ShippedPack("havering"), ShippedCalendar());
  WorkerFacts w;
  w.start_date = D(2024, 9, 2);
  w.last_personal_supervision = D(2025, 5, 30);
  w.last_agreement_signed = D(2024, 9, 20);
  w.last_observation = D(2025, 1, 15);
  w.last_pdr = D(2025, 3, 10);
  absl::StatusOr<std::vector<DueDate>> all = engine.AllWorkerItems(w);
  ASSERT_TRUE(all.ok()) << all.status();
  std::map<ItemKind, D> got;
  for (const DueDate& d : *all)
    got[d.kind] = d.due_day;
  EXPECT_EQ(got.size(), 4u);
  EXPECT_EQ(got[ItemKind::kPersonalSupervision], D(2025, 6, 30));
  EXPECT_EQ(got[ItemKind::kAgreementReview], D(2025, 9, 20));
  EXPECT_EQ(got[ItemKind::kObservation], D(2025, 7, 15));
  EXPECT_EQ(got[ItemKind::kPdr], D(2025, 9, 10));
}

// Go-live on Tue 1 Apr 2025: an authority loading its history is not told that years of it are
// overdue; every basis before go-live counts from it, phases still from the real dates.
TEST(EngineTest, NoDateCountsFromABasisBeforeGoLive) {
  Engine havering(ShippedPack("havering"), ShippedCalendar());
  const D live(2025, 4, 1);
  WorkerFacts w;
  w.start_date = D(2019, 1, 7);
  w.supervisor_since = w.start_date;
  w.counted_from = live;
  absl::StatusOr<std::vector<DueDate>> all = havering.AllWorkerItems(w);
  ASSERT_TRUE(all.ok()) << all.status();
  std::map<ItemKind, DueDate> got;
  for (const DueDate& d : *all)
    got[d.kind] = d;
  EXPECT_EQ(got[ItemKind::kPersonalSupervision].due_day, D(2025, 5, 1));  // H1 monthly
  EXPECT_EQ(Fact(got[ItemKind::kPersonalSupervision].explanation, "start_date"), "2019-01-07");
  EXPECT_EQ(Fact(got[ItemKind::kPersonalSupervision].explanation, "counted_from_go_live"),
            "2025-04-01");
  EXPECT_EQ(got[ItemKind::kNewAgreement].due_day, D(2025, 5, 1));  // H12 within 1 month
  EXPECT_EQ(got[ItemKind::kObservation].due_day, D(2025, 10, 1));  // H13 six-monthly
  EXPECT_EQ(got[ItemKind::kPdr].due_day, D(2025, 10, 1));          // H14
  EXPECT_EQ(Fact(got[ItemKind::kPdr].explanation, "counted_from_go_live"), "2025-04-01");

  // A basis after go-live counts as it is.
  w.last_personal_supervision = D(2025, 4, 10);
  absl::StatusOr<DueDate> after = havering.NextPersonalSupervision(w);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->due_day, D(2025, 5, 10));
  EXPECT_EQ(Fact(after->explanation, "counted_from_go_live"), "(missing)");

  // H3 phases count from the real ASYE start (Mon 3 Mar: weekly until 14 Apr): from go-live,
  // the next session is a week after 1 Apr.
  WorkerFacts asye;
  asye.start_date = D(2025, 3, 3);
  asye.asye_start = D(2025, 3, 3);
  asye.counted_from = live;
  absl::StatusOr<DueDate> weekly = havering.NextPersonalSupervision(asye);
  ASSERT_TRUE(weekly.ok());
  EXPECT_EQ(weekly->due_day, D(2025, 4, 8));
  EXPECT_EQ(weekly->explanation.rule_id, "H3");

  // H10: a child protection case allocated in 2023, last discussed in Nov 2024: 2 months from
  // go-live.
  ChildFacts c;
  c.case_type = CaseType::kChildProtection;
  c.allocated_on = D(2023, 5, 2);
  c.last_case_discussion = D(2024, 11, 4);
  c.counted_from = live;
  absl::StatusOr<DueDate> discussion = havering.NextCaseDiscussion(c);
  ASSERT_TRUE(discussion.ok());
  EXPECT_EQ(discussion->due_day, D(2025, 6, 1));
  EXPECT_EQ(Fact(discussion->explanation, "last_case_discussion"), "2024-11-04");
  EXPECT_EQ(Fact(discussion->explanation, "counted_from_go_live"), "2025-04-01");

  // D17: a team formed in 2020, monthly from go-live.
  Engine devon(ShippedPack("devon"), ShippedCalendar());
  TeamFacts team;
  team.team_id = "team-a";
  team.formed_on = D(2020, 1, 6);
  team.counted_from = live;
  absl::StatusOr<DueDate> group = devon.NextGroupSupervision(team);
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group->due_day, D(2025, 5, 1));

  // H8: retention runs from the leaving day whatever go-live says.
  WorkerFacts leaver = w;
  leaver.left_on = D(2024, 8, 30);
  leaver.left_childrens_services = true;
  absl::StatusOr<DueDate> retention = havering.RetentionDate(leaver);
  ASSERT_TRUE(retention.ok());
  EXPECT_EQ(retention->due_day, D(2027, 8, 30));
}

TEST(EngineTest, NoRowForACaseTypeIsNotFound) {
  // Stoke's S3 table has no care-leaver row: the engine says so instead of guessing.
  Engine engine(ShippedPack("stoke-on-trent"), ShippedCalendar());
  ChildFacts c;
  c.case_type = CaseType::kCareLeaver;
  c.allocated_on = D(2025, 1, 6);
  absl::StatusOr<DueDate> d = engine.NextCaseDiscussion(c);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(d.status().message().find("care_leaver"), std::string::npos);
}

}  // namespace
}  // namespace oversight::policy
