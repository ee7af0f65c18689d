// Facts the engine computes from: plain value types filled by the services (from workforce,
// case and supervision events) or by the CLI (from JSON). Dates are London calendar days;
// instants are absl::Time. The engine never reads a clock: "now" is never needed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "oversight/policy/types.h"

namespace oversight::policy {

// An absence of the supervisee or of their supervisor. No return date: still absent.
struct AbsenceFacts {
  AbsenceReason reason = AbsenceReason::kSickness;
  Party party = Party::kSupervisee;
  absl::CivilDay starts_on;
  std::optional<absl::CivilDay> returned_on;  // first day back at work
};

// A worker's profile and history.
struct WorkerFacts {
  std::string worker_id;
  std::string team_id;
  std::string supervisor_id;
  std::string role;  // free text, for explanations
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> asye_start;  // unset: not in ASYE
  bool asye_completed = false;
  std::optional<absl::CivilDay> probation_end;  // unset: no probation
  bool probation_completed = false;
  double fte = 1.0;  // 0 or less is read as 1.0
  bool agency = false;
  // The current supervisor since (a supervisor change starts a new relationship: S1, D7).
  std::optional<absl::CivilDay> supervisor_since;
  std::optional<absl::CivilDay> last_agreement_signed;
  // Last FORMAL personal supervision (D6: informal ones do not count).
  std::optional<absl::CivilDay> last_personal_supervision;
  // Last informal (ad hoc) supervision: never resets the clock (D6); shown in explanations.
  std::optional<absl::CivilDay> last_informal_supervision;
  std::optional<absl::CivilDay> last_observation;
  std::optional<absl::CivilDay> last_pdr;
  std::optional<absl::CivilDay> last_appraisal;
  std::optional<absl::CivilDay> last_performance_conversation;
  std::optional<absl::CivilDay> last_mentoring;
  std::vector<AbsenceFacts> absences;
  std::optional<absl::CivilDay> left_on;
  bool left_childrens_services = false;  // starts the retention clock (H8)
  // Go-live (the authority's policy.live_from): no date counts from a basis before this day
  // (the start, the last session or signature ...); phases still count from the real dates.
  // Retention is not affected. Unset: every basis counts as it is.
  std::optional<absl::CivilDay> counted_from;
};

struct PlacementFacts {
  bool placed_with_parents = false;
  bool long_term_matched = false;
  bool stability_concern = false;
};

// A child's case state and history.
struct ChildFacts {
  std::string child_id;
  std::string worker_id;
  std::string team_id;
  CaseType case_type = CaseType::kChildInNeed;
  RiskLevel risk = RiskLevel::kStandard;
  PlacementFacts placement;
  bool in_care_proceedings = false;
  absl::CivilDay allocated_on;                         // allocation to the current worker
  std::optional<absl::CivilDay> last_case_discussion;  // last planned case supervision
  std::optional<absl::CivilDay> counted_from;          // go-live, as WorkerFacts::counted_from
};

// A team, for group supervision (D17).
struct TeamFacts {
  std::string team_id;
  absl::CivilDay formed_on;
  std::optional<absl::CivilDay> last_group_supervision;
  std::optional<absl::CivilDay> counted_from;  // go-live, as WorkerFacts::counted_from
};

// A case event, reduced to what trigger rules look at.
struct CaseEventFacts {
  std::string event_id;
  std::string type;  // full proto message name, e.g. "oversight.cases.v1.AssessmentStarted"
  std::string child_id;
  absl::Time occurred_at;
  // Event fields by dotted path, as text: enum value names ("ASSESSMENT_KIND_CHILD_AND_FAMILY"),
  // "true"/"false", ids. Absent or empty means "not present".
  std::map<std::string, std::string> fields;
};

// A supervision, observation or discussion session whose record has deadlines.
struct SessionFacts {
  std::string record_id;
  RecordKind kind = RecordKind::kCaseSupervision;
  absl::Time held_at;
  std::optional<absl::Time> circulated_at;                  // S10 sign-off counts from here
  std::optional<absl::Time> observer_section_completed_at;  // H13 comments count from here
};

}  // namespace oversight::policy
