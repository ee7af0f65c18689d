// The caseload of the replayed year, from an authority's statutory returns: each child's case
// folded from the returns' events (open or not, case type, placement), the children open on the
// year's first day, and the returns' events that happen during the year. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/common/v1/common.pb.h"
#include "year_shift.h"

namespace oversight::simulator {

// One child's case as the events so far describe it.
struct CaseState {
  std::string child_id;
  bool open = false;
  common::v1::CaseType case_type = common::v1::CASE_TYPE_UNSPECIFIED;
  common::v1::RiskLevel risk = common::v1::RISK_LEVEL_STANDARD;
  common::v1::PlacementFlags placement;
  bool in_care = false;
  bool in_care_proceedings = false;  // interim care order (SSDA903 LS C1)
  // Known only from the looked-after return (no CIN involvement recorded): such a case ends
  // when the child stops being looked after.
  bool looked_after_only = true;
};

// What an event did to a child's case.
enum class CaseChange {
  kNone,
  kOpened,    // not open before the event, open after: the child needs allocating
  kLeftCare,  // stopped being looked after and the case has nothing else open: to be closed
  kClosed,    // closed, transferred or stepped across
};

// Applies `event` to `state` (state.child_id must be the event's child) and says what changed:
// a referral, an assessment or entering care opens the case; a CP plan sets CP and its end
// falls back to CIN; entering care sets CLA with the placement flags; leaving care or
// returning home of a looked-after-only child is kLeftCare; closure is kClosed.
CaseChange ApplyToCase(const cases::v1::CaseEvent& event, CaseState& state);

// The replayed year's caseload.
struct Caseload {
  ReplayYear year;
  // Years each return was moved by, by meta.source ("import://cin-census", "import://ssda903").
  std::map<std::string, int> years_shifted;
  // Children whose case is open on the year's first day, with their state (sorted by id).
  std::vector<CaseState> open_on_first_day;
  // The returns' events that happen during the year, dates moved, in time order.
  std::vector<cases::v1::CaseEvent> in_year;
  int events_before_year = 0;  // folded into open_on_first_day, not replayed
  int events_after_year = 0;   // dropped
};

// Moves each return's events onto `year` (YearsToShift per meta.source), folds those before the
// year's first day into each child's state and keeps those inside the year. `imported` is in
// time order (ImportReturnFiles).
Caseload BuildCaseload(std::vector<cases::v1::CaseEvent> imported, ReplayYear year,
                       const absl::TimeZone& zone);

// The London day an event occurred on.
absl::CivilDay EventDay(const cases::v1::CaseEvent& event, const absl::TimeZone& zone);

}  // namespace oversight::simulator
