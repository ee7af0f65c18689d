#include "behaviour.h"

#include <gtest/gtest.h>

#include <string>

namespace oversight::simulator {
namespace {

TEST(Behaviour, APlanDependsOnlyOnSeedAboutAndDiligence) {
  const Choice choice(42);
  const SessionPlan a = PlanSession(choice, "PERSONAL_SUPERVISION:sw-001@1743465600", 0.8);
  const SessionPlan b = PlanSession(choice, "PERSONAL_SUPERVISION:sw-001@1743465600", 0.8);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.early_working_days, b.early_working_days);
  EXPECT_EQ(a.record_after_working_days, b.record_after_working_days);
  EXPECT_EQ(Choice(42).Uniform("x"), Choice(42).Uniform("x"));
  EXPECT_NE(Choice(42).Uniform("x"), Choice(43).Uniform("x"));
}

TEST(Behaviour, DiligenceSetsTheShareOnTimeAndOneThirdOfTheRestIsMissed) {
  const Choice choice(7);
  int on_time = 0, late = 0, missed = 0;
  for (int i = 0; i < 20000; ++i) {
    const SessionPlan plan = PlanSession(choice, "item-" + std::to_string(i), 0.8);
    switch (plan.outcome) {
      case Outcome::kOnTime:
        ++on_time;
        EXPECT_GE(plan.early_working_days, 0);
        EXPECT_LE(plan.early_working_days, 4);
        break;
      case Outcome::kLate:
        ++late;
        EXPECT_GE(plan.late_working_days, 1);
        EXPECT_LE(plan.late_working_days, 10);
        break;
      case Outcome::kMissedThenLate:
        ++missed;
        EXPECT_GE(plan.late_working_days, 1);
        break;
    }
    EXPECT_TRUE(plan.record_after_working_days <= 1 ||
                (plan.record_after_working_days >= 3 && plan.record_after_working_days <= 8));
    EXPECT_TRUE((plan.sign_after_working_days >= 1 && plan.sign_after_working_days <= 4) ||
                (plan.sign_after_working_days >= 6 && plan.sign_after_working_days <= 9));
  }
  EXPECT_NEAR(on_time / 20000.0, 0.8, 0.02);
  EXPECT_NEAR(missed / 20000.0, 0.2 / 3, 0.01);
  EXPECT_NEAR(late / 20000.0, 0.4 / 3, 0.015);
}

TEST(Behaviour, PerfectAndHopelessTeams) {
  const Choice choice(1);
  for (int i = 0; i < 500; ++i) {
    const std::string about = "t-" + std::to_string(i);
    EXPECT_EQ(PlanSession(choice, about, 1.0).outcome, Outcome::kOnTime);
    EXPECT_NE(PlanSession(choice, about, 0.0).outcome, Outcome::kOnTime);
  }
}

TEST(Behaviour, OversightIsOnTimeWithinADayOrLateByUpToSevenDays) {
  const Choice choice(3);
  int on_time = 0;
  for (int i = 0; i < 5000; ++i) {
    const OversightPlan plan = PlanOversight(choice, "task-" + std::to_string(i), 0.85);
    if (plan.on_time) {
      ++on_time;
      EXPECT_LE(plan.working_days_after_today, 1);
    } else {
      EXPECT_GE(plan.late_working_days, 1);
      EXPECT_LE(plan.late_working_days, 7);
    }
  }
  EXPECT_NEAR(on_time / 5000.0, 0.88, 0.02);
}

}  // namespace
}  // namespace oversight::simulator
