// The Kafka handlers against a real redis-server: records encoded as producers encode them,
// handled one by one and in batches, the effects read back from Redis and the outbox.
#include <gtest/gtest.h>

#include "event_handlers.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/event_record.h"
#include "oversight/kafka/testing/publish.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/testing/utc.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "task_store.h"

namespace oversight::triggers {
namespace {

using kafka::HandlerOutcome;

using oversight::testing::Utc;

template <typename Event>
Event Meta(const std::string& event_id, const char* occurred_at, const std::string& subject) {
  Event event;
  event.mutable_meta()->set_event_id(event_id);
  event.mutable_meta()->set_authority_id("devon");
  event.mutable_meta()->set_subject(subject);
  events::ToTimestamp(Utc(occurred_at), event.mutable_meta()->mutable_occurred_at());
  return event;
}

class HandlersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto registry = authorities::AuthorityRegistry::Load(
        policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon", "stoke-on-trent"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete registry_;
  }
  void SetUp() override {
    auto connection = redis::Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    connection_ = std::move(*connection);
    ASSERT_TRUE(connection_->Command({"FLUSHALL"}).ok());
    store_ = std::make_unique<TaskStore>(*connection_, "tasks");
    handlers_ = std::make_unique<EventHandlers>(*registry_, *store_, clock_);
    ASSERT_EQ(Handle(Joined("worker-1", "manager-1")).kind, HandlerOutcome::Kind::kProcessed);
    ASSERT_EQ(Handle(Joined("manager-1", "head-1")).kind, HandlerOutcome::Kind::kProcessed);
    ASSERT_EQ(Handle(Joined("worker-2", "manager-2")).kind, HandlerOutcome::Kind::kProcessed);
  }

  // A record as the consumer hands it over, on the topic its package belongs to.
  kafka::ConsumedMessage Record(const google::protobuf::Message& event, const std::string& key) {
    const std::string package = event.GetDescriptor()->file()->package();
    const ConsumedTopics topics;
    const std::string topic = package == "oversight.cases.v1"       ? topics.case_events
                              : package == "oversight.workforce.v1" ? topics.workforce_events
                              : package == "oversight.recording.v1" ? topics.supervision_events
                                                                    : topics.schedule_events;
    auto consumed = kafka::testing::AsConsumedEvent(topic, key, event);
    EXPECT_TRUE(consumed.ok()) << consumed.status();
    return consumed.ok() ? *std::move(consumed) : kafka::ConsumedMessage{};
  }
  HandlerOutcome Handle(const google::protobuf::Message& event, const std::string& key = "") {
    return handlers_->Handle(Record(event, key));
  }

  workforce::v1::WorkerJoined Joined(const std::string& worker, const std::string& supervisor) {
    auto event = Meta<workforce::v1::WorkerJoined>("hr-" + worker, "2026-01-05T09:00:00Z", worker);
    event.set_worker_id(worker);
    event.set_supervisor_id(supervisor);
    event.set_team_id("team-a");
    return event;
  }
  cases::v1::CaseAllocated Allocated(const std::string& id, const std::string& child,
                                     const std::string& worker, const char* at) {
    auto event = Meta<cases::v1::CaseAllocated>(id, at, child);
    event.set_child_id(child);
    event.set_worker_id(worker);
    event.set_team_id("team-a");
    return event;
  }
  template <typename Event>
  Event CaseEvent(const std::string& id, const std::string& child, const char* at) {
    auto event = Meta<Event>(id, at, child);
    event.set_child_id(child);
    return event;
  }
  recording::v1::OversightRecorded Recorded(const std::string& id, const std::string& child,
                                            const std::string& task, const char* held_at) {
    auto event = Meta<recording::v1::OversightRecorded>(id, held_at, "record-" + id);
    event.set_record_id("record-" + id);
    event.set_child_id(child);
    event.set_task_id(task);
    event.set_decision_maker_id("manager-1");
    return event;
  }

