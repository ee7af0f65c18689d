// Rebuilding the store from Kafka: records written through the Recorder (lifecycles, an
// amendment, a completed action, grants, a purge), their outbox relayed to the embedded Kafka
// broker by the real OutboxRelay and producer, the records topic read back and replayed into an
// emptied Redis. Every key recording keeps from the records topic comes back identical (so every
// version's bytes and hash too), from the topic as written and from its compacted view (what
// Kafka keeps after compaction), where the purged content is gone.
#include "rebuild.h"

#include <gtest/gtest.h>

#include "content_hash.h"
#include "keyspace.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/outbox_relay.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "recorder.h"
#include "records_topic.h"
#include "supervision_events.h"
#include "test_records.h"

namespace oversight::recording {
namespace {

using testing::Utc;

runtime::Principal Who(const char* subject, std::vector<std::string> roles = {}) {
  runtime::Principal p;
  p.subject = subject;
  p.roles = std::move(roles);
  return p;
}

// What compaction keeps of a topic: the last record per key, keys whose last record is null
// dropped (Kafka's documented semantics of cleanup.policy=compact), in offset order.
std::vector<kafka::ConsumedMessage> Compacted(const std::vector<kafka::ConsumedMessage>& all) {
  std::map<std::string, const kafka::ConsumedMessage*> last;
  for (const auto& m : all)
    last[m.key] = &m;
  std::vector<kafka::ConsumedMessage> kept;
  for (const auto& m : all) {
    if (last[m.key] == &m && !m.tombstone) kept.push_back(m);
  }
  return kept;
}

class RebuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = *std::move(server);
    auto broker = kafka::testing::TestBroker::Start(kafka::testing::BrokerKind::kEmbedded);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    ASSERT_TRUE(broker_->CreateTopics({{records_topic_, 3, 1}}).ok());
    auto registry = authorities::AuthorityRegistry::Load(
        policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"havering"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    auto connection = redis::Connection::Connect(redis_->connection_options());
    ASSERT_TRUE(connection.ok());
    c_ = *std::move(connection);
    store_ = std::make_unique<RecordStore>(*c_, "oversight.supervision-events.v1",
                                           "oversight.audit.v1", records_topic_);
    recorder_ = std::make_unique<Recorder>(*registry_, *store_, clock_);
  }

  // Applies a workforce or case event as the consumer would (these are rebuilt from their own
  // topics, not from the records topic).
  void Inbound(const google::protobuf::Message& event, const std::string& id) {
    const bool is_case = event.GetDescriptor()->file()->package() == "oversight.cases.v1";
    redis::ChangeSet change = is_case ? store_->CaseChange("havering", event)
                                      : store_->DirectoryChange("havering", event);
    ASSERT_TRUE(change.Apply(*c_, "havering", kServiceName, id).ok());
  }

  // Relays the outbox's records-topic entries to the broker and reads the topic back.
  std::vector<kafka::ConsumedMessage> RelayAndRead() {
    kafka::ProducerConfig producer_config;
    producer_config.client = broker_->client_config();
    auto producer = kafka::Producer::Create(producer_config);
    EXPECT_TRUE(producer.ok()) << producer.status();
    redis::OutboxRelayOptions options;
    options.outbox_keys = {redis::OutboxKey("havering", kServiceName)};
    options.owner_id = "rebuild-test";
    size_t sent = 0;
    redis::OutboxRelay relay(
        redis_->connection_options(), options, [&](const redis::OutboxRecord& record) {
          if (record.topic != records_topic_) return absl::OkStatus();  // only the records topic
          kafka::OutboundMessage message;
          message.topic = record.topic;
          message.key = record.key;
          message.value = record.value;
          message.tombstone = record.tombstone;
          for (const auto& [k, v] : record.headers)
            message.headers.Add(k, v);
          auto delivered = (*producer)->ProduceAndWait(std::move(message), absl::Seconds(20));
          if (delivered.ok()) ++sent;
          return delivered.ok() ? absl::OkStatus() : delivered.status();
        });
    EXPECT_TRUE(relay.RelayOnce().ok());
    kafka::testing::TopicCollector collector(broker_->client_config(), records_topic_);
    auto messages = collector.CollectAtLeast(sent, absl::Seconds(30));
    EXPECT_TRUE(messages.ok()) << messages.status();
    return messages.ok() ? *messages : std::vector<kafka::ConsumedMessage>{};
  }

  // Recording's keys that the records topic restores (the directory and the children come
  // from the workforce and case topics).
  std::map<std::string, std::string> RestoredKeys() {
    return testing::Keyspace(*c_, "ovs:{havering}:rec:*", {":rec:dir:", ":rec:case:"});
  }

