// The scheduling use cases against a real redis-server: events in, items, timers and schedule
// events (read from the outbox stream) out, on a manual clock. Dates are hand-computed from the
// Devon pack (D2 induction weekly, scheduling: reminder 5 working days, escalation when overdue
// by 5 working days).
#include "scheduler.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "event_handlers.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/event_record.h"
#include "oversight/kafka/testing/publish.h"
#include "oversight/kafka/topics.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::scheduling {
namespace {

namespace wf = ::oversight::workforce::v1;
namespace cases = ::oversight::cases::v1;
namespace rec = ::oversight::recording::v1;
namespace trg = ::oversight::triggers::v1;

// One schedule event read back from the outbox.
struct Published {
  std::string type;  // ce_type
  std::string event_id;
  std::string subject;  // meta.subject
  std::string key;      // the Kafka key
  v1::DueItem item;
  std::string extra;  // escalate_to_id, by_event_id or reason
};

class SchedulerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                         policy::DefaultCalendarPath(), {"devon"});
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
    store_ = std::make_unique<ItemStore>(*connection_, std::string(kafka::kScheduleEventsTopic));
    scheduler_ = std::make_unique<Scheduler>(*registry_, *store_, clock_);
  }

  const policy::WorkingCalendar& Calendar() const { return *registry_->Find("devon")->calendar; }
  absl::Time Start(int y, int m, int d) const {
    return absl::FromCivil(absl::CivilDay(y, m, d), Calendar().zone());
  }
  absl::Time Noon(int y, int m, int d) const { return Start(y, m, d) + absl::Hours(12); }
  absl::Time EndOf(int y, int m, int d) const {
    return Calendar().EndOfDay(absl::CivilDay(y, m, d));
  }

  template <typename Event>
  absl::StatusOr<redis::OutboxResult> Feed(Event event, const std::string& id, absl::Time at) {
    event.mutable_meta()->set_event_id(id);
    event.mutable_meta()->set_authority_id("devon");
    events::ToTimestamp(at, event.mutable_meta()->mutable_occurred_at());
    clock_.Set(at);
    return scheduler_->Handle(event, event.meta());
  }

  void Join(const std::string& worker, const std::string& supervisor, absl::CivilDay start) {
    wf::WorkerJoined e;
    e.set_worker_id(worker);
    e.set_supervisor_id(supervisor);
    e.set_team_id("team-a");
    e.mutable_start_date()->set_year(static_cast<int>(start.year()));
    e.mutable_start_date()->set_month(start.month());
    e.mutable_start_date()->set_day(start.day());
    auto r = Feed(e, "join-" + worker, Noon(start.year(), start.month(), start.day()));
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // Every schedule event in the outbox so far, in order.
  std::vector<Published> Outbox() {
    std::vector<Published> out;
    auto entries =
        connection_->Command({"XRANGE", redis::OutboxKey("devon", kServiceName), "-", "+"});
    EXPECT_TRUE(entries.ok()) << entries.status();
    for (const auto& entry : entries->elements()) {
      auto record = redis::ParseOutboxEntry(redis::OutboxKey("devon", kServiceName), entry);
      EXPECT_TRUE(record.ok()) << record.status();
      Published p;
      p.key = record->key;
      for (const auto& [k, v] : record->headers)
        if (k == "ce_type") p.type = v;
      auto decode = [&](auto message) {
        EXPECT_TRUE(message.ParseFromString(record->value));
        p.item = message.item();
        p.event_id = message.meta().event_id();
        p.subject = message.meta().subject();
        return message;
      };
      if (p.type == "oversight.scheduling.v1.ItemEscalated") {
        p.extra = decode(v1::ItemEscalated()).escalate_to_id();
      } else if (p.type == "oversight.scheduling.v1.ItemSatisfied") {
        p.extra = decode(v1::ItemSatisfied()).by_event_id();
      } else if (p.type == "oversight.scheduling.v1.ItemCancelled") {
        p.extra = decode(v1::ItemCancelled()).reason();
      } else if (p.type == "oversight.scheduling.v1.ItemDueSoon") {
        decode(v1::ItemDueSoon());
      } else if (p.type == "oversight.scheduling.v1.ItemDue") {
        decode(v1::ItemDue());
      } else if (p.type == "oversight.scheduling.v1.ItemOverdue") {
        decode(v1::ItemOverdue());
      }
      out.push_back(std::move(p));
    }
    return out;
  }
  std::vector<Published> OutboxFor(const std::string& item_id) {
    std::vector<Published> out;
    for (auto& p : Outbox())
      if (p.item.item_id() == item_id) out.push_back(p);
    return out;
  }
  int FireAt(absl::Time at) {
    clock_.Set(at);
    auto fired = scheduler_->FireDue();
    EXPECT_TRUE(fired.ok()) << fired.status();
    return fired.value_or(-1);
  }

  void RiskAndSessionOfEveryChildOnTwoReplicas(size_t batch);

  static redis::testing::RedisServer* server_;
  static authorities::AuthorityRegistry* registry_;
  runtime::ManualClock clock_{absl::UnixEpoch()};
  std::unique_ptr<redis::Connection> connection_;
  std::unique_ptr<ItemStore> store_;
  std::unique_ptr<Scheduler> scheduler_;
};
redis::testing::RedisServer* SchedulerTest::server_ = nullptr;
authorities::AuthorityRegistry* SchedulerTest::registry_ = nullptr;

TEST_F(SchedulerTest, PersonalSupervisionStagesFireOnceEachOnTheClock) {
  Join("manager-1", "head-1", absl::CivilDay(2024, 1, 8));
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  const std::string ps = "personal_supervision:worker-1";
  auto item = store_->GetItem("devon", ps);
  ASSERT_TRUE(item.ok()) << item.status();
  // D2: induction weekly: Mon 6 Jan + 7 days = Mon 13 Jan 2025.
  EXPECT_EQ(events::FromTimestamp(item->due_at()), EndOf(2025, 1, 13));
  EXPECT_EQ(item->explanation().rule_id(), "D2");

  // Due soon: 5 working days before Mon 13 Jan is Mon 6 Jan, already begun when planned at
  // noon on 6 Jan, so it fires on the first pass.
  EXPECT_GE(FireAt(Noon(2025, 1, 6)), 1);
  EXPECT_EQ(FireAt(Noon(2025, 1, 6)), 0);  // nothing twice
  FireAt(Start(2025, 1, 13) - absl::Seconds(1));
  FireAt(Start(2025, 1, 13));  // due: start of 13 Jan
  FireAt(Start(2025, 1, 14));  // overdue: the second after 13 Jan 23:59:59
  FireAt(Start(2025, 1, 21) - absl::Seconds(1));
  FireAt(Start(2025, 1, 21));  // escalation: overdue by 5 working days = end of Mon 20 Jan
  FireAt(Start(2025, 3, 1));
  auto events = OutboxFor(ps);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, "oversight.scheduling.v1.ItemDueSoon");
  EXPECT_EQ(events[1].type, "oversight.scheduling.v1.ItemDue");
  EXPECT_EQ(events[2].type, "oversight.scheduling.v1.ItemOverdue");
  EXPECT_EQ(events[3].type, "oversight.scheduling.v1.ItemEscalated");
  EXPECT_EQ(events[3].extra, "head-1");  // the supervisor's line manager
  EXPECT_EQ(events[3].item.escalation_level(), 1);
  EXPECT_TRUE(events[3].item.critical());
  std::set<std::string> ids;
  for (const auto& e : events)
    ids.insert(e.event_id);
  EXPECT_EQ(ids.size(), 4u);
  auto after = store_->GetItem("devon", ps);
  EXPECT_EQ(after->stage(), v1::STAGE_ESCALATED);
}

