// EventHandler::HandleBatch against a real redis-server: a batch leaves exactly the state and
// outbox that handling its records one by one leaves, with the same outcome per record.
#include <map>
#include <string>
#include <vector>

#include "notifications_fixture.h"
#include "oversight/events/inbound.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::notifications::testing {
namespace {

namespace sch = ::oversight::scheduling::v1;
using kafka::HandlerOutcome;

class BatchTest : public NotificationsFixture {
 protected:
  // Every key but the outbox stream, with its content in a comparable form.
  std::map<std::string, std::string> State() {
    std::map<std::string, std::string> state;
    auto keys = connection_->Command({"KEYS", "*"});
    EXPECT_TRUE(keys.ok());
    const std::string outbox = redis::OutboxKey("devon", kServiceName);
    for (const auto& key : keys->elements()) {
      if (key.str() == outbox) continue;
      auto type = connection_->Command({"TYPE", key.str()});
      EXPECT_TRUE(type.ok());
      std::vector<std::string> read;
      if (type->str() == "string") read = {"GET", key.str()};
      if (type->str() == "hash") read = {"HGETALL", key.str()};
      if (type->str() == "zset") read = {"ZRANGE", key.str(), "0", "-1", "WITHSCORES"};
      EXPECT_FALSE(read.empty()) << key.str() << " is a " << type->str();
      if (read.empty()) continue;
      auto value = connection_->Command(read);
      EXPECT_TRUE(value.ok());
      std::string text;
      if (value->is_string()) text = value->str();
      std::vector<std::string> elements;
      for (const auto& e : value->elements())
        elements.push_back(e.str());
      if (type->str() == "hash") std::sort(elements.begin(), elements.end());  // field order
      for (const auto& e : elements)
        text += e + "\n";
      state[key.str()] = text;
    }
    return state;
  }

  // The outbox records in order (topic, key, value), without their stream ids.
  std::vector<std::string> OutboxRecords() {
    std::vector<std::string> out;
    const std::string key = redis::OutboxKey("devon", kServiceName);
    auto entries = connection_->Command({"XRANGE", key, "-", "+"});
    EXPECT_TRUE(entries.ok());
    for (const auto& entry : entries->elements()) {
      auto record = redis::ParseOutboxEntry(key, entry);
      EXPECT_TRUE(record.ok());
      if (record.ok()) out.push_back(record->topic + "|" + record->key + "|" + record->value);
    }
    return out;
  }

  void Reset() {
    ASSERT_TRUE(connection_->Command({"FLUSHALL"}).ok());
    JoinTeam();
  }

  // The batch of the tests: an event applied before (redelivered), an event twice, a record
  // without an authority (a dead letter) in the middle, worker-1 and manager-1 told about two
  // items each, and manager-1 renamed before the task they are told about (the greeting of
  // that one uses the new name).
  std::vector<kafka::ConsumedMessage> Batch() {
    const absl::Time due = Utc(2026, 12, 4, 23, 59);
    const auto observation = Item(sch::ITEM_KIND_OBSERVATION, "observation:worker-1", due);
    const auto supervision = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "ps:worker-1", due);
    triggers::v1::TaskOpened opened;
    *opened.mutable_meta() = Meta("task-opened-1");
    opened.mutable_meta()->set_subject("child-1");
    opened.mutable_task()->set_task_id("task-1");
    opened.mutable_task()->set_owner_id("manager-1");
    opened.mutable_task()->set_child_id("child-1");
    opened.mutable_task()->set_worker_id("worker-1");
    opened.mutable_task()->set_rule_id("D14.4");
    events::ToTimestamp(due, opened.mutable_task()->mutable_due_at());
    workforce::v1::ContactDetailsChanged renamed;
    *renamed.mutable_meta() = Meta("renamed-manager-1");
    renamed.mutable_meta()->set_subject("manager-1");
    renamed.set_worker_id("manager-1");
    renamed.set_display_name("Morgan Manager");
    auto headless = StageEvent<sch::ItemDue>(supervision, "no-authority");
    headless.mutable_meta()->clear_authority_id();
    return {Record(StageEvent<sch::ItemDueSoon>(observation, "applied-before")),
            Record(StageEvent<sch::ItemDue>(observation, "due-1")),
            Record(StageEvent<sch::ItemDue>(observation, "due-1")),
            Record(headless),
            Record(StageEvent<sch::ItemDue>(supervision, "due-2")),
            Record(renamed),
            Record(opened),
            Record(StageEvent<sch::ItemSatisfied>(supervision, "satisfied-2"))};
  }
};

