#include "behaviour.h"

#include <algorithm>
#include <string>

namespace oversight::simulator {
namespace {

std::string Key(std::string_view what, std::string_view about) {
  std::string key(what);
  key += ':';
  key += about;
  return key;
}

}  // namespace

SessionPlan PlanSession(const Choice& choice, std::string_view about, double diligence) {
  SessionPlan plan;
  const double draw = choice.Uniform(Key("outcome", about));
  if (draw < diligence) {
    plan.outcome = Outcome::kOnTime;
    plan.early_working_days = choice.Between(Key("early", about), 0, 4);
  } else {
    const bool missed = draw < diligence + (1 - diligence) / 3;
    plan.outcome = missed ? Outcome::kMissedThenLate : Outcome::kLate;
    // Mostly a few days late, sometimes a fortnight.
    const int a = choice.Between(Key("late-a", about), 1, 10);
    const int b = choice.Between(Key("late-b", about), 1, 10);
    plan.late_working_days = std::min(a, b);
    plan.sickness = missed && choice.Chance(Key("sick", about), 0.3);
  }
  plan.record_after_working_days = choice.Chance(Key("recorded", about), diligence)
                                       ? choice.Between(Key("record-days", about), 0, 1)
                                       : choice.Between(Key("record-late", about), 3, 8);
  plan.circulate_after_working_days = choice.Between(Key("circulate", about), 0, 1);
  plan.sign_after_working_days = choice.Chance(Key("signed", about), diligence)
                                     ? choice.Between(Key("sign-days", about), 1, 4)
                                     : choice.Between(Key("sign-late", about), 6, 9);
  return plan;
}

OversightPlan PlanOversight(const Choice& choice, std::string_view about, double diligence) {
  OversightPlan plan;
  plan.on_time = choice.Chance(Key("oversight", about), std::min(0.99, diligence + 0.03));
  if (plan.on_time) {
    plan.working_days_after_today = choice.Between(Key("oversight-day", about), 0, 1);
  } else {
    plan.late_working_days = choice.Between(Key("oversight-late", about), 1, 7);
  }
  return plan;
}

}  // namespace oversight::simulator