TEST_F(SchedulerTest, SessionHeldSatisfiesAndRestartsTheClockOnceEvenIfRedelivered) {
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  rec::SessionHeld held;
  held.set_record_id("rec-1");
  held.set_kind(rec::RECORD_KIND_PERSONAL_SUPERVISION);
  held.set_supervisor_id("manager-1");
  held.add_supervisee_ids("worker-1");
  events::ToTimestamp(Noon(2025, 1, 10), held.mutable_held_at());
  auto first = Feed(held, "held-1", Noon(2025, 1, 10));
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = Feed(held, "held-1", Noon(2025, 1, 10));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);

  const std::string ps = "personal_supervision:worker-1";
  auto events = OutboxFor(ps);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "oversight.scheduling.v1.ItemSatisfied");
  EXPECT_EQ(events[0].extra, "held-1");
  EXPECT_EQ(events::FromTimestamp(events[0].item.due_at()), EndOf(2025, 1, 13));
  // D2: from the session on Fri 10 Jan: 17 Jan 2025.
  auto item = store_->GetItem("devon", ps);
  EXPECT_EQ(events::FromTimestamp(item->due_at()), EndOf(2025, 1, 17));
  EXPECT_EQ(item->stage(), v1::STAGE_SCHEDULED);
}

TEST_F(SchedulerTest, RiskRaisedCaseClosedAndLeaverOnTheStoredSchedule) {
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_team_id("team-a");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  alloc.set_risk(common::v1::RISK_LEVEL_STANDARD);
  ASSERT_TRUE(Feed(alloc, "alloc-1", Noon(2025, 3, 3)).ok());
  const std::string cd = "case_discussion:child-1";
  // D9: child in need, standard: 2 months from the allocation on 3 Mar = 3 May 2025.
  EXPECT_EQ(events::FromTimestamp(store_->GetItem("devon", cd)->due_at()), EndOf(2025, 5, 3));
  cases::RiskLevelChanged risk;
  risk.set_child_id("child-1");
  risk.set_risk(common::v1::RISK_LEVEL_HIGH);
  ASSERT_TRUE(Feed(risk, "risk-1", Noon(2025, 3, 20)).ok());
  // D9: high risk: monthly from the allocation: 3 Apr 2025.
  EXPECT_EQ(events::FromTimestamp(store_->GetItem("devon", cd)->due_at()), EndOf(2025, 4, 3));
  auto child = store_->ChildSchedule("devon", "child-1");
  ASSERT_TRUE(child.ok());
  ASSERT_EQ(child->items_size(), 1);
  EXPECT_EQ(child->items(0).supervisor_id(), "manager-1");

  v1::ListDueItemsRequest list;
  list.set_authority_id("devon");
  list.set_supervisor_id("manager-1");
  events::ToTimestamp(Start(2025, 4, 1), list.mutable_window_start());
  events::ToTimestamp(Start(2025, 4, 30), list.mutable_window_end());
  auto due = store_->ListDue(list, Noon(2025, 3, 20));
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->items_size(), 1);
  EXPECT_EQ(due->items(0).item_id(), cd);

  cases::CaseClosed closed;
  closed.set_child_id("child-1");
  ASSERT_TRUE(Feed(closed, "closed-1", Noon(2025, 3, 21)).ok());
  auto events = OutboxFor(cd);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "oversight.scheduling.v1.ItemCancelled");
  EXPECT_EQ(events[0].extra, "case_closed");
  EXPECT_EQ(store_->GetItem("devon", cd).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FireAt(Start(2025, 6, 1)) >= 0, true);
  EXPECT_TRUE(OutboxFor(cd).size() == 1u);  // no timer of the closed case fired

  wf::WorkerLeft left;
  left.set_worker_id("worker-1");
  left.mutable_left_on()->set_year(2025);
  left.mutable_left_on()->set_month(6);
  left.mutable_left_on()->set_day(30);
  ASSERT_TRUE(Feed(left, "left-1", Noon(2025, 6, 30)).ok());
  auto schedule = store_->WorkerSchedule("devon", "worker-1");
  ASSERT_TRUE(schedule.ok());
  EXPECT_EQ(schedule->items_size(), 0);  // not left Children's Services: no retention item
  int cancelled = 0;
  for (const auto& p : Outbox())
    if (p.type == "oversight.scheduling.v1.ItemCancelled" && p.extra == "worker_left") ++cancelled;
  EXPECT_GE(cancelled, 2);  // personal supervision and the new agreement at least
  EXPECT_EQ(connection_->Command({"ZCARD", TimersKey("devon")})->integer(), 0);
}

TEST_F(SchedulerTest, TaskItemsAndTwoReplicasFireEveryStageExactlyOnce) {
  // 300 oversight tasks due on Wed 5 Mar 2025, opened on Mon 3 Mar.
  constexpr int kTasks = 300;
  for (int i = 0; i < kTasks; ++i) {
    trg::TaskOpened opened;
    auto* task = opened.mutable_task();
    task->set_task_id("task-" + std::to_string(i));
    task->set_child_id("child-" + std::to_string(i));
    task->set_owner_id("manager-1");
    task->set_rule_id("D14.4");
    events::ToTimestamp(EndOf(2025, 3, 5), task->mutable_due_at());
    ASSERT_TRUE(Feed(opened, "open-" + std::to_string(i), Noon(2025, 3, 3)).ok());
  }
  auto schedule = store_->ChildSchedule("devon", "child-7");
  ASSERT_EQ(schedule->items_size(), 1);
  EXPECT_EQ(schedule->items(0).kind(), v1::ITEM_KIND_OVERSIGHT_TASK);

  // Two replicas, each with its own connection, fire the same due timers concurrently at
  // several instants; every task must publish due soon (collapsed), due, overdue, escalated once.
  auto second_connection = redis::Connection::Connect(server_->connection_options());
  ASSERT_TRUE(second_connection.ok());
  ItemStore second(**second_connection, std::string(kafka::kScheduleEventsTopic));
  int total = 0;
  for (absl::Time at :
       {Noon(2025, 3, 3), Start(2025, 3, 5), Start(2025, 3, 6), Start(2025, 3, 13)}) {
    int a = 0, b = 0;
    std::thread other([&] { b = second.FireDue("devon", at, 16).value_or(-1000); });
    a = store_->FireDue("devon", at, 16).value_or(-1000);
    other.join();
    total += a + b;
  }
  EXPECT_EQ(total, kTasks * 4);
  std::map<std::string, int> per_item;
  std::set<std::string> ids;
  for (const auto& p : Outbox()) {
    ++per_item[p.item.item_id()];
    ids.insert(p.event_id);
  }
  EXPECT_EQ(per_item.size(), static_cast<size_t>(kTasks));
  for (const auto& [id, n] : per_item)
    EXPECT_EQ(n, 4) << id;
  EXPECT_EQ(ids.size(), static_cast<size_t>(kTasks * 4));
  // The live items by stage follow every claim exactly (oversight_due_items).
  auto counts = store_->CountDueItems("devon");
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->at({"oversight_task", "escalated"}), kTasks);
  for (const char* stage : {"scheduled", "due_soon", "due", "overdue"})
    EXPECT_EQ(counts->at({"oversight_task", stage}), 0) << stage;
  EXPECT_EQ(store_->PendingTimers("devon").value_or(-1), 0);

  trg::TaskCompleted done;
  done.set_task_id("task-7");
  ASSERT_TRUE(Feed(done, "done-7", Start(2025, 3, 14)).ok());
  auto events = OutboxFor("oversight_task:task-7");
  EXPECT_EQ(events.back().type, "oversight.scheduling.v1.ItemSatisfied");
}

