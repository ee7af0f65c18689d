// How the simulated managers and practitioners act on what is due: mostly on time, some late,
// some sessions missed; records mostly written, circulated and signed within the pack's
// deadlines, some late. Each team has its own diligence (workforce.h), so teams differ. Pure
// and seeded (choice.h): a plan depends only on the seed, what it is about and the diligence.
#pragma once

#include <string_view>

#include "choice.h"

namespace oversight::simulator {

enum class Outcome {
  kOnTime,          // held on or before the due day
  kLate,            // held after the due day
  kMissedThenLate,  // the planned session is recorded as missed, then held late
};

// When a due session happens and how its record goes.
struct SessionPlan {
  Outcome outcome = Outcome::kOnTime;
  int early_working_days = 0;         // kOnTime: held this many working days before the due day
  int late_working_days = 0;          // kLate / kMissedThenLate: held this many after the due day
  int record_after_working_days = 0;  // written up after the session (0: the same day)
  int circulate_after_working_days = 0;  // circulated to the supervisee after writing up
  int sign_after_working_days = 1;       // signed by the supervisee after circulation
  bool sickness = false;                 // kMissedThenLate: missed because of sickness
};

// The plan for the session due `about` (an item id and due day) in a team of `diligence`:
// on time with probability `diligence`, otherwise late (2/3) or missed and then late (1/3);
// on time it is held up to 4 working days early; late by 1 to 10 working days. The record is
// written the same day or next with probability `diligence`, else 3 to 8 working days later;
// circulated within a day; signed within 1 to 4 working days (sometimes 6 to 9).
SessionPlan PlanSession(const Choice& choice, std::string_view about, double diligence);

// When a manager records the oversight decision a task asks for.
struct OversightPlan {
  bool on_time = true;
  int working_days_after_today = 0;  // on time: 0 or 1 (tasks are due within days)
  int late_working_days = 0;         // late: this many working days after the due day
};

// On time with probability `diligence` (a little higher than for sessions: these are short),
// otherwise 1 to 7 working days late.
OversightPlan PlanOversight(const Choice& choice, std::string_view about, double diligence);

}  // namespace oversight::simulator