  std::vector<v1::OversightTask> TasksOf(const std::string& child) {
    v1::ListTasksRequest request;
    request.set_authority_id("devon");
    request.set_child_id(child);
    auto listed = store_->ListTasks(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return {listed->tasks().begin(), listed->tasks().end()};
  }
  // ce_type of every record in the devon outbox, in order.
  std::vector<std::string> OutboxTypes() {
    auto entries =
        connection_->Command({"XRANGE", redis::OutboxKey("devon", kServiceName), "-", "+"});
    std::vector<std::string> types;
    for (const auto& entry : entries->elements()) {
      auto record = redis::ParseOutboxEntry("outbox", entry);
      for (const auto& [name, value] : record->headers) {
        if (name == "ce_type") types.push_back(value);
      }
    }
    return types;
  }

  static redis::testing::RedisServer* server_;
  static authorities::AuthorityRegistry* registry_;
  runtime::ManualClock clock_{Utc("2026-05-11T12:00:00Z")};
  std::unique_ptr<redis::Connection> connection_;
  std::unique_ptr<TaskStore> store_;
  std::unique_ptr<EventHandlers> handlers_;
};
redis::testing::RedisServer* HandlersTest::server_ = nullptr;
authorities::AuthorityRegistry* HandlersTest::registry_ = nullptr;

TEST_F(HandlersTest, OneChildsEventsInOneBatchSeeEachOthersEffectsInOrder) {
  // Allocation (D8), an incident (D14.2), a second incident (linked), the closure (D14.13, and
  // the two open tasks cancelled), all in one batch, plus a redelivery of the first.
  const auto allocated = Allocated("lcs-1", "child-1", "worker-1", "2026-05-11T09:00:00Z");
  std::vector<kafka::ConsumedMessage> batch = {
      Record(allocated, "child-1"),
      Record(CaseEvent<cases::v1::SignificantIncident>("lcs-2", "child-1", "2026-05-11T10:00:00Z"),
             "child-1"),
      Record(CaseEvent<cases::v1::SignificantIncident>("lcs-3", "child-1", "2026-05-11T11:00:00Z"),
             "child-1"),
      Record(CaseEvent<cases::v1::CaseClosed>("lcs-4", "child-1", "2026-05-12T09:00:00Z"),
             "child-1"),
      Record(allocated, "child-1"),
  };
  const auto outcomes = handlers_->HandleBatch(batch);
  ASSERT_EQ(outcomes.size(), batch.size());
  for (const auto& outcome : outcomes) {
    EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kProcessed) << outcome.detail;
  }
  std::map<std::string, v1::TaskStatus> status;
  for (const auto& task : TasksOf("child-1"))
    status[task.rule_id()] = task.status();
  EXPECT_EQ(status, (std::map<std::string, v1::TaskStatus>{{"D8", v1::TASK_STATUS_CANCELLED},
                                                           {"D14.2", v1::TASK_STATUS_CANCELLED},
                                                           {"D14.13", v1::TASK_STATUS_REQUESTED}}));
  EXPECT_EQ(OutboxTypes(),
            (std::vector<std::string>{
                "oversight.triggers.v1.TaskOpened", "oversight.triggers.v1.TaskOpened",
                "oversight.triggers.v1.TaskOpened", "oversight.triggers.v1.TaskCancelled",
                "oversight.triggers.v1.TaskCancelled"}));

  // The whole batch again (a redelivery after a crash): nothing changes.
  for (const auto& outcome : handlers_->HandleBatch(batch)) {
    EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kProcessed);
  }
  EXPECT_EQ(OutboxTypes().size(), 5u);
  EXPECT_EQ(TasksOf("child-1").size(), 3u);
}

