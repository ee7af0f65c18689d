// The rules of oversight-triggers, without I/O: given a case event, the child's case and open
// tasks, the directory and the authority's engine, what changes. Unit-tested directly; the
// Kafka handler only loads the context, calls Decide and stores the result.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "case_state.h"
#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/policy/engine.h"

namespace oversight::triggers {

// How a repeated trigger for a child with a task of the same trigger still open is handled
// (issue: "linked to it rather than duplicated (configurable)").
enum class RepeatPolicy { kLinkToOpenTask, kOpenAnother };

struct DecideOptions {
  RepeatPolicy repeat = RepeatPolicy::kLinkToOpenTask;
};

// What one case event changes.
struct Decision {
  ChildCase child;                         // the child's case after the event
  std::string previous_worker_id;          // the allocated worker before the event
  std::vector<v1::OversightTask> upserts;  // tasks created or changed (full new state)
  std::vector<v1::TaskOpened> opened;      // events to publish, in order
  std::vector<v1::TaskCancelled> cancelled;
  std::vector<v1::TaskReassigned> reassigned;
};

// Decides the effects of `event` (a generated oversight.cases.v1 message with its `meta`):
//  - updates the child's case (allocation, lead practitioner, case type, risk, closure);
//  - opens a task per oversight the pack requires (engine.TriggeredOversight), owned by the
//    allocated worker's supervisor (or the supervisor's line manager, or the worker, as the
//    trigger says), with the pack's due date and priority; the task id derives from the event
//    id and trigger, so the same event decided twice yields the same task;
//  - links a repeated trigger to the open task of the same trigger (kLinkToOpenTask);
//  - on closure, transfer or step-across, cancels the open tasks that no longer apply (all but
//    those this event opened);
//  - on a new allocation or lead-practitioner change, reassigns open tasks to the new owner.
// `now` stamps history entries and recorded_at. Never fails: an owner that cannot be resolved
// (worker or supervisor not yet in the directory) leaves the task unowned, to be assigned when
// the directory learns it.
Decision Decide(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
                const CaseContext& context, const Directory& directory,
                const policy::Engine& engine, absl::Time now, const DecideOptions& options = {});

// What a directory change (a worker's supervisor now known or changed) does to the open tasks
// of the children allocated to that worker: tasks without an owner, or owned by the worker's
// previous supervisor, pass to the new supervisor (TaskReassigned). `open_tasks` are the open
// tasks of the worker's children; `cause` is the workforce event's meta.
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

}  // namespace oversight::triggers