// Two events about the same child decided from the same read: the second write is refused
// (ABORTED) instead of overwriting the first one's change.
TEST_F(SchedulerTest, AChangeDecidedFromAStaleReadIsAbortedAndWritesNothing) {
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  ASSERT_TRUE(Feed(alloc, "alloc-1", Noon(2025, 3, 3)).ok());

  // A replica reads the child ...
  ReadVersions stale;
  Subjects subjects;
  subjects.children = {"child-1"};
  auto before = store_->Load("devon", subjects, &stale);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(stale.size(), 1u);
  // ... another one changes it meanwhile (risk raised) ...
  cases::RiskLevelChanged risk;
  risk.set_child_id("child-1");
  risk.set_risk(common::v1::RISK_LEVEL_HIGH);
  ASSERT_TRUE(Feed(risk, "risk-1", Noon(2025, 3, 10)).ok());
  // ... and the first one writes what it decided from its read: refused, nothing written.
  State after = *before;
  after.children["child-1"].facts.last_case_discussion = absl::CivilDay(2025, 3, 7);
  common::v1::EventMeta cause;
  cause.set_event_id("held-stale");
  auto change = store_->ToChange("devon", *registry_->Find("devon"), *before, after, {}, {}, cause,
                                 Noon(2025, 3, 10), stale);
  ASSERT_TRUE(change.ok()) << change.status();
  auto applied = change->Apply(*connection_, "devon", kServiceName, "held-stale");
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kAborted) << applied.status();
  auto now = store_->Load("devon", subjects);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->children["child-1"].facts.risk, policy::RiskLevel::kHigh);
  EXPECT_FALSE(now->children["child-1"].facts.last_case_discussion.has_value());
}

// Two replicas handle, at the same time, a case event (risk raised, case-events topic) and a
// session (supervision-events topic) about each of 200 children, one at a time or in batches of
// `batch`: every child ends with both.
void SchedulerTest::RiskAndSessionOfEveryChildOnTwoReplicas(size_t batch) {
  constexpr int kChildren = 200;
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  auto child = [](int i) { return "child-" + std::to_string(i); };
  for (int i = 0; i < kChildren; ++i) {
    cases::CaseAllocated alloc;
    alloc.set_child_id(child(i));
    alloc.set_worker_id("worker-1");
    alloc.set_team_id("team-a");
    alloc.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
    ASSERT_TRUE(Feed(alloc, "alloc-" + child(i), Noon(2025, 3, 3)).ok());
  }
  auto meta = [](google::protobuf::Message& event, const std::string& id, absl::Time at) {
    auto* m = static_cast<common::v1::EventMeta*>(event.GetReflection()->MutableMessage(
        &event, event.GetDescriptor()->FindFieldByName("meta")));
    m->set_event_id(id);
    m->set_authority_id("devon");
    events::ToTimestamp(at, m->mutable_occurred_at());
  };
  std::vector<cases::RiskLevelChanged> risks(kChildren);
  std::vector<rec::SessionHeld> sessions(kChildren);
  for (int i = 0; i < kChildren; ++i) {
    risks[i].set_child_id(child(i));
    risks[i].set_risk(common::v1::RISK_LEVEL_HIGH);
    meta(risks[i], "risk-" + child(i), Noon(2025, 3, 10));
    sessions[i].set_record_id("rec-" + child(i));
    sessions[i].set_kind(rec::RECORD_KIND_CASE_SUPERVISION);
    sessions[i].set_supervisor_id("manager-1");
    sessions[i].add_supervisee_ids("worker-1");
    sessions[i].add_child_ids(child(i));
    events::ToTimestamp(Noon(2025, 3, 7), sessions[i].mutable_held_at());
    meta(sessions[i], "held-" + child(i), Noon(2025, 3, 7));
  }
  auto other = redis::Connection::Connect(server_->connection_options());
  ASSERT_TRUE(other.ok());
  ItemStore other_store(**other, std::string(kafka::kScheduleEventsTopic));
  Scheduler other_replica(*registry_, other_store, clock_);
  std::vector<absl::Status> failures;
  std::mutex mu;
  auto handle = [&](Scheduler& replica, const auto& events) {
    for (size_t from = 0; from < events.size(); from += batch) {
      std::vector<absl::StatusOr<redis::OutboxResult>> results;
      if (batch == 1) {
        results.push_back(replica.Handle(events[from], events[from].meta()));
      } else {
        std::vector<Scheduler::BatchEvent> chunk;
        for (size_t k = from; k < std::min(events.size(), from + batch); ++k)
          chunk.push_back({&events[k], &events[k].meta()});
        results = replica.HandleBatch(chunk);
      }
      std::lock_guard lock(mu);
      for (const auto& result : results)
        if (!result.ok()) failures.push_back(result.status());
    }
  };
  std::thread case_events([&] { handle(*scheduler_, risks); });
  std::thread supervision_events([&] { handle(other_replica, sessions); });
  case_events.join();
  supervision_events.join();
  for (const auto& failure : failures)
    ADD_FAILURE() << failure;

  // D9: child in need, high risk: monthly from the last discussion, Fri 7 Mar -> 7 Apr 2025.
  // A lost risk change would leave 7 May (2 months), a lost session 3 Apr (from allocation).
  std::map<std::string, int> satisfied;
  for (const auto& p : Outbox())
    if (p.type == "oversight.scheduling.v1.ItemSatisfied") ++satisfied[p.item.item_id()];
  for (int i = 0; i < kChildren; ++i) {
    const std::string cd = "case_discussion:" + child(i);
    auto item = store_->GetItem("devon", cd);
    ASSERT_TRUE(item.ok()) << item.status();
    EXPECT_EQ(events::FromTimestamp(item->due_at()), EndOf(2025, 4, 7)) << cd;
    EXPECT_EQ(satisfied[cd], 1) << cd;  // the session satisfied it once
  }
  auto counts = store_->CountDueItems("devon");
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->at({"case_discussion", "scheduled"}), kChildren);
}

