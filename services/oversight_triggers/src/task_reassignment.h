// Reassigning a task by hand (OversightTriggersService.ReassignTask): who may, and what it
// changes. Pure: the gRPC handler loads the task and the directory entries, calls these and
// stores the result.
//
// Who may reassign a task (checked in this order):
//  - a caller with the role "oversight_admin" or "senior_manager": any task of the authority
//    their token is for;
//  - a caller with the role "team_manager" whose token names the task's team ("team" claim);
//  - the line manager of the task's current owner (the owner's supervisor in the directory
//    built from workforce events), for example a service manager moving a team manager's task.
// Anyone else, the owner included, gets PERMISSION_DENIED saying which of these they lack. An
// unowned task can only be given an owner by the roles.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "case_state.h"
#include "oversight/runtime/auth.h"

namespace oversight::triggers {

inline constexpr char kRoleOversightAdmin[] = "oversight_admin";
inline constexpr char kRoleSeniorManager[] = "senior_manager";
inline constexpr char kRoleTeamManager[] = "team_manager";

// OK if `caller` may reassign `task` (rules above), PERMISSION_DENIED otherwise.
absl::Status MayReassign(const runtime::Principal& caller, const v1::OversightTask& task,
                         const Directory& directory);

struct Reassignment {
  bool changed = false;    // false: the task already had this owner (nothing to store or emit)
  v1::OversightTask task;  // the new state
  v1::TaskReassigned reassigned;  // the event to publish, when changed
};

// Reassigns `task` to `new_owner_id` for `caller` (already authorized): FAILED_PRECONDITION if
// the task is not open (completed or cancelled tasks keep their owner); INVALID_ARGUMENT if the
// new owner is not a worker in the directory; FAILED_PRECONDITION if they have left. The same
// owner again is not an error: nothing changes (a retried call is harmless). The history entry
// names the caller and `reason`; the TaskReassigned event id derives from the task, its
// version `version` and the new owner, so a retried store is deduplicated.
absl::StatusOr<Reassignment> DecideReassignment(const v1::OversightTask& task,
                                                const std::string& new_owner_id,
                                                const std::string& reason,
                                                const runtime::Principal& caller,
                                                const Directory& directory,
                                                const std::string& version, absl::Time now);

}  // namespace oversight::triggers
