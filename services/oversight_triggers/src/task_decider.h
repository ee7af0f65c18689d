// The rules of oversight-triggers, without I/O: given a case event (or a schedule event that
// a pack treats as a trigger, D14.14), the child's case and open tasks, the directory and the
// authority's engine, what changes. Unit-tested directly; the Kafka handler only loads the
// context, calls Decide and stores the result.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "case_state.h"
#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/policy/engine.h"

namespace oversight::triggers {

inline constexpr char kServiceName[] = "oversight-triggers";

// How a repeated trigger for a child with a task of the same trigger still open is handled
// (issue: "linked to it rather than duplicated (configurable)").
enum class RepeatPolicy { kLinkToOpenTask, kOpenAnother };

struct DecideOptions {
  RepeatPolicy repeat = RepeatPolicy::kLinkToOpenTask;
  // The authority's go-live (authorities::Authority::live_from): an event that occurred before
  // it is history: it changes the case (allocation, closure ...) but opens no task.
  absl::Time live_from = absl::InfinitePast();
};

// What one event changes.
struct Decision {
  ChildCase child;                         // the child's case after the event
  bool case_event = false;                 // the event was a case event (the case is stored)
  std::string previous_worker_id;          // the allocated worker before the event
  std::vector<v1::OversightTask> upserts;  // tasks created or changed (full new state)
  std::vector<v1::TaskOpened> opened;      // events to publish, in order
  std::vector<v1::TaskCancelled> cancelled;
  std::vector<v1::TaskReassigned> reassigned;
};

// Decides the effects of `event` with its `meta`:
//  - an oversight.cases.v1 message updates the child's case (allocation, lead practitioner,
//    case type, risk, closure);
//  - the pack's triggers for the event (engine.TriggeredOversight; case events, and schedule
//    events such as Devon's ItemOverdue of a case discussion, D14.14) each open a task, owned as
//    the trigger says (the allocated worker's supervisor, the supervisor's line manager, or the
//    worker; for a schedule event about a child this service has no worker for, the item's
//    worker), with the pack's due date and priority; the task id derives from the event id
//    and trigger, so the same event decided twice yields the same task. A schedule event for a
//    closed case triggers nothing (scheduling will cancel the item);
//  - links a repeated trigger to the open task of the same trigger (kLinkToOpenTask);
//  - a closing event (CaseClosed, CaseTransferred, SteppedAcrossToEarlyHelp) cancels the open
//    tasks that no longer apply (all but those it opened or was linked to itself);
//  - a new allocation or lead-practitioner change reassigns open tasks to their owner under the
//    new worker, each by its owner rule (supervisor, line manager, worker).
// `now` stamps history entries and recorded_at. Never fails: an owner that cannot be resolved
// (worker or supervisor not yet in the directory) leaves the task unowned, to be assigned when
// the directory learns it.
Decision Decide(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
                const CaseContext& context, const Directory& directory,
                const policy::Engine& engine, absl::Time now, const DecideOptions& options = {});

// What a directory change (a worker's supervisor now known or changed) does to the open tasks
// of the children allocated to that worker: tasks owned by the supervisor rule that have no
// owner, or are owned by the worker's previous supervisor, pass to the new supervisor
// (TaskReassigned); tasks of the other owner rules, and tasks reassigned by hand to someone
// else, are left alone. `open_tasks` are the open tasks of the worker's children; `cause` is
// the workforce event's meta.
struct DirectoryDecision {
  std::vector<v1::OversightTask> upserts;
  std::vector<v1::TaskReassigned> reassigned;
};
DirectoryDecision DecideSupervisorChange(const std::string& worker_id,
                                         const std::string& previous_supervisor_id,
                                         const std::string& new_supervisor_id,
                                         const std::vector<v1::OversightTask>& open_tasks,
                                         const common::v1::EventMeta& cause, absl::Time now);

// The owner of a task for `trigger_owner` given the allocated worker: their supervisor, the
// supervisor's line manager, or the worker; "" if unknown.
std::string ResolveOwner(policy::Owner trigger_owner, const std::string& worker_id,
                         const Directory& directory);

// Appends a history entry (the task's status and owner as they are now) to `task`.
void AddHistory(v1::OversightTask& task, absl::Time at, const std::string& event_id,
                const std::string& note);

}  // namespace oversight::triggers