TEST_F(SchedulerTest, ConcurrentEventsAboutTheSameChildLoseNoUpdate) {
  RiskAndSessionOfEveryChildOnTwoReplicas(1);
}

// The same in batches: a change refused because the other replica changed what it read is
// read and decided again with the rest of its batch.
TEST_F(SchedulerTest, ConcurrentBatchesAboutTheSameChildrenLoseNoUpdate) {
  RiskAndSessionOfEveryChildOnTwoReplicas(50);
}

// Escalations go to the supervisor's line manager, read from the supervisor's stored record;
// ids with quotes and backslashes (escaped in the stored JSON) are read back as they were.
TEST_F(SchedulerTest, EscalationTargetsWithEscapedCharactersReadBack) {
  const std::string manager = "manager \"one\"";
  const std::string head = "head\\of\"service";
  Join(manager, head, absl::CivilDay(2024, 1, 8));
  Join("worker-1", manager, absl::CivilDay(2025, 1, 6));
  auto escalate_to = connection_->Command(
      {"HGET", ItemKey("devon", "personal_supervision:worker-1"), "escalate_to"});
  ASSERT_TRUE(escalate_to.ok()) << escalate_to.status();
  EXPECT_EQ(escalate_to->str(), head);
  auto item = store_->GetItem("devon", "personal_supervision:worker-1");
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(item->supervisor_id(), manager);
}

// A consumed record as a producer encodes it (CloudEvents headers, protobuf value).
kafka::ConsumedMessage Consumed(const std::string& topic, google::protobuf::Message& event,
                                const std::string& id, const std::string& subject, absl::Time at) {
  auto* m = static_cast<common::v1::EventMeta*>(event.GetReflection()->MutableMessage(
      &event, event.GetDescriptor()->FindFieldByName("meta")));
  m->set_event_id(id);
  m->set_authority_id("devon");
  m->set_subject(subject);
  events::ToTimestamp(at, m->mutable_occurred_at());
  auto consumed = kafka::testing::AsConsumedEvent(topic, subject, event);
  EXPECT_TRUE(consumed.ok()) << consumed.status();
  return consumed.ok() ? *std::move(consumed) : kafka::ConsumedMessage{};
}

// One batch (kafka.max_batch) holding a redelivered event, the same event twice, a record
// without headers and, twice, one about a child whose stored record is corrupt (dead letters
// mid-batch),
// and several events about the same child and the same worker, each needing the ones before it
// (an allocation, then a session and a risk change on that child, then the worker's supervisor
// change moving the caseload the allocation filled): the outcomes, the schedule events (in
// order) and the items are exactly those of handling the records one at a time.
TEST_F(SchedulerTest, ABatchEndsAsHandlingItsRecordsOneAtATime) {
  std::vector<kafka::ConsumedMessage> batch;
  wf::WorkerJoined join;
  join.set_worker_id("worker-1");
  join.set_supervisor_id("manager-1");
  join.set_team_id("team-a");
  join.mutable_start_date()->set_year(2025);
  join.mutable_start_date()->set_month(1);
  join.mutable_start_date()->set_day(6);
  const auto joined = Consumed(std::string(kafka::kWorkforceEventsTopic), join, "join-worker-1",
                               "worker-1", Noon(2025, 1, 6));
  batch.push_back(joined);  // already handled before the batch: a redelivery
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_team_id("team-a");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  batch.push_back(Consumed(std::string(kafka::kCaseEventsTopic), alloc, "alloc-1", "child-1",
                           Noon(2025, 3, 3)));
  batch.push_back(batch.back());  // the same event twice in one batch
  kafka::ConsumedMessage headless = batch.back();
  headless.headers = kafka::Headers();
  batch.push_back(headless);  // a contract dead letter
  cases::CaseAllocated corrupt = alloc;
  corrupt.set_child_id("child-2");
  batch.push_back(Consumed(std::string(kafka::kCaseEventsTopic), corrupt, "alloc-2", "child-2",
                           Noon(2025, 3, 3)));  // processing_failed: its stored record is broken
  batch.push_back(batch.back());                // and again: dead-lettered again
  rec::SessionHeld held;
  held.set_record_id("rec-1");
  held.set_kind(rec::RECORD_KIND_CASE_SUPERVISION);
  held.set_supervisor_id("manager-1");
  held.add_supervisee_ids("worker-1");
  held.add_child_ids("child-1");
  events::ToTimestamp(Noon(2025, 3, 7), held.mutable_held_at());
  batch.push_back(Consumed(std::string(kafka::kSupervisionEventsTopic), held, "held-1", "child-1",
                           Noon(2025, 3, 7)));
  cases::RiskLevelChanged risk;
  risk.set_child_id("child-1");
  risk.set_risk(common::v1::RISK_LEVEL_HIGH);
  batch.push_back(
      Consumed(std::string(kafka::kCaseEventsTopic), risk, "risk-1", "child-1", Noon(2025, 3, 10)));
  wf::SupervisorChanged changed;
  changed.set_worker_id("worker-1");
  changed.set_supervisor_id("manager-2");
  batch.push_back(Consumed(std::string(kafka::kWorkforceEventsTopic), changed, "sup-1", "worker-1",
                           Noon(2025, 3, 11)));

  struct Run {
    std::vector<kafka::HandlerOutcome> outcomes;
    std::vector<std::string> published;  // type, event id, item, due, supervisor
    std::map<std::string, std::string> items;
  };
  auto run = [&](bool batched) {
    EXPECT_TRUE(connection_->Command({"FLUSHALL"}).ok());
    EXPECT_TRUE(
        connection_
            ->Command({"HSET", "ovs:{devon}:sch:child:child-2", "data", "{not json", "v", "1"})
            .ok());
    EventHandlers handlers(*registry_, *scheduler_);
    clock_.Set(Noon(2025, 3, 11));
    Run r;
    EXPECT_EQ(handlers.Handle(joined).kind, kafka::HandlerOutcome::Kind::kProcessed);
    if (batched) {
      r.outcomes = handlers.HandleBatch(batch);
    } else {
      for (const auto& record : batch)
        r.outcomes.push_back(handlers.Handle(record));
    }
    for (const auto& p : Outbox()) {
      r.published.push_back(absl::StrCat(p.type, " ", p.event_id, " ", p.item.item_id(), " ",
                                         p.item.due_at().seconds(), " ", p.item.supervisor_id()));
    }
    for (const std::string id : {"case_discussion:child-1", "personal_supervision:worker-1",
                                 "new_agreement:worker-1", "record_deadline:rec-1:record"}) {
      auto item = store_->GetItem("devon", id);
      r.items[id] = item.ok() ? absl::StrCat(item->due_at().seconds(), " ", item->supervisor_id())
                              : item.status().ToString();
    }
    return r;
  };
  const Run one_at_a_time = run(false);
  const Run batched = run(true);

  using Kind = kafka::HandlerOutcome::Kind;
  const std::vector<Kind> expected = {Kind::kProcessed,  Kind::kProcessed,  Kind::kProcessed,
                                      Kind::kDeadLetter, Kind::kDeadLetter, Kind::kDeadLetter,
                                      Kind::kProcessed,  Kind::kProcessed,  Kind::kProcessed};
  ASSERT_EQ(batched.outcomes.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(batched.outcomes[i].kind, expected[i]) << i << ": " << batched.outcomes[i].detail;
    EXPECT_EQ(one_at_a_time.outcomes[i].kind, expected[i])
        << i << ": " << one_at_a_time.outcomes[i].detail;
    EXPECT_EQ(batched.outcomes[i].reason, one_at_a_time.outcomes[i].reason) << i;
  }
  EXPECT_EQ(batched.outcomes[4].reason, "processing_failed");
  EXPECT_EQ(batched.outcomes[5].reason, "processing_failed");
  EXPECT_EQ(batched.published, one_at_a_time.published);
  EXPECT_EQ(batched.items, one_at_a_time.items);
  // Each saw the ones before it. D9, child in need, high risk: monthly from the last discussion,
  // Fri 7 Mar -> Mon 7 Apr 2025 (a lost session would leave 3 Apr from the allocation, a lost
  // risk change 7 May); the supervisor change moved the discussion the allocation planned.
  EXPECT_EQ(batched.items.at("case_discussion:child-1"),
            absl::StrCat(absl::ToUnixSeconds(EndOf(2025, 4, 7)), " manager-2"));
  int satisfied = 0;
  for (const auto& line : batched.published) {
    if (line.starts_with("oversight.scheduling.v1.ItemSatisfied") &&
        line.find("case_discussion:child-1") != std::string::npos) {
      ++satisfied;
    }
  }
  EXPECT_EQ(satisfied, 1);  // the session satisfied the discussion once
}