TEST_F(BatchTest, ABatchLeavesWhatRecordByRecordHandlingLeaves) {
  const auto records = Batch();

  // Record by record, as the handler ran before batches.
  Reset();
  ASSERT_EQ(handler_->Handle(records[0]).kind, HandlerOutcome::Kind::kProcessed);
  std::vector<HandlerOutcome> one_by_one;
  for (size_t i = 1; i < records.size(); ++i)
    one_by_one.push_back(handler_->Handle(records[i]));
  const auto state_one_by_one = State();
  const auto outbox_one_by_one = OutboxRecords();

  // The same records after the first in one batch.
  Reset();
  ASSERT_EQ(handler_->Handle(records[0]).kind, HandlerOutcome::Kind::kProcessed);
  std::vector<kafka::ConsumedMessage> batch(records.begin(), records.end());
  const auto outcomes = handler_->HandleBatch(batch);
  ASSERT_EQ(outcomes.size(), records.size());

  // The redelivered event and the copy of due-1 do nothing; the record without an authority is
  // dead-lettered with its reason and the records after it are handled.
  EXPECT_EQ(outcomes[0].kind, HandlerOutcome::Kind::kProcessed);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(outcomes[i].kind, one_by_one[i - 1].kind) << i;
    EXPECT_EQ(outcomes[i].reason, one_by_one[i - 1].reason) << i;
  }
  EXPECT_EQ(outcomes[3].kind, HandlerOutcome::Kind::kDeadLetter);
  EXPECT_EQ(outcomes[3].reason, events::kReasonMissingField);
  for (size_t i : {1, 2, 4, 5, 6, 7})
    EXPECT_EQ(outcomes[i].kind, HandlerOutcome::Kind::kProcessed) << i;

  EXPECT_EQ(State(), state_one_by_one);
  EXPECT_EQ(OutboxRecords(), outbox_one_by_one);

  // What that state is: manager-1 told of the observation (twice: due soon, then due), the
  // supervision and the task; worker-1 of the observation (twice) and the supervision. One
  // in-app NotificationSent each; the supervision's occurrence is closed.
  auto inbox = [&](const std::string& who) {
    auto count = connection_->Command({"ZCARD", InboxKey("devon", who)});
    EXPECT_TRUE(count.ok());
    return count->integer();
  };
  EXPECT_EQ(inbox("manager-1"), 4);
  EXPECT_EQ(inbox("worker-1"), 3);
  EXPECT_EQ(Outbox<v1::NotificationSent>("oversight.notifications.v1.NotificationSent").size(), 7u);
  auto closed = connection_->Command(
      {"EXISTS", ClosedKey("devon", OccurrenceOf(Item(sch::ITEM_KIND_PERSONAL_SUPERVISION,
                                                      "ps:worker-1", Utc(2026, 12, 4, 23, 59))))});
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->integer(), 1);
  const auto task_notification =
      store_->Get("devon", events::DeriveId({"devon", "task-1", "opened", "manager-1"}));
  ASSERT_TRUE(task_notification.ok()) << task_notification.status();
  EXPECT_EQ(task_notification->recipient_name(), "Morgan Manager");

  // Stored with its body and without the renderings of it; read back (and published) with both.
  auto raw =
      connection_->Command({"GET", NotificationKey("devon", task_notification->notification_id())});
  ASSERT_TRUE(raw.ok() && raw->is_string());
  v1::Notification stored;
  ASSERT_TRUE(stored.ParseFromString(raw->str()));
  EXPECT_TRUE(stored.has_body());
  EXPECT_TRUE(stored.body_text().empty());
  EXPECT_TRUE(stored.body_html().empty());
  EXPECT_FALSE(task_notification->has_body());
  EXPECT_NE(task_notification->body_text().find("Hello Morgan Manager,"), std::string::npos);
  EXPECT_NE(task_notification->body_html().find("child-1"), std::string::npos);
  int published = 0;
  for (const auto& sent :
       Outbox<v1::NotificationSent>("oversight.notifications.v1.NotificationSent")) {
    EXPECT_FALSE(sent.notification().has_body());
    if (sent.notification().notification_id() != task_notification->notification_id()) continue;
    ++published;
    EXPECT_EQ(sent.notification().body_text(), task_notification->body_text());
    EXPECT_EQ(sent.notification().body_html(), task_notification->body_html());
  }
  EXPECT_EQ(published, 1);
}

