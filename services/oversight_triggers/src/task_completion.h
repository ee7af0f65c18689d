// Completing a task when an oversight record answers it (recording's OversightRecorded on the
// supervision-events topic). Pure: the handler loads the task, calls DecideCompletion and
// stores the result.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::triggers {

// What an oversight record does to the task it names.
enum class CompletionOutcome {
  kCompleted,         // the open task is now completed (TaskCompleted)
  kAlreadyCompleted,  // the task was completed by this same record: nothing to do
  kTaskClosed,        // completed by another record, or cancelled: left as it is
  kUnknownTask,       // no such task in the authority: nothing to do
  kNoTask,            // the record names no task (oversight outside any task): nothing to do
  kChildMismatch,     // the record's child is not the task's child: refused (dead letter)
};

// The metric label of an outcome: "completed", "already_completed", "task_closed",
// "unknown_task", "no_task", "child_mismatch".
std::string_view CompletionOutcomeName(CompletionOutcome outcome);

struct CompletionDecision {
  CompletionOutcome outcome = CompletionOutcome::kNoTask;
  std::optional<v1::OversightTask> task;       // the new state, when completed
  std::optional<v1::TaskCompleted> completed;  // the event to publish, when completed
};

// Decides what `record` does to `task` (nullopt: no task with record.task_id). The oversight's
// time is the record's meta.occurred_at (recording sets it to the session's held time); the
// task is completed on time when that is at or before its due_at. The TaskCompleted's id
// derives from the record event's id, so redelivery publishes the same event. `now` stamps
// the history entry and recorded_at.
CompletionDecision DecideCompletion(const std::optional<v1::OversightTask>& task,
                                    const recording::v1::OversightRecorded& record, absl::Time now);

}  // namespace oversight::triggers