// A record written on a later day comes with its session: recording publishes SessionHeld and
// RecordRecorded together, so one batch opens the D11 record deadline and satisfies it. The
// schedule events are those of handling the two one at a time.
TEST_F(SchedulerTest, ARecordWrittenLaterInTheSameBatchAsItsSessionSatisfiesItsDeadline) {
  rec::SessionHeld held;
  held.set_record_id("rec-late");
  held.set_kind(rec::RECORD_KIND_CASE_SUPERVISION);
  held.set_supervisor_id("manager-1");
  held.add_supervisee_ids("worker-1");
  held.add_child_ids("child-1");
  held.add_child_ids("child-2");
  held.set_team_id("team-a");
  events::ToTimestamp(Noon(2025, 3, 6), held.mutable_held_at());
  rec::RecordRecorded recorded;
  recorded.set_record_id("rec-late");
  recorded.set_kind(rec::RECORD_KIND_CASE_SUPERVISION);
  *recorded.mutable_held_at() = held.held_at();
  const std::string topic(kafka::kSupervisionEventsTopic);
  const std::vector<kafka::ConsumedMessage> batch = {
      Consumed(topic, held, "held-late", "worker-1", Noon(2025, 3, 6)),
      Consumed(topic, recorded, "recorded-late", "worker-1", Noon(2025, 3, 7))};
  auto run = [&](bool batched) {
    EXPECT_TRUE(connection_->Command({"FLUSHALL"}).ok());
    Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
    for (const std::string child : {"child-1", "child-2"}) {
      cases::CaseAllocated alloc;
      alloc.set_child_id(child);
      alloc.set_worker_id("worker-1");
      alloc.set_team_id("team-a");
      alloc.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
      EXPECT_TRUE(Feed(alloc, "alloc-" + child, Noon(2025, 2, 3)).ok());
    }
    EventHandlers handlers(*registry_, *scheduler_);
    clock_.Set(Noon(2025, 3, 7));  // when recording published both
    if (batched) {
      handlers.HandleBatch(batch);
    } else {
      for (const auto& record : batch)
        handlers.Handle(record);
    }
    std::vector<std::string> published;
    for (const auto& p : Outbox()) {
      if (p.item.item_id().starts_with("record_deadline:")) {
        published.push_back(absl::StrCat(p.type, " ", p.item.item_id(), " ", p.extra));
      }
    }
    return published;
  };
  const auto one_at_a_time = run(false);
  const auto batched = run(true);
  EXPECT_EQ(one_at_a_time,
            (std::vector<std::string>{"oversight.scheduling.v1.ItemSatisfied "
                                      "record_deadline:rec-late:record recorded-late"}));
  EXPECT_EQ(batched, one_at_a_time);
}

// Once a record must be retried (here Redis is down), every later record of the batch is retried
// too, even one that alone would be a dead letter, so the order of the partition holds; a
// dead letter before it stays one.
TEST_F(SchedulerTest, RecordsAfterOneToRetryInABatchAreRetriedToo) {
  auto down = redis::testing::RedisServer::Launch();
  ASSERT_TRUE(down.ok()) << down.status();
  auto connection = redis::Connection::Connect((*down)->connection_options());
  ASSERT_TRUE(connection.ok()) << connection.status();
  ItemStore store(**connection, std::string(kafka::kScheduleEventsTopic));
  Scheduler scheduler(*registry_, store, clock_);
  EventHandlers handlers(*registry_, scheduler);
  ASSERT_TRUE((*down)->Stop().ok());

  cases::RiskLevelChanged risk;
  risk.set_child_id("child-1");
  risk.set_risk(common::v1::RISK_LEVEL_HIGH);
  const auto valid =
      Consumed(std::string(kafka::kCaseEventsTopic), risk, "risk-1", "child-1", Noon(2025, 3, 10));
  kafka::ConsumedMessage headless = valid;
  headless.headers = kafka::Headers();
  const auto outcomes = handlers.HandleBatch({headless, valid, headless});
  using Kind = kafka::HandlerOutcome::Kind;
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].kind, Kind::kDeadLetter);
  EXPECT_EQ(outcomes[1].kind, Kind::kRetryLater) << outcomes[1].detail;
  EXPECT_EQ(outcomes[2].kind, Kind::kRetryLater) << outcomes[2].detail;
}

// The value of one series in a registry ("" labels not listed must match too); -1 if absent.
double Sample(prometheus::Registry& registry, const std::string& name,
              const std::map<std::string, std::string>& labels, const std::string& part = "") {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& l : metric.label)
        got[l.name] = l.value;
      if (got != labels) continue;
      if (part == "count") return static_cast<double>(metric.histogram.sample_count);
      if (part == "sum") return metric.histogram.sample_sum;
      return family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                            : metric.gauge.value;
    }
  }
  return -1;
}