TEST_F(BatchTest, TheSameBatchDeliveredAgainChangesNothing) {
  Reset();
  const auto records = Batch();
  handler_->HandleBatch(records);
  const auto state = State();
  const auto outbox = OutboxRecords();
  const auto again = handler_->HandleBatch(records);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(again[i].kind,
              i == 3 ? HandlerOutcome::Kind::kDeadLetter : HandlerOutcome::Kind::kProcessed)
        << i;
  }
  EXPECT_EQ(State(), state);
  EXPECT_EQ(OutboxRecords(), outbox);
}

TEST_F(BatchTest, AChangeRedisRefusesIsADeadLetterAndTheRestOfTheBatchIsApplied) {
  Reset();
  // worker-1's inbox is not a sorted set: the change telling worker-1 is refused by Redis.
  ASSERT_TRUE(
      connection_->Command({"SET", InboxKey("devon", "worker-1"), "not a sorted set"}).ok());
  const auto records = Batch();
  const auto outcomes = handler_->HandleBatch({records[1], records[6]});  // due-1, task-opened-1
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].kind, HandlerOutcome::Kind::kDeadLetter);
  EXPECT_EQ(outcomes[0].reason, "processing_failed");
  EXPECT_NE(outcomes[0].detail.find("WRONGTYPE"), std::string::npos) << outcomes[0].detail;
  EXPECT_EQ(outcomes[1].kind, HandlerOutcome::Kind::kProcessed);
  const auto task_notification =
      store_->Get("devon", events::DeriveId({"devon", "task-1", "opened", "manager-1"}));
  EXPECT_TRUE(task_notification.ok()) << task_notification.status();
}

TEST_F(BatchTest, WithRedisDownTheFirstRecordThatNeedsItAndEveryLaterOneAreRetried) {
  auto own = redis::testing::RedisServer::Launch();
  ASSERT_TRUE(own.ok()) << own.status();
  auto handle = [&](const std::vector<kafka::ConsumedMessage>& batch) {
    auto connection = redis::Connection::Connect((*own)->connection_options());
    auto link = connection.ok() ? std::move(*connection)
                                : std::make_unique<redis::Connection>((*own)->connection_options());
    NotificationStore store(*link, kTopic);
    EventHandler handler(*registry_, store, *link, clock_,
                         HandlerSettings{render_, {}, {true, true}});
    return handler.HandleBatch(batch);
  };
  const auto records = Batch();
  // The record without an authority, due-1, the rename of manager-1, the first record again.
  const std::vector<kafka::ConsumedMessage> batch = {records[3], records[1], records[5],
                                                     records[3]};
  ASSERT_TRUE((*own)->Stop().ok());
  auto outcomes = handle(batch);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].kind, HandlerOutcome::Kind::kDeadLetter);  // needs no Redis
  for (size_t i = 1; i < outcomes.size(); ++i)
    EXPECT_EQ(outcomes[i].kind, HandlerOutcome::Kind::kRetryLater) << i;

  // Redelivered from the first retried record once Redis is back: each is handled.
  ASSERT_TRUE((*own)->Start().ok());
  outcomes = handle({batch.begin() + 1, batch.end()});
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0].kind, HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(outcomes[1].kind, HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(outcomes[2].kind, HandlerOutcome::Kind::kDeadLetter);
  auto connection = redis::Connection::Connect((*own)->connection_options());
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto inbox = (*connection)->Command({"ZCARD", InboxKey("devon", "manager-1")});
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  EXPECT_EQ(inbox->integer(), 1);  // due-1 told manager-1 once
}

}  // namespace
}  // namespace oversight::notifications::testing
