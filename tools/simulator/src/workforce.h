// The simulated workforce of one authority for the replayed year: a head of service, service
// managers, team managers and practitioners (some newly qualified in their ASYE, some
// part-time, some agency), who supervises whom, and what changes during the year (leavers and
// their replacements, sickness absences, ASYE completions, a team manager who leaves and is
// covered). Pure and seeded (choice.h): the same options give the same workforce.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "oversight/policy/calendar.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "year_shift.h"

namespace oversight::simulator {

struct StaffMember {
  std::string id;  // "sw-007", "tm-02", "sm-01", "hos-01"
  std::string display_name;
  std::string email;
  workforce::v1::Role role = workforce::v1::ROLE_SOCIAL_WORKER;
  std::string team_id;          // practitioners and team managers
  std::string line_manager_id;  // who supervises them ("" for the head of service)
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> asye_start;
  std::optional<absl::CivilDay> probation_end;
  double fte = 1.0;
  workforce::v1::Employment employment = workforce::v1::EMPLOYMENT_PERMANENT;
  bool joins_during_year = false;  // announced on start_date rather than on the first day
};

struct Team {
  std::string id;  // "team-01"
  std::string name;
  std::string manager_id;
  // How reliably this team's people do things on time, in [0.70, 0.97]: teams differ, so the
  // report's figures differ by team.
  double diligence = 0.9;
};

enum class ChangeKind {
  kJoins,
  kLeaves,
  kAbsenceStarts,
  kAbsenceEnds,
  kAsyeCompleted,
  kSupervisorChanges,
};

struct WorkforceChange {
  absl::CivilDay day;
  ChangeKind kind = ChangeKind::kJoins;
  std::string worker_id;
  std::string supervisor_id;  // kSupervisorChanges: the new one
  workforce::v1::AbsenceReason reason = workforce::v1::ABSENCE_REASON_SICKNESS;
  bool left_childrens_services = true;  // kLeaves
};

struct Workforce {
  std::vector<Team> teams;
  std::vector<StaffMember> staff;        // everyone, including those who join during the year
  std::vector<WorkforceChange> changes;  // sorted by day (stable)

  const StaffMember* Find(const std::string& id) const;
  const Team* FindTeam(const std::string& id) const;
};

struct WorkforceOptions {
  uint64_t seed = 1;
  std::string authority;  // for email addresses
  int children = 0;       // open cases to staff for
  ReplayYear year;
  int children_per_practitioner = 16;  // full-time, out of ASYE (ASYE: 60%; part-time: by FTE)
  int practitioners_per_team = 7;
  int teams_per_service_manager = 4;
};

// Builds the workforce: enough teams for `children` cases, their managers and practitioners,
// and the year's changes. Changes fall on working days of `calendar`.
Workforce GenerateWorkforce(const WorkforceOptions& options,
                            const policy::WorkingCalendar& calendar);

// How many cases a practitioner carries at most: children_per_practitioner scaled by FTE, 60%
// during ASYE (a protected caseload); 0 for managers.
int CaseloadCap(const StaffMember& member, const WorkforceOptions& options);

}  // namespace oversight::simulator