TEST_F(SchedulerTest, MetricsFollowTheTimersOnTheInjectedClock) {
  prometheus::Registry registry;
  SchedulingProbe probe(registry, {"devon"});
  Scheduler scheduler(*registry_, *store_, clock_, &probe);
  // Before anything: every series exists at zero.
  EXPECT_EQ(Sample(registry, "oversight_timers_pending", {{"authority", "devon"}}), 0);
  EXPECT_EQ(
      Sample(registry, "oversight_due_items",
             {{"authority", "devon"}, {"kind", "personal_supervision"}, {"stage", "overdue"}}),
      0);
  EXPECT_EQ(Sample(registry, "oversight_timers_fired_total",
                   {{"authority", "devon"}, {"stage", "escalated"}}),
            0);

  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  // D2: due Mon 13 Jan 2025. Due soon (5 working days before: Mon 6 Jan, 00:00) had passed
  // when the item was planned at noon: it fires at once, 0 s late (not late before it existed).
  clock_.Set(Noon(2025, 1, 6));
  ASSERT_TRUE(scheduler.FireDue().ok());
  // Due (the start of 13 Jan) fires 90 s late on the clock.
  clock_.Set(Start(2025, 1, 13) + absl::Seconds(90));
  ASSERT_TRUE(scheduler.FireDue().ok());
  // The pass covered every stage due up to the clock's instant.
  EXPECT_EQ(Sample(registry, "oversight_timers_checked_until_seconds", {}),
            absl::ToDoubleSeconds(Start(2025, 1, 13) + absl::Seconds(90) - absl::UnixEpoch()));
  const std::map<std::string, std::string> devon = {{"authority", "devon"}};
  EXPECT_EQ(Sample(registry, "oversight_timer_fire_delay_seconds", devon, "count"), 2);
  EXPECT_EQ(Sample(registry, "oversight_timer_fire_delay_seconds", devon, "sum"), 90);
  EXPECT_EQ(Sample(registry, "oversight_timers_fired_total",
                   {{"authority", "devon"}, {"stage", "due_soon"}}),
            1);
  EXPECT_EQ(
      Sample(registry, "oversight_timers_fired_total", {{"authority", "devon"}, {"stage", "due"}}),
      1);
  EXPECT_EQ(Sample(registry, "oversight_due_items",
                   {{"authority", "devon"}, {"kind", "personal_supervision"}, {"stage", "due"}}),
            1);
  EXPECT_EQ(
      Sample(registry, "oversight_due_items",
             {{"authority", "devon"}, {"kind", "personal_supervision"}, {"stage", "due_soon"}}),
      0);
  // Every live item has a pending timer: the worker's and team-a's group supervision (D17).
  auto items = store_->WorkerSchedule("devon", "worker-1");
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(Sample(registry, "oversight_timers_pending", devon), items->items_size() + 1);
}

// Consumers require meta.subject (SYSTEM.md envelope): every stage of every item kind names one,
// the team for group supervision (D17), which has neither a child nor a worker.
TEST_F(SchedulerTest, EveryScheduleEventNamesItsSubject) {
  Join("manager-1", "head-1", absl::CivilDay(2024, 1, 8));
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  FireAt(Start(2025, 6, 1));
  int group = 0;
  const auto events = Outbox();
  ASSERT_FALSE(events.empty());
  for (const Published& p : events) {
    EXPECT_FALSE(p.subject.empty()) << p.type << " " << p.item.item_id();
    EXPECT_EQ(p.key, p.subject) << p.item.item_id();
    if (p.item.kind() == v1::ITEM_KIND_GROUP_SUPERVISION) {
      ++group;
      EXPECT_EQ(p.subject, "team-a");
    }
  }
  EXPECT_GT(group, 0);
}

// Go-live (policy.live_from = 2025-04-01): a caseload loaded on day one is not overdue for years.
TEST_F(SchedulerTest, FirstDatesCountFromGoLive) {
  auto live =
      authorities::AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(),
                                           {"devon"}, {{"devon", absl::CivilDay(2025, 4, 1)}});
  ASSERT_TRUE(live.ok()) << live.status();
  Scheduler scheduler(**live, *store_, clock_);
  auto feed = [&](auto event, const std::string& id, absl::Time at) {
    event.mutable_meta()->set_event_id(id);
    event.mutable_meta()->set_authority_id("devon");
    events::ToTimestamp(at, event.mutable_meta()->mutable_occurred_at());
    clock_.Set(Noon(2025, 4, 1));
    ASSERT_TRUE(scheduler.Handle(event, event.meta()).ok());
  };
  wf::WorkerJoined joined;  // started in 2019, loaded with the HR history
  joined.set_worker_id("worker-1");
  joined.set_supervisor_id("manager-1");
  joined.mutable_start_date()->set_year(2019);
  joined.mutable_start_date()->set_month(1);
  joined.mutable_start_date()->set_day(7);
  feed(joined, "join-1", Noon(2019, 1, 7));
  cases::CaseAllocated alloc;  // allocated in 2023, from the statutory returns
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_PROTECTION);
  feed(alloc, "alloc-1", Noon(2023, 5, 2));

  // D1 monthly and D9 child protection monthly, from Tue 1 Apr 2025: Thu 1 May 2025.
  auto ps = store_->GetItem("devon", "personal_supervision:worker-1");
  ASSERT_TRUE(ps.ok()) << ps.status();
  EXPECT_EQ(events::FromTimestamp(ps->due_at()), EndOf(2025, 5, 1));
  EXPECT_EQ(ps->explanation().rule_id(), "D1");
  EXPECT_EQ(ps->explanation().facts().at("counted_from_go_live"), "2025-04-01");
  auto cd = store_->GetItem("devon", "case_discussion:child-1");
  ASSERT_TRUE(cd.ok()) << cd.status();
  EXPECT_EQ(events::FromTimestamp(cd->due_at()), EndOf(2025, 5, 1));
  // D18: the annual appraisal from go-live, 1 Apr 2026.
  EXPECT_EQ(events::FromTimestamp(store_->GetItem("devon", "appraisal:worker-1")->due_at()),
            EndOf(2026, 4, 1));
}

// The team record keeps who joined first across events (it is stored): a manager's join
// handled after their practitioner's, though it happened first, takes the team over.
TEST_F(SchedulerTest, GroupSupervisionGoesToTheFirstJoinersSupervisorWhenJoinsArriveLate) {
  wf::WorkerJoined practitioner;
  practitioner.set_worker_id("worker-1");
  practitioner.set_supervisor_id("manager-1");
  practitioner.set_team_id("team-a");
  ASSERT_TRUE(Feed(practitioner, "join-worker-1", Noon(2025, 6, 3)).ok());
  auto before = store_->GetItem("devon", "group_supervision:team-a");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->supervisor_id(), "manager-1");
  EXPECT_EQ(events::FromTimestamp(before->due_at()), EndOf(2025, 7, 3));

  wf::WorkerJoined manager;  // joined the day before, handled now
  manager.set_worker_id("manager-1");
  manager.set_supervisor_id("head-1");
  manager.set_team_id("team-a");
  ASSERT_TRUE(Feed(manager, "join-manager-1", Noon(2025, 6, 2)).ok());
  auto after = store_->GetItem("devon", "group_supervision:team-a");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->supervisor_id(), "head-1");
  // D17: a month from the team's start, Mon 2 Jun 2025: Wed 2 Jul 2025.
  EXPECT_EQ(events::FromTimestamp(after->due_at()), EndOf(2025, 7, 2));
}

