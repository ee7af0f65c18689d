#include "task_reassignment.h"

#include "absl/strings/str_cat.h"
#include "oversight/events/outbound.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "task_decider.h"

namespace oversight::triggers {

absl::Status MayReassign(const runtime::Principal& caller, const v1::OversightTask& task,
                         const Directory& directory) {
  if (caller.HasRole(kRoleOversightAdmin) || caller.HasRole(kRoleSeniorManager)) {
    return absl::OkStatus();
  }
  if (caller.HasRole(kRoleTeamManager) && !task.team_id().empty() &&
      caller.team_id == task.team_id()) {
    return absl::OkStatus();
  }
  WorkerEntry owner;
  if (!task.owner_id().empty() && directory.Find(task.owner_id(), owner) &&
      !owner.supervisor_id.empty() && owner.supervisor_id == caller.subject) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      caller.subject, " may not reassign task ", task.task_id(), ": that needs the role ",
      kRoleOversightAdmin, " or ", kRoleSeniorManager, ", the role ", kRoleTeamManager,
      " for team \"", task.team_id(), "\", or being the line manager of its owner",
      task.owner_id().empty() ? " (the task has no owner yet)"
                              : absl::StrCat(" \"", task.owner_id(), "\"")));
}

absl::StatusOr<Reassignment> DecideReassignment(const v1::OversightTask& task,
                                                const std::string& new_owner_id,
                                                const std::string& reason,
                                                const runtime::Principal& caller,
                                                const Directory& directory,
                                                const std::string& version, absl::Time now) {
  if (!IsOpen(task)) {
    return absl::FailedPreconditionError(absl::StrCat("task ", task.task_id(), " is ",
                                                      v1::TaskStatus_Name(task.status()),
                                                      ": only open tasks can be reassigned"));
  }
  WorkerEntry owner;
  if (!directory.Find(new_owner_id, owner)) {
    return absl::InvalidArgumentError(
        absl::StrCat("owner_id \"", new_owner_id, "\" is not a worker of authority \"",
                     task.authority_id(), "\" (no WorkerJoined for them)"));
  }
  if (owner.left) {
    return absl::FailedPreconditionError(
        absl::StrCat("owner_id \"", new_owner_id, "\" has left (WorkerLeft)"));
  }
  Reassignment result;
  result.task = task;
  if (task.owner_id() == new_owner_id) return result;

  result.changed = true;
  const std::string cause = events::DeriveId({task.task_id(), version, new_owner_id});
  result.task.set_owner_id(new_owner_id);
  AddHistory(result.task, now, cause,
             absl::StrCat("reassigned by ", caller.subject,
                          reason.empty() ? "" : absl::StrCat(": ", reason)));
  v1::TaskReassigned& event = result.reassigned;
  *event.mutable_meta() = events::DerivedMeta(kServiceName, task.authority_id(), task.child_id(),
                                              cause, "reassigned:" + task.task_id(), now, now);
  event.set_task_id(task.task_id());
  event.set_child_id(task.child_id());
  event.set_owner_id(new_owner_id);
  event.set_previous_owner_id(task.owner_id());
  *event.mutable_due_at() = task.due_at();
  return result;
}

}  // namespace oversight::triggers
