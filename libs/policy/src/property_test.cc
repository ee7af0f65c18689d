// Properties over generated inputs (fixed seeds, so failures reproduce).
#include <random>

#include "gtest/gtest.h"
#include "oversight/policy/engine.h"
#include "test_env.h"

namespace oversight::policy {
namespace {

using testing::kAllPacks;
using testing::ShippedCalendar;
using testing::ShippedPack;

absl::CivilDay RandomDay(std::mt19937& rng, absl::CivilDay lo, absl::CivilDay hi) {
  std::uniform_int_distribution<int64_t> d(0, hi - lo);
  return lo + d(rng);
}

bool IsWeekend(absl::CivilDay d) {
  absl::Weekday w = absl::GetWeekday(d);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

TEST(PropertyTest, WorkingDayDeadlinesNeverLandOnWeekendsOrBankHolidays) {
  std::mt19937 rng(20250101);
  const WorkingCalendar& cal = ShippedCalendar();
  for (const char* name : kAllPacks) {
    Engine engine(ShippedPack(name), cal);
    for (int i = 0; i < 3000; ++i) {
      const absl::CivilDay day =
          RandomDay(rng, absl::CivilDay(2018, 1, 1), absl::CivilDay(2030, 10, 31));
      const int n = std::uniform_int_distribution<int>(1, 40)(rng);
      DueDate d = engine.DayDeadline(day, Period{PeriodUnit::kWorkingDays, n});
      ASSERT_FALSE(IsWeekend(d.due_day)) << day << " + " << n;
      ASSERT_FALSE(cal.IsBankHoliday(d.due_day)) << day << " + " << n;
      ASSERT_GT(d.due_day, day);
      ASSERT_TRUE(d.warnings.empty());
      // Every trigger and record deadline in working days, from a random instant.
      const absl::Time at =
          cal.EndOfDay(day) - absl::Seconds(std::uniform_int_distribution<int>(0, 86399)(rng));
      for (const TriggerRule& t : ShippedPack(name).triggers) {
        CaseEventFacts ev{"e", t.event_type, "c", at, {}};
        for (const TriggerCondition& c : t.conditions) {
          if (c.op != TriggerCondition::Op::kAbsent)
            ev.fields[c.field] = c.value.empty() ? "x" : c.value;
        }
        for (const RequiredOversight& r : engine.TriggeredOversight(ev)) {
          const bool working = r.due.explanation.summary.find("working day") != std::string::npos;
          if (!working) continue;
          ASSERT_TRUE(cal.IsWorkingDay(r.due.due_day)) << t.name << " at " << at;
          ASSERT_EQ(r.due.due_at, cal.EndOfDay(r.due.due_day));
        }
      }
      for (RecordKind k : {RecordKind::kCaseSupervision, RecordKind::kPersonalSupervision,
                           RecordKind::kObservation}) {
        for (const DueDate& d2 : engine.RecordingDeadlines(SessionFacts{"r", k, at, {}, {}})) {
          if (d2.explanation.summary.find("working day") == std::string::npos) continue;
          ASSERT_TRUE(cal.IsWorkingDay(d2.due_day)) << d2.explanation.summary;
        }
      }
    }
  }
}

ChildFacts RandomChild(std::mt19937& rng) {
  ChildFacts c;
  c.child_id = "c";
  c.case_type =
      static_cast<CaseType>(std::uniform_int_distribution<int>(0, kCaseTypeCount - 1)(rng));
  c.placement.placed_with_parents = rng() % 4 == 0;
  c.placement.long_term_matched = rng() % 4 == 0;
  c.placement.stability_concern = rng() % 4 == 0;
  c.in_care_proceedings = rng() % 5 == 0;
  c.allocated_on = RandomDay(rng, absl::CivilDay(2018, 1, 1), absl::CivilDay(2029, 12, 31));
  if (rng() % 5 != 0) c.last_case_discussion = c.allocated_on + (rng() % 400);
  return c;
}

TEST(PropertyTest, HigherRiskNeverGivesALaterDueDate) {
  std::mt19937 rng(424242);
  for (const char* name : kAllPacks) {
    Engine engine(ShippedPack(name), ShippedCalendar());
    int compared = 0;
    for (int i = 0; i < 20000; ++i) {
      ChildFacts c = RandomChild(rng);
      c.risk = RiskLevel::kStandard;
      absl::StatusOr<DueDate> standard = engine.NextCaseDiscussion(c);
      c.risk = RiskLevel::kHigh;
      absl::StatusOr<DueDate> high = engine.NextCaseDiscussion(c);
      if (!standard.ok() || !high.ok()) {
        ASSERT_EQ(standard.ok(), high.ok()) << name;  // a pack covers both risks or neither
        continue;
      }
      ++compared;
      ASSERT_LE(high->due_at, standard->due_at)
          << name << " " << CaseTypeName(c.case_type) << " high: " << high->explanation.summary
          << " standard: " << standard->explanation.summary;
    }
    EXPECT_GT(compared, 1000) << name;
  }
}

TEST(PropertyTest, SameFactsSameAnswer) {
  std::mt19937 rng(7);
  for (const char* name : kAllPacks) {
    Engine a(ShippedPack(name), ShippedCalendar());
    absl::StatusOr<Pack> reloaded = LoadPack(DefaultPackDir(), name);
    ASSERT_TRUE(reloaded.ok());
    Engine b(*reloaded, ShippedCalendar());
    for (int i = 0; i < 2000; ++i) {
      ChildFacts c = RandomChild(rng);
      c.risk = rng() % 2 ? RiskLevel::kHigh : RiskLevel::kStandard;
      absl::StatusOr<DueDate> x = a.NextCaseDiscussion(c);
      absl::StatusOr<DueDate> y = b.NextCaseDiscussion(c);
      ASSERT_EQ(x.ok(), y.ok());
      if (x.ok()) {
        ASSERT_EQ(x->due_at, y->due_at);
        ASSERT_EQ(x->explanation.rule_id, y->explanation.rule_id);
        ASSERT_EQ(x->explanation.summary, y->explanation.summary);
        ASSERT_EQ(x->explanation.facts, y->explanation.facts);
        // A case discussion is never due on or before the day it counts from.
        const absl::CivilDay anchor =
            c.last_case_discussion && *c.last_case_discussion >= c.allocated_on
                ? *c.last_case_discussion
                : c.allocated_on;
        ASSERT_GT(x->due_day, anchor);
      }
      WorkerFacts w;
      w.worker_id = "w";
      w.start_date = RandomDay(rng, absl::CivilDay(2018, 1, 1), absl::CivilDay(2029, 6, 30));
      if (rng() % 3 == 0) w.asye_start = w.start_date;
      if (rng() % 3 == 0) w.fte = 0.2 + 0.1 * static_cast<double>(rng() % 8);
      if (rng() % 4 == 0) w.probation_end = w.start_date + 180;
      if (rng() % 2 == 0) w.last_personal_supervision = w.start_date + (rng() % 300);
      if (rng() % 4 == 0) {
        const absl::CivilDay from = w.start_date + (rng() % 300);
        w.absences.push_back({AbsenceReason::kSickness, Party::kSupervisee, from,
                              from + static_cast<int64_t>(1 + rng() % 40)});
      }
      absl::StatusOr<DueDate> p = a.NextPersonalSupervision(w);
      absl::StatusOr<DueDate> q = b.NextPersonalSupervision(w);
      ASSERT_TRUE(p.ok()) << p.status();
      ASSERT_TRUE(q.ok());
      ASSERT_EQ(p->due_at, q->due_at);
      ASSERT_EQ(p->explanation.facts, q->explanation.facts);
      ASSERT_GT(p->due_day, w.last_personal_supervision.value_or(w.start_date));
    }
  }
}

}  // namespace
}  // namespace oversight::policy