TEST_F(SchedulerTest, TimersThatFellDueWhileDownFireOnceOnStart) {
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  Join("worker-2", "manager-1", absl::CivilDay(2025, 1, 6));
  // The service was down from 6 Jan to 15 Jan: a fresh scheduler on a new connection (a
  // restarted replica) fires what fell due, once: overdue is the latest stage passed.
  auto fresh_connection = redis::Connection::Connect(server_->connection_options());
  ASSERT_TRUE(fresh_connection.ok());
  ItemStore fresh_store(**fresh_connection, std::string(kafka::kScheduleEventsTopic));
  runtime::ManualClock later(Noon(2025, 1, 15));
  Scheduler restarted(*registry_, fresh_store, later);
  auto fired = restarted.FireDue();
  ASSERT_TRUE(fired.ok()) << fired.status();
  auto again = restarted.FireDue();
  EXPECT_EQ(*again, 0);
  for (const std::string w : {"worker-1", "worker-2"}) {
    auto events = OutboxFor("personal_supervision:" + w);
    ASSERT_EQ(events.size(), 1u) << w;
    EXPECT_EQ(events[0].type, "oversight.scheduling.v1.ItemOverdue");
  }
}

TEST_F(SchedulerTest, CaseSupervisionRecordDeadlineIsSatisfiedWhenRecorded) {
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  rec::SessionHeld held;
  held.set_record_id("rec-7");
  held.set_kind(rec::RECORD_KIND_CASE_SUPERVISION);
  held.set_supervisor_id("manager-1");
  held.add_supervisee_ids("worker-1");
  held.add_child_ids("child-1");
  events::ToTimestamp(Noon(2025, 3, 6), held.mutable_held_at());  // Thursday
  ASSERT_TRUE(Feed(held, "held-7", Noon(2025, 3, 6)).ok());
  const std::string record = "record_deadline:rec-7:record";
  auto item = store_->GetItem("devon", record);
  ASSERT_TRUE(item.ok()) << item.status();
  // D11: recorded within 3 working days of Thu 6 Mar: Fri 7, Mon 10, Tue 11 Mar 2025.
  EXPECT_EQ(events::FromTimestamp(item->due_at()), EndOf(2025, 3, 11));
  EXPECT_EQ(item->explanation().rule_id(), "D11");
  EXPECT_EQ(item->supervisor_id(), "manager-1");

  rec::RecordRecorded recorded;
  recorded.set_record_id("rec-7");
  ASSERT_TRUE(Feed(recorded, "recorded-7", Noon(2025, 3, 10)).ok());
  auto events = OutboxFor(record);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "oversight.scheduling.v1.ItemSatisfied");
  EXPECT_EQ(events.back().extra, "recorded-7");
  EXPECT_EQ(store_->GetItem("devon", record).status().code(), absl::StatusCode::kNotFound);
}

// Monthly figures (the demo charts on-time rates per team and month): each item counts in the
// month of its due date only; cancelled items count only when they were missed. D9 (Devon):
// child protection monthly, child in need (standard) every 2 months, from the allocation or the
// last case discussion.
TEST_F(SchedulerTest, ComplianceByMonthCountsEachDueDateOnceAndMissedCancellationsAsLate) {
  auto allocate = [&](const std::string& child, const std::string& worker, const std::string& team,
                      common::v1::CaseType type, absl::Time at) {
    cases::CaseAllocated alloc;
    alloc.set_child_id(child);
    alloc.set_worker_id(worker);
    alloc.set_team_id(team);
    alloc.set_case_type(type);
    ASSERT_TRUE(Feed(alloc, "alloc-" + child, at).ok());
  };
  auto discuss = [&](const std::string& child, const std::string& worker, absl::Time at) {
    rec::SessionHeld held;
    held.set_record_id(absl::StrCat("rec-", child, "-", absl::ToUnixSeconds(at)));
    held.set_kind(rec::RECORD_KIND_CASE_SUPERVISION);
    held.set_supervisor_id("manager-1");
    held.add_supervisee_ids(worker);
    held.add_child_ids(child);
    events::ToTimestamp(at, held.mutable_held_at());
    ASSERT_TRUE(Feed(held, held.record_id(), at).ok());
  };
  auto close = [&](const std::string& child, absl::Time at) {
    cases::CaseClosed closed;
    closed.set_child_id(child);
    ASSERT_TRUE(Feed(closed, "closed-" + child, at).ok());
  };
  const auto cp = common::v1::CASE_TYPE_CHILD_PROTECTION;
  // child-1 (team-a): CP from Mon 2 Dec 2024 -> due Thu 2 Jan 2025; discussed Mon 30 Dec (on
  // time) -> due Thu 30 Jan; discussed Mon 3 Feb (late) -> due Mon 3 Mar.
  allocate("child-1", "worker-1", "team-a", cp, Noon(2024, 12, 2));
  discuss("child-1", "worker-1", Noon(2024, 12, 30));
  discuss("child-1", "worker-1", Noon(2025, 2, 3));
  // child-2 (team-a): CP from 2 Dec 2024 -> due 2 Jan 2025, never discussed: open, overdue.
  allocate("child-2", "worker-2", "team-a", cp, Noon(2024, 12, 2));
  // child-3 (team-b): CP from Mon 9 Dec 2024 -> due Thu 9 Jan 2025; closed Wed 15 Jan, after
  // the deadline: it was due and missed.
  allocate("child-3", "worker-3", "team-b", cp, Noon(2024, 12, 9));
  close("child-3", Noon(2025, 1, 15));
  // child-4 (team-b): CP from Mon 20 Jan -> due Thu 20 Feb; closed Mon 10 Feb, before it was
  // due: it counts nowhere.
  allocate("child-4", "worker-3", "team-b", cp, Noon(2025, 1, 20));
  close("child-4", Noon(2025, 2, 10));
  // child-5 (team-a): child in need from 2 Dec 2024 -> due Sun 2 Feb 2025; discussed Fri 31 Jan
  // (on time) -> due Mon 31 Mar.
  allocate("child-5", "worker-1", "team-a", common::v1::CASE_TYPE_CHILD_IN_NEED, Noon(2024, 12, 2));
  discuss("child-5", "worker-1", Noon(2025, 1, 31));

  auto month = [&](int m, const std::string& team = "") {
    v1::ComplianceRequest request;
    request.set_authority_id("devon");
    request.set_team_id(team);
    events::ToTimestamp(Start(2025, m, 1), request.mutable_period_start());
    events::ToTimestamp(Start(2025, m + 1, 1), request.mutable_period_end());
    auto figures = store_->Compliance(request, Noon(2025, 3, 15));
    EXPECT_TRUE(figures.ok()) << figures.status();
    return figures.value_or(v1::ComplianceResponse());
  };
  auto scope = [](const auto& list, const std::string& id) {
    for (const auto& f : list)
      if (f.scope_id() == id) return f;
    return v1::ComplianceFigures();
  };
  // January: child-1 on 2 Jan (on time) and 30 Jan (late), child-2 on 2 Jan (open, overdue),
  // child-3 on 9 Jan (missed): 4 due, 1 on time. Each session's record is due within 3
  // working days (D11), none was recorded: the one of Mon 30 Dec was due Fri 3 Jan (Wed 1 Jan
  // is New Year's Day) and is open, overdue.
  const auto january = month(1);
  EXPECT_EQ(january.total().case_discussions_due(), 4);
  EXPECT_EQ(january.total().case_discussions_on_time(), 1);
  EXPECT_EQ(january.total().records_due(), 1);
  EXPECT_EQ(january.total().records_on_time(), 0);
  EXPECT_EQ(january.total().open_overdue(), 2);
  EXPECT_EQ(scope(january.teams(), "team-a").case_discussions_due(), 3);
  EXPECT_EQ(scope(january.teams(), "team-a").case_discussions_on_time(), 1);
  EXPECT_EQ(scope(january.teams(), "team-a").open_overdue(), 1);
  EXPECT_EQ(scope(january.teams(), "team-b").case_discussions_due(), 1);
  EXPECT_EQ(scope(january.teams(), "team-b").case_discussions_on_time(), 0);
  EXPECT_EQ(scope(january.workers(), "worker-1").case_discussions_due(), 2);
  EXPECT_EQ(scope(january.workers(), "worker-2").open_overdue(), 1);
  // February: only child-5's 2 Feb (on time); child-4's 20 Feb was cancelled before it was due.
  // Records: the sessions of Fri 31 Jan (due Wed 5 Feb) and Mon 3 Feb (due Thu 6 Feb), open.
  const auto february = month(2);
  EXPECT_EQ(february.total().case_discussions_due(), 1);
  EXPECT_EQ(february.total().case_discussions_on_time(), 1);
  EXPECT_EQ(february.total().records_due(), 2);
  EXPECT_EQ(february.total().open_overdue(), 2);
  EXPECT_EQ(month(2, "team-b").total().case_discussions_due(), 0);
  // March: child-1's 3 Mar is past on 15 Mar and open; child-5's 31 Mar is not due yet.
  EXPECT_EQ(month(3).total().case_discussions_due(), 1);
  EXPECT_EQ(month(3).total().open_overdue(), 1);

  // The end is exclusive: a period ending at the deadline instant leaves it out.
  v1::ComplianceRequest upto;
  upto.set_authority_id("devon");
  events::ToTimestamp(Start(2025, 1, 1), upto.mutable_period_start());
  events::ToTimestamp(EndOf(2025, 1, 2), upto.mutable_period_end());
  EXPECT_EQ(store_->Compliance(upto, Noon(2025, 3, 15))->total().case_discussions_due(), 0);
  events::ToTimestamp(EndOf(2025, 1, 2) + absl::Seconds(1), upto.mutable_period_end());
  EXPECT_EQ(store_->Compliance(upto, Noon(2025, 3, 15))->total().case_discussions_due(), 2);
}

