#include "caseload.h"

#include <algorithm>

#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/statutory_returns/ssda903.h"

namespace oversight::simulator {
namespace {

using cases::v1::CaseEvent;
namespace sr = statutory_returns;

void Open(CaseState& state, common::v1::CaseType if_unknown) {
  state.open = true;
  if (state.case_type == common::v1::CASE_TYPE_UNSPECIFIED) state.case_type = if_unknown;
}

}  // namespace

CaseChange ApplyToCase(const CaseEvent& event, CaseState& state) {
  const bool was_open = state.open;
  const std::string_view source = sr::EventMetaOf(event)->source();
  if (source != sr::kSsda903Source) state.looked_after_only = false;
  CaseChange change = CaseChange::kNone;
  switch (event.event_case()) {
    case CaseEvent::kReferralReceived:
    case CaseEvent::kAssessmentStarted:
      Open(state, common::v1::CASE_TYPE_ASSESSMENT);
      break;
    case CaseEvent::kCaseAllocated:
      Open(state, event.case_allocated().case_type());
      break;
    case CaseEvent::kCaseTypeChanged:
      Open(state, common::v1::CASE_TYPE_CHILD_IN_NEED);
      state.case_type = event.case_type_changed().case_type();
      if (state.case_type == common::v1::CASE_TYPE_CHILD_LOOKED_AFTER) state.in_care = true;
      break;
    case CaseEvent::kPlanStarted:
      Open(state, common::v1::CASE_TYPE_CHILD_IN_NEED);
      if (event.plan_started().plan() == cases::v1::PLAN_KIND_CHILD_PROTECTION_PLAN &&
          !state.in_care) {
        state.case_type = common::v1::CASE_TYPE_CHILD_PROTECTION;
      }
      break;
    case CaseEvent::kPlanEnded:
      if (event.plan_ended().plan() == cases::v1::PLAN_KIND_CHILD_PROTECTION_PLAN &&
          state.case_type == common::v1::CASE_TYPE_CHILD_PROTECTION) {
        state.case_type = common::v1::CASE_TYPE_CHILD_IN_NEED;
      }
      break;
    case CaseEvent::kChildEnteredCare:
      Open(state, common::v1::CASE_TYPE_CHILD_LOOKED_AFTER);
      state.case_type = common::v1::CASE_TYPE_CHILD_LOOKED_AFTER;
      state.in_care = true;
      state.placement = event.child_entered_care().placement();
      state.in_care_proceedings = event.child_entered_care().legal_status() == "C1";
      break;
    case CaseEvent::kPlacementChanged:
      state.placement = event.placement_changed().placement();
      break;
    case CaseEvent::kLegalStatusChanged:
      state.in_care_proceedings = event.legal_status_changed().legal_status() == "C1";
      break;
    case CaseEvent::kRiskLevelChanged:
      state.risk = event.risk_level_changed().risk();
      break;
    case CaseEvent::kChildReturnedHome:
    case CaseEvent::kChildLeftCare:
      state.in_care = false;
      state.in_care_proceedings = false;
      state.placement.Clear();
      if (state.case_type == common::v1::CASE_TYPE_CHILD_LOOKED_AFTER) {
        state.case_type = common::v1::CASE_TYPE_CHILD_IN_NEED;
      }
      if (state.open && state.looked_after_only) change = CaseChange::kLeftCare;
      break;
    case CaseEvent::kCaseClosed:
    case CaseEvent::kCaseTransferred:
    case CaseEvent::kSteppedAcrossToEarlyHelp:
      if (state.open) change = CaseChange::kClosed;
      state = CaseState{.child_id = state.child_id, .looked_after_only = state.looked_after_only};
      break;
    default:
      break;
  }
  if (!was_open && state.open) change = CaseChange::kOpened;
  return change;
}

absl::CivilDay EventDay(const CaseEvent& event, const absl::TimeZone& zone) {
  const absl::Time at = absl::FromUnixSeconds(sr::EventMetaOf(event)->occurred_at().seconds());
  return absl::CivilDay(absl::ToCivilSecond(at, zone));
}

Caseload BuildCaseload(std::vector<CaseEvent> imported, ReplayYear year,
                       const absl::TimeZone& zone) {
  Caseload caseload;
  caseload.year = year;
  std::map<std::string, std::vector<CaseEvent>> by_source;
  for (CaseEvent& event : imported) {
    by_source[sr::EventMetaOf(event)->source()].push_back(std::move(event));
  }
  std::vector<CaseEvent> timeline;
  for (auto& [source, events] : by_source) {
    const int years = YearsToShift(events, year, zone);
    caseload.years_shifted[source] = years;
    for (CaseEvent& event : events) {
      ShiftAllDates(event, years, zone);
      timeline.push_back(std::move(event));
    }
  }
  std::stable_sort(timeline.begin(), timeline.end(), [](const CaseEvent& a, const CaseEvent& b) {
    return sr::EventMetaOf(a)->occurred_at().seconds() <
           sr::EventMetaOf(b)->occurred_at().seconds();
  });

  std::map<std::string, CaseState> cases;
  for (CaseEvent& event : timeline) {
    const absl::CivilDay day = EventDay(event, zone);
    if (day >= year.end_day()) {
      ++caseload.events_after_year;
    } else if (day < year.first_day()) {
      ++caseload.events_before_year;
      const std::string& child = sr::EventMetaOf(event)->subject();
      CaseState& state = cases[child];
      state.child_id = child;
      ApplyToCase(event, state);
    } else {
      caseload.in_year.push_back(std::move(event));
    }
  }
  for (auto& [child, state] : cases) {
    if (state.open) caseload.open_on_first_day.push_back(state);
  }
  return caseload;
}

}  // namespace oversight::simulator