TEST_F(HandlersTest, OversightRecordCompletesItsTaskOnceAndLeavesOthersAlone) {
  ASSERT_EQ(
      Handle(Allocated("lcs-10", "child-2", "worker-1", "2026-05-11T09:00:00Z"), "child-2").kind,
      HandlerOutcome::Kind::kProcessed);
  auto tasks = TasksOf("child-2");
  ASSERT_EQ(tasks.size(), 1u);
  const std::string task_id = tasks[0].task_id();
  // D8 on Mon 11 May 2026: due by the end of Wed 13 May (BST). Held on the 13th: on time.
  EXPECT_EQ(events::FromTimestamp(tasks[0].due_at()), Utc("2026-05-13T22:59:59Z"));

  const auto record = Recorded("rec-1", "child-2", task_id, "2026-05-13T15:00:00Z");
  EXPECT_EQ(Handle(record, "manager-1").kind, HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(Handle(record, "manager-1").kind, HandlerOutcome::Kind::kProcessed);  // redelivered
  auto task = store_->GetTask("devon", task_id);
  ASSERT_TRUE(task.ok()) << task.status();
  EXPECT_EQ(task->status(), v1::TASK_STATUS_COMPLETED);
  EXPECT_TRUE(task->completed_on_time());
  EXPECT_EQ(task->completed_by_record_id(), "record-rec-1");
  EXPECT_EQ(OutboxTypes(), (std::vector<std::string>{"oversight.triggers.v1.TaskOpened",
                                                     "oversight.triggers.v1.TaskCompleted"}));

  // A second record for the completed task, one for an unknown task and one naming none: no
  // change, no crash, no event.
  EXPECT_EQ(Handle(Recorded("rec-2", "child-2", task_id, "2026-05-14T09:00:00Z")).kind,
            HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(Handle(Recorded("rec-3", "child-2", "no-such-task", "2026-05-14T09:00:00Z")).kind,
            HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(Handle(Recorded("rec-4", "child-2", "", "2026-05-14T09:00:00Z")).kind,
            HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(store_->GetTask("devon", task_id)->completed_by_record_id(), "record-rec-1");
  EXPECT_EQ(OutboxTypes().size(), 2u);

  // A record that says it is about another child is refused.
  ASSERT_EQ(
      Handle(Allocated("lcs-11", "child-3", "worker-1", "2026-05-11T09:00:00Z"), "child-3").kind,
      HandlerOutcome::Kind::kProcessed);
  auto mismatch =
      Handle(Recorded("rec-5", "child-2", TasksOf("child-3")[0].task_id(), "2026-05-14T09:00:00Z"));
  EXPECT_EQ(mismatch.kind, HandlerOutcome::Kind::kDeadLetter);
  EXPECT_EQ(mismatch.reason, "contract_violation");
}

TEST_F(HandlersTest, OverdueCaseDiscussionOpensOneDriftTaskForTheLineManager) {
  ASSERT_EQ(
      Handle(Allocated("lcs-20", "child-4", "worker-1", "2026-03-02T09:00:00Z"), "child-4").kind,
      HandlerOutcome::Kind::kProcessed);
  auto overdue = Meta<scheduling::v1::ItemOverdue>("sched-1", "2026-04-02T23:00:00Z", "child-4");
  overdue.mutable_item()->set_item_id("case_discussion:child-4");
  overdue.mutable_item()->set_kind(scheduling::v1::ITEM_KIND_CASE_DISCUSSION);
  overdue.mutable_item()->set_child_id("child-4");
  overdue.mutable_item()->set_worker_id("worker-1");
  overdue.mutable_item()->set_stage(scheduling::v1::STAGE_OVERDUE);
  EXPECT_EQ(Handle(overdue, "child-4").kind, HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(Handle(overdue, "child-4").kind, HandlerOutcome::Kind::kProcessed);  // redelivered

  v1::ListTasksRequest request;
  request.set_authority_id("devon");
  request.set_trigger_id("drift_or_delay");
  auto drift = store_->ListTasks(request);
  ASSERT_TRUE(drift.ok()) << drift.status();
  ASSERT_EQ(drift->tasks_size(), 1);
  EXPECT_EQ(drift->tasks(0).rule_id(), "D14.14");
  EXPECT_EQ(drift->tasks(0).owner_id(), "head-1");
  // Overdue at 00:00 BST on Fri 3 Apr 2026 (Good Friday); + 2 working days (D15) skipping
  // Easter Monday: Tue 7 and Wed 8 Apr, end of day BST.
  EXPECT_EQ(events::FromTimestamp(drift->tasks(0).due_at()), Utc("2026-04-08T22:59:59Z"));

  // The discussion overdue again (a later occurrence) while the drift task is open: linked.
  overdue.mutable_meta()->set_event_id("sched-2");
  EXPECT_EQ(Handle(overdue, "child-4").kind, HandlerOutcome::Kind::kProcessed);
  drift = store_->ListTasks(request);
  ASSERT_EQ(drift->tasks_size(), 1);
  EXPECT_EQ(drift->tasks(0).linked_event_ids_size(), 1);
}

TEST_F(HandlersTest, AnEventForAChildNeverSeenIsUnknownButTheNextEventIsHandled) {
  auto incident =
      CaseEvent<cases::v1::SignificantIncident>("lcs-30", "ghost", "2026-05-11T09:00:00Z");
  std::vector<kafka::ConsumedMessage> batch = {
      Record(incident, "ghost"),
      Record(Allocated("lcs-31", "child-5", "worker-1", "2026-05-11T09:00:00Z"), "child-5")};
  auto outcomes = handlers_->HandleBatch(batch);
  EXPECT_EQ(outcomes[0].kind, HandlerOutcome::Kind::kDeadLetter);
  EXPECT_EQ(outcomes[0].reason, "unknown_child");
  EXPECT_EQ(outcomes[1].kind, HandlerOutcome::Kind::kProcessed);
  EXPECT_TRUE(TasksOf("ghost").empty());
  EXPECT_EQ(TasksOf("child-5").size(), 1u);
}

TEST_F(HandlersTest, AWorkforceEventInABatchAppliesBetweenTheEventsAroundIt) {
  // worker-3 is unknown when child-6 is allocated: unowned; their joining assigns the task; the
  // incident after it is owned from the start.
  auto joined = Joined("worker-3", "manager-3");
  joined.mutable_meta()->set_event_id("hr-w3");
  std::vector<kafka::ConsumedMessage> batch = {
      Record(Allocated("lcs-40", "child-6", "worker-3", "2026-05-11T09:00:00Z"), "child-6"),
      Record(joined, "worker-3"),
      Record(CaseEvent<cases::v1::SignificantIncident>("lcs-41", "child-6", "2026-05-11T10:00:00Z"),
             "child-6")};
  for (const auto& outcome : handlers_->HandleBatch(batch)) {
    EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kProcessed) << outcome.detail;
  }
  for (const auto& task : TasksOf("child-6")) {
    EXPECT_EQ(task.owner_id(), "manager-3") << task.rule_id();
  }
  EXPECT_EQ(OutboxTypes(), (std::vector<std::string>{"oversight.triggers.v1.TaskOpened",
                                                     "oversight.triggers.v1.TaskReassigned",
                                                     "oversight.triggers.v1.TaskOpened"}));
}

// Found by the fault suite: a child's whole story (allocation to closure) may be handled before
// the worker's joining, which comes on another topic. The closure's own task (D14.13) is still
// open, so the worker's supervisor, once known, gets it; the tasks the closure cancelled keep
// no owner (cancelled tasks are not reassigned).
TEST_F(HandlersTest, AClosedChildsOpenTaskIsAssignedWhenTheWorkersSupervisorBecomesKnown) {
  ASSERT_EQ(
      Handle(Allocated("lcs-60", "child-8", "worker-4", "2026-05-11T09:00:00Z"), "child-8").kind,
      HandlerOutcome::Kind::kProcessed);
  ASSERT_EQ(Handle(CaseEvent<cases::v1::CaseClosed>("lcs-61", "child-8", "2026-05-11T11:00:00Z"),
                   "child-8")
                .kind,
            HandlerOutcome::Kind::kProcessed);
  auto joined = Joined("worker-4", "manager-4");
  joined.mutable_meta()->set_event_id("hr-w4");
  ASSERT_EQ(Handle(joined, "worker-4").kind, HandlerOutcome::Kind::kProcessed);

  std::map<std::string, v1::OversightTask> by_rule;
  for (const auto& task : TasksOf("child-8"))
    by_rule[task.rule_id()] = task;
  ASSERT_EQ(by_rule.size(), 2u);
  EXPECT_EQ(by_rule["D14.13"].status(), v1::TASK_STATUS_REQUESTED);
  EXPECT_EQ(by_rule["D14.13"].owner_id(), "manager-4");
  EXPECT_EQ(by_rule["D8"].status(), v1::TASK_STATUS_CANCELLED);
  EXPECT_EQ(by_rule["D8"].owner_id(), "");
  EXPECT_EQ(OutboxTypes(),
            (std::vector<std::string>{
                "oversight.triggers.v1.TaskOpened", "oversight.triggers.v1.TaskOpened",
                "oversight.triggers.v1.TaskCancelled", "oversight.triggers.v1.TaskReassigned"}));
}

TEST_F(HandlersTest, AChangeDecidedOnAStaleVersionIsAbortedAndWritesNothing) {
  ASSERT_EQ(
      Handle(Allocated("lcs-50", "child-7", "worker-1", "2026-05-11T09:00:00Z"), "child-7").kind,
      HandlerOutcome::Kind::kProcessed);
  auto before = store_->LoadContext("devon", "child-7");
  ASSERT_TRUE(before.ok());
  // Something else (a gRPC reassignment, another consumer) changes the child meanwhile.
  ASSERT_TRUE(
      connection_->Command({"HINCRBY", "ovs:{devon}:trg:child:child-7", "version", "1"}).ok());
  auto incident =
      CaseEvent<cases::v1::SignificantIncident>("lcs-51", "child-7", "2026-05-11T10:00:00Z");
  RedisDirectory directory(*connection_, "devon");
  Decision decision = Decide(incident, incident.meta(), *before, directory,
                             *registry_->Find("devon")->engine, clock_.Now());
  auto change = store_->ToChange("devon", decision, *before);
  ASSERT_TRUE(change.ok());
  auto applied = change->Apply(*connection_, "devon", kServiceName, "lcs-51");
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kAborted) << applied.status();
  EXPECT_EQ(TasksOf("child-7").size(), 1u);
  // The handler decides it again on a fresh read.
  EXPECT_EQ(Handle(incident, "child-7").kind, HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(TasksOf("child-7").size(), 2u);
}

TEST_F(HandlersTest, RedisGoneMeansRetryForTheWholeBatch) {
  std::vector<kafka::ConsumedMessage> batch = {
      Record(Allocated("lcs-60", "child-8", "worker-1", "2026-05-11T09:00:00Z"), "child-8"),
      Record(CaseEvent<cases::v1::SignificantIncident>("lcs-61", "child-8", "2026-05-11T10:00:00Z"),
             "child-8")};
  ASSERT_TRUE(server_->Stop().ok());
  auto outcomes = handlers_->HandleBatch(batch);
  ASSERT_TRUE(server_->Start().ok());
  for (const auto& outcome : outcomes) {
    EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kRetryLater);
  }
  // Redelivered once Redis is back: applied in order.
  for (const auto& outcome : handlers_->HandleBatch(batch)) {
    EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kProcessed) << outcome.detail;
  }
  EXPECT_EQ(TasksOf("child-8").size(), 2u);
}

}  // namespace
}  // namespace oversight::triggers