TEST_F(SchedulerTest, ComplianceHistoryIsTrimmedToItsHorizon) {
  ItemStore short_memory(*connection_, std::string(kafka::kScheduleEventsTopic),
                         absl::Hours(24 * 90));
  Scheduler scheduler(*registry_, short_memory, clock_);
  auto feed = [&](auto event, const std::string& id, absl::Time at) {
    event.mutable_meta()->set_event_id(id);
    event.mutable_meta()->set_authority_id("devon");
    events::ToTimestamp(at, event.mutable_meta()->mutable_occurred_at());
    clock_.Set(at);
    ASSERT_TRUE(scheduler.Handle(event, event.meta()).ok());
  };
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_PROTECTION);
  feed(alloc, "alloc-1", Noon(2025, 1, 6));
  rec::SessionHeld held;
  held.set_kind(rec::RECORD_KIND_CASE_SUPERVISION);
  held.add_child_ids("child-1");
  // D9, child protection monthly: the sessions satisfy the items due 6 Feb (on time), 20 Feb
  // (on time) and 15 Mar (late, on 10 Jun). On 10 Jun, 90 days back is 12 Mar: the first two
  // entries are trimmed, the third stays.
  held.set_record_id("rec-1");
  feed(held, "held-1", Noon(2025, 1, 20));
  held.set_record_id("rec-2");
  feed(held, "held-2", Noon(2025, 2, 15));
  held.set_record_id("rec-3");
  feed(held, "held-3", Noon(2025, 6, 10));
  auto history = connection_->Command({"ZRANGE", "ovs:{devon}:sch:history", "0", "-1"});
  ASSERT_TRUE(history.ok());
  std::vector<std::string> kept;
  for (const auto& entry : history->elements())
    if (entry.str().starts_with("case_discussion:")) kept.push_back(entry.str());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_NE(kept[0].find("held-3"), std::string::npos) << kept[0];
}

TEST_F(SchedulerTest, ComplianceCountsOnTimeSessionsAndOpenOverdueItems) {
  Join("worker-1", "manager-1", absl::CivilDay(2025, 1, 6));
  Join("worker-2", "manager-1", absl::CivilDay(2025, 1, 6));
  rec::SessionHeld held;  // worker-1 supervised on Fri 10 Jan, before the 13 Jan deadline (D2)
  held.set_record_id("rec-ps");
  held.set_kind(rec::RECORD_KIND_PERSONAL_SUPERVISION);
  held.set_supervisor_id("manager-1");
  held.add_supervisee_ids("worker-1");
  events::ToTimestamp(Noon(2025, 1, 10), held.mutable_held_at());
  ASSERT_TRUE(Feed(held, "held-ps", Noon(2025, 1, 10)).ok());

  v1::ComplianceRequest request;
  request.set_authority_id("devon");
  request.set_team_id("team-a");
  events::ToTimestamp(Start(2025, 1, 1), request.mutable_period_start());
  events::ToTimestamp(Start(2025, 1, 15), request.mutable_period_end());
  auto figures = store_->Compliance(request, Noon(2025, 1, 15));
  ASSERT_TRUE(figures.ok()) << figures.status();
  // Two sessions were due on 13 Jan: worker-1's held on time, worker-2's still open and overdue.
  EXPECT_EQ(figures->total().sessions_due(), 2);
  EXPECT_EQ(figures->total().sessions_on_time(), 1);
  EXPECT_EQ(figures->total().open_overdue(), 1);
  ASSERT_EQ(figures->workers_size(), 2);
  EXPECT_EQ(figures->workers(0).scope_id(), "worker-1");
  EXPECT_EQ(figures->workers(0).sessions_on_time(), 1);
  EXPECT_EQ(figures->workers(1).scope_id(), "worker-2");
  EXPECT_EQ(figures->workers(1).open_overdue(), 1);
  ASSERT_EQ(figures->teams_size(), 1);
  EXPECT_EQ(figures->teams(0).sessions_due(), 2);
}

}  // namespace
}  // namespace oversight::scheduling