  const std::string records_topic_ = kafka::testing::UniqueName("records");
  std::unique_ptr<redis::testing::RedisServer> redis_;
  std::unique_ptr<kafka::testing::TestBroker> broker_;
  std::unique_ptr<authorities::AuthorityRegistry> registry_;
  std::unique_ptr<redis::Connection> c_;
  runtime::ManualClock clock_{Utc("2026-03-03T09:00:00Z")};
  std::unique_ptr<RecordStore> store_;
  std::unique_ptr<Recorder> recorder_;
};

TEST_F(RebuildTest, RebuildingFromTheRecordsTopicGivesIdenticalRecordsActionsAgendasAndGrants) {
  workforce::v1::WorkerJoined joined;
  for (const char* worker : {"worker-1", "worker-3"}) {
    joined.set_worker_id(worker);
    joined.set_supervisor_id("manager-1");
    Inbound(joined, std::string("join-") + worker);
  }
  cases::v1::CaseAllocated allocated;
  allocated.set_child_id("child-1");
  allocated.set_worker_id("worker-1");
  Inbound(allocated, "alloc-child-1");

  // Three personal supervisions through their lifecycles (one amended), a case supervision with
  // one action completed, grants, and worker-3's record purged at the end of retention (H8).
  for (const char* id : {"rec-a", "rec-b", "rec-c"}) {
    auto input = testing::PersonalSupervision("havering");
    input.set_record_id(id);
    ASSERT_TRUE(recorder_->Create(Who("manager-1"), input, false).ok());
    ASSERT_TRUE(recorder_->Circulate(Who("manager-1"), "havering", id).ok());
    ASSERT_TRUE(recorder_->Sign(Who("worker-1"), "havering", id, v1::PARTY_SUPERVISEE).ok());
  }
  ASSERT_TRUE(
      recorder_->Amend(Who("manager-1"), "havering", "rec-b", "Wrong date", "Corrected.", nullptr)
          .ok());
  auto case_record = testing::CaseSupervision("havering");
  case_record.set_record_id("rec-case");
  *case_record.add_actions() =
      testing::Action("Read the plan", "worker-1", testing::Day(2026, 3, 9));
  auto created_case = recorder_->Create(Who("manager-1"), case_record, false);
  ASSERT_TRUE(created_case.ok()) << created_case.status();
  ASSERT_TRUE(
      recorder_->CompleteAction(Who("worker-1"), "havering", created_case->actions(0).action_id())
          .ok());
  v1::GrantAccessRequest grant;
  grant.set_authority_id("havering");
  grant.set_subject_id("ofsted-1");
  grant.set_kind(v1::GRANT_KIND_INSPECTOR);
  events::ToTimestamp(clock_.Now() + absl::Hours(72), grant.mutable_expires_at());
  ASSERT_TRUE(recorder_->Grant(Who("sm-1", {"senior_manager"}), grant).ok());
  grant.set_subject_id("swe-1");
  grant.set_kind(v1::GRANT_KIND_REGULATOR);
  grant.set_worker_id("worker-1");
  ASSERT_TRUE(recorder_->Grant(Who("sm-1", {"senior_manager"}), grant).ok());

  auto leaver = testing::PersonalSupervision("havering");
  leaver.set_record_id("rec-leaver");
  leaver.set_supervisee_ids(0, "worker-3");
  leaver.set_notes("Leaver's own wellbeing plan.");
  leaver.mutable_actions(0)->set_owner_id("worker-3");
  ASSERT_TRUE(recorder_->Create(Who("manager-1"), leaver, false).ok());
  ASSERT_TRUE(recorder_->Circulate(Who("manager-1"), "havering", "rec-leaver").ok());
  workforce::v1::WorkerLeft left;
  left.set_worker_id("worker-3");
  *left.mutable_left_on() = testing::Day(2026, 3, 31);
  left.set_left_childrens_services(true);
  Inbound(left, "left-worker-3");
  clock_.Set(Utc("2029-04-01T12:00:00Z"));  // H8: kept 3 years, until 2029-03-31
  auto purged =
      recorder_->PurgeWorkerRecords(Who("ro-1", {"records_officer"}), "havering", "worker-3");
  ASSERT_TRUE(purged.ok()) << purged.status();
  ASSERT_EQ(purged->purged_record_ids_size(), 1);
  // The purge took the destroyed record's action and agenda entry with it.
  EXPECT_TRUE(store_->Agenda("havering", "worker-3", "")->empty());

  const auto before = RestoredKeys();
  const size_t open_actions = store_->Agenda("havering", "worker-1", "")->size();
  // Versions, heads, indexes, actions, agendas, grants (the dump is not trivially equal).
  ASSERT_GT(before.size(), 25u);
  ASSERT_TRUE(before.count("ovs:{havering}:rec:grant:regulator:swe-1"));
  ASSERT_FALSE(before.count("ovs:{havering}:rec:record:rec-leaver:v:1"));  // purged
  std::map<std::string, std::vector<v1::Record>> versions;
  for (const char* id : {"rec-a", "rec-b", "rec-c", "rec-case"})
    versions[id] = *store_->Versions("havering", id);
  const auto messages = RelayAndRead();
  ASSERT_FALSE(messages.empty());

  // The purge published a null value after each destroyed key (version 1 and 2, the action).
  std::map<std::string, std::vector<bool>> by_key;  // key -> tombstone flags in order
  for (const auto& m : messages)
    by_key[m.key].push_back(m.tombstone);
  for (int v = 1; v <= 2; ++v) {
    const auto& flags = by_key[RecordVersionTopicKey("havering", "rec-leaver", v)];
    ASSERT_EQ(flags.size(), 2u) << "v" << v;
    EXPECT_FALSE(flags[0]);
    EXPECT_TRUE(flags[1]);
  }
  EXPECT_EQ(by_key[RecordVersionTopicKey("havering", "rec-leaver", 3)],
            std::vector<bool>{false});  // the tombstone version stays
  int action_tombstones = 0;
  for (const auto& [key, flags] : by_key) {
    if (key.find("/action/") != std::string::npos && flags.back()) ++action_tombstones;
  }
  EXPECT_EQ(action_tombstones, 1);

  // Lose Redis entirely, rebuild from the topic: every restored key is identical.
  ASSERT_TRUE(c_->Command({"FLUSHALL"}).ok());
  auto rebuilt = Rebuild(*store_, messages);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->records, 5);
  EXPECT_EQ(rebuilt->actions, 1);
  EXPECT_EQ(rebuilt->grants, 2);
  EXPECT_EQ(rebuilt->tombstones, 3);
  EXPECT_EQ(testing::Differences(before, RestoredKeys()), std::vector<std::string>{});
  for (const auto& [id, versions_before] : versions) {
    auto after = store_->Versions("havering", id);
    ASSERT_TRUE(after.ok()) << id << ": " << after.status();
    ASSERT_EQ(after->size(), versions_before.size()) << id;
    for (size_t i = 0; i < after->size(); ++i)
      EXPECT_EQ((*after)[i].content_hash(), versions_before[i].content_hash()) << id << " v" << i;
    EXPECT_TRUE(VerifyChain(*after).intact) << id << ": " << VerifyChain(*after).detail;
  }
  EXPECT_EQ(store_->Agenda("havering", "worker-1", "")->size(), open_actions);

