#include "task_completion.h"

#include "absl/strings/str_cat.h"
#include "case_state.h"
#include "oversight/events/outbound.h"
#include "task_decider.h"

namespace oversight::triggers {

std::string_view CompletionOutcomeName(CompletionOutcome outcome) {
  switch (outcome) {
    case CompletionOutcome::kCompleted:
      return "completed";
    case CompletionOutcome::kAlreadyCompleted:
      return "already_completed";
    case CompletionOutcome::kTaskClosed:
      return "task_closed";
    case CompletionOutcome::kUnknownTask:
      return "unknown_task";
    case CompletionOutcome::kNoTask:
      return "no_task";
    case CompletionOutcome::kChildMismatch:
      return "child_mismatch";
  }
  return "unknown";
}

CompletionDecision DecideCompletion(const std::optional<v1::OversightTask>& task,
                                    const recording::v1::OversightRecorded& record,
                                    absl::Time now) {
  CompletionDecision decision;
  if (record.task_id().empty()) {
    decision.outcome = CompletionOutcome::kNoTask;
    return decision;
  }
  if (!task.has_value()) {
    decision.outcome = CompletionOutcome::kUnknownTask;
    return decision;
  }
  if (!record.child_id().empty() && record.child_id() != task->child_id()) {
    decision.outcome = CompletionOutcome::kChildMismatch;
    return decision;
  }
  if (!IsOpen(*task)) {
    decision.outcome = task->status() == v1::TASK_STATUS_COMPLETED &&
                               task->completed_by_record_id() == record.record_id()
                           ? CompletionOutcome::kAlreadyCompleted
                           : CompletionOutcome::kTaskClosed;
    return decision;
  }

  const absl::Time held = events::FromTimestamp(record.meta().occurred_at());
  const bool on_time = held <= events::FromTimestamp(task->due_at());
  v1::OversightTask done = *task;
  done.set_status(v1::TASK_STATUS_COMPLETED);
  *done.mutable_completed_at() = record.meta().occurred_at();
  done.set_completed_by_record_id(record.record_id());
  done.set_completed_on_time(on_time);
  AddHistory(done, now, record.meta().event_id(),
             absl::StrCat("completed by oversight record ", record.record_id(),
                          on_time ? " (on time)" : " (late)",
                          record.decision_maker_id().empty()
                              ? ""
                              : absl::StrCat(", decision by ", record.decision_maker_id())));

  v1::TaskCompleted completed;
  *completed.mutable_meta() =
      events::DerivedMeta(kServiceName, done.authority_id(), done.child_id(),
                          record.meta().event_id(), "completed:" + done.task_id(), held, now);
  completed.set_task_id(done.task_id());
  completed.set_child_id(done.child_id());
  completed.set_completed_by_record_id(record.record_id());
  completed.set_on_time(on_time);

  decision.outcome = CompletionOutcome::kCompleted;
  decision.task = std::move(done);
  decision.completed = std::move(completed);
  return decision;
}

}  // namespace oversight::triggers
