// Completion of a task by the oversight record that answers it.
#include "task_completion.h"

#include <gtest/gtest.h>

#include "oversight/events/outbound.h"
#include "oversight/testing/utc.h"

namespace oversight::triggers {
namespace {

using oversight::testing::Utc;

v1::OversightTask OpenTask() {
  v1::OversightTask task;
  task.set_task_id("task-1");
  task.set_authority_id("devon");
  task.set_child_id("child-1");
  task.set_status(v1::TASK_STATUS_REQUESTED);
  task.set_owner_id("manager-1");
  // D14.4 for an entry to care on Fri 6 Mar 2026: due by the end of Tue 10 Mar (GMT).
  events::ToTimestamp(Utc("2026-03-10T23:59:59Z"), task.mutable_due_at());
  return task;
}

recording::v1::OversightRecorded Record(const char* held_at, const char* task_id = "task-1") {
  recording::v1::OversightRecorded record;
  record.mutable_meta()->set_event_id("rec-evt-1");
  record.mutable_meta()->set_authority_id("devon");
  events::ToTimestamp(Utc(held_at), record.mutable_meta()->mutable_occurred_at());
  record.set_record_id("record-1");
  record.set_child_id("child-1");
  record.set_task_id(task_id);
  record.set_decision_maker_id("manager-1");
  return record;
}

const absl::Time kNow = Utc("2026-03-12T09:00:00Z");

TEST(DecideCompletionTest, OversightHeldByTheDueTimeCompletesTheTaskOnTime) {
  // Held at 23:00 on the due day: recorded two days later, still on time (it runs from when
  // the oversight took place, not when it was recorded).
  CompletionDecision decision = DecideCompletion(OpenTask(), Record("2026-03-10T23:00:00Z"), kNow);
  ASSERT_EQ(decision.outcome, CompletionOutcome::kCompleted);
  EXPECT_EQ(decision.task->status(), v1::TASK_STATUS_COMPLETED);
  EXPECT_TRUE(decision.task->completed_on_time());
  EXPECT_EQ(decision.task->completed_by_record_id(), "record-1");
  EXPECT_EQ(events::FromTimestamp(decision.task->completed_at()), Utc("2026-03-10T23:00:00Z"));
  ASSERT_EQ(decision.task->history_size(), 1);
  EXPECT_EQ(decision.task->history(0).status(), v1::TASK_STATUS_COMPLETED);
  EXPECT_EQ(decision.task->history(0).event_id(), "rec-evt-1");
  EXPECT_TRUE(decision.completed->on_time());
  EXPECT_EQ(decision.completed->task_id(), "task-1");
  EXPECT_EQ(decision.completed->meta().causation_id(), "rec-evt-1");
  // The same record decided again gives the same event id (redelivery).
  EXPECT_EQ(DecideCompletion(OpenTask(), Record("2026-03-10T23:00:00Z"), kNow)
                .completed->meta()
                .event_id(),
            decision.completed->meta().event_id());
}

TEST(DecideCompletionTest, OversightAfterTheDueTimeCompletesItLate) {
  CompletionDecision decision = DecideCompletion(OpenTask(), Record("2026-03-11T00:00:00Z"), kNow);
  ASSERT_EQ(decision.outcome, CompletionOutcome::kCompleted);
  EXPECT_FALSE(decision.task->completed_on_time());
  EXPECT_FALSE(decision.completed->on_time());
}

TEST(DecideCompletionTest, RecordsThatAnswerNoOpenTaskChangeNothing) {
  EXPECT_EQ(DecideCompletion(std::nullopt, Record("2026-03-10T09:00:00Z"), kNow).outcome,
            CompletionOutcome::kUnknownTask);
  EXPECT_EQ(DecideCompletion(OpenTask(), Record("2026-03-10T09:00:00Z", ""), kNow).outcome,
            CompletionOutcome::kNoTask);

  v1::OversightTask done = *DecideCompletion(OpenTask(), Record("2026-03-10T09:00:00Z"), kNow).task;
  EXPECT_EQ(DecideCompletion(done, Record("2026-03-10T09:00:00Z"), kNow).outcome,
            CompletionOutcome::kAlreadyCompleted);
  auto another = Record("2026-03-10T10:00:00Z");
  another.set_record_id("record-2");
  CompletionDecision second = DecideCompletion(done, another, kNow);
  EXPECT_EQ(second.outcome, CompletionOutcome::kTaskClosed);
  EXPECT_FALSE(second.task.has_value());

  v1::OversightTask cancelled = OpenTask();
  cancelled.set_status(v1::TASK_STATUS_CANCELLED);
  EXPECT_EQ(DecideCompletion(cancelled, Record("2026-03-10T09:00:00Z"), kNow).outcome,
            CompletionOutcome::kTaskClosed);
}

TEST(DecideCompletionTest, ARecordForAnotherChildIsAMismatch) {
  auto record = Record("2026-03-10T09:00:00Z");
  record.set_child_id("child-2");
  EXPECT_EQ(DecideCompletion(OpenTask(), record, kNow).outcome, CompletionOutcome::kChildMismatch);
}

}  // namespace
}  // namespace oversight::triggers