  // Replaying again changes nothing.
  ASSERT_TRUE(Rebuild(*store_, messages).ok());
  EXPECT_EQ(testing::Differences(before, RestoredKeys()), std::vector<std::string>{});

  // After compaction the purged content is gone from the topic, and it still rebuilds the same.
  const auto compacted = Compacted(messages);
  for (const auto& m : compacted) {
    EXPECT_EQ(m.key.find("/record/rec-leaver/v1"), std::string::npos) << m.key;
    EXPECT_EQ(m.key.find("/record/rec-leaver/v2"), std::string::npos) << m.key;
    EXPECT_EQ(m.value.find("Leaver's own wellbeing plan."), std::string::npos) << m.key;
  }
  ASSERT_TRUE(c_->Command({"FLUSHALL"}).ok());
  ASSERT_TRUE(Rebuild(*store_, compacted).ok());
  EXPECT_EQ(testing::Differences(before, RestoredKeys()), std::vector<std::string>{});
}

TEST_F(RebuildTest, AMissingVersionIsDataLossNamingTheRecord) {
  auto input = testing::PersonalSupervision("havering");
  ASSERT_TRUE(recorder_->Create(Who("manager-1"), input, false).ok());
  ASSERT_TRUE(recorder_->Circulate(Who("manager-1"), "havering", "rec-1").ok());
  auto messages = RelayAndRead();
  std::erase_if(messages, [](const kafka::ConsumedMessage& m) {
    return m.key == RecordVersionTopicKey("havering", "rec-1", 1);
  });
  ASSERT_TRUE(c_->Command({"FLUSHALL"}).ok());
  auto rebuilt = Rebuild(*store_, messages);
  EXPECT_EQ(rebuilt.status().code(), absl::StatusCode::kDataLoss) << rebuilt.status();
  EXPECT_NE(rebuilt.status().message().find("rec-1"), std::string::npos);
}

}  // namespace
}  // namespace oversight::recording
