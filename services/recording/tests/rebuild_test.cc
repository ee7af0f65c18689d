// Rebuilding the store from Kafka: records written through the Recorder, their outbox relayed to
// the embedded Kafka broker by the real OutboxRelay and producer, the records topic read back
// and replayed into an emptied Redis; every version comes back with the same hashes.
#include "rebuild.h"

#include <gtest/gtest.h>

#include "content_hash.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/outbox_relay.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "recorder.h"
#include "supervision_events.h"
#include "test_records.h"

namespace oversight::recording {
namespace {

using testing::Utc;

runtime::Principal Who(const char* subject) {
  runtime::Principal p;
  p.subject = subject;
  return p;
}

TEST(RebuildTest, RebuildingFromTheRecordsTopicGivesIdenticalRecords) {
  auto redis_server = redis::testing::RedisServer::Launch();
  ASSERT_TRUE(redis_server.ok()) << redis_server.status();
  auto broker = kafka::testing::TestBroker::Start(kafka::testing::BrokerKind::kEmbedded);
  ASSERT_TRUE(broker.ok()) << broker.status();
  const std::string records_topic = kafka::testing::UniqueName("records");
  ASSERT_TRUE((*broker)->CreateTopics({{records_topic, 3, 1}}).ok());
  auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                       policy::DefaultCalendarPath(), {"havering"});
  ASSERT_TRUE(registry.ok()) << registry.status();
  auto connection = redis::Connection::Connect((*redis_server)->connection_options());
  ASSERT_TRUE(connection.ok());
  redis::Connection& c = **connection;

  // Write: three records through their lifecycles (one amended) and a case supervision.
  runtime::ManualClock clock(Utc("2026-03-03T09:00:00Z"));
  RecordStore store(c, "oversight.supervision-events.v1", "oversight.audit.v1", records_topic);
  Recorder recorder(**registry, store, clock);
  std::vector<std::string> ids;
  for (const char* id : {"rec-a", "rec-b", "rec-c"}) {
    auto input = testing::PersonalSupervision("havering");
    input.set_record_id(id);
    ASSERT_TRUE(recorder.Create(Who("manager-1"), input, false).ok());
    ASSERT_TRUE(recorder.Circulate(Who("manager-1"), "havering", id).ok());
    ASSERT_TRUE(recorder.Sign(Who("worker-1"), "havering", id, v1::PARTY_SUPERVISEE).ok());
    ids.push_back(id);
  }
  ASSERT_TRUE(
      recorder.Amend(Who("manager-1"), "havering", "rec-b", "Wrong date", "Corrected.", nullptr)
          .ok());
  auto case_record = testing::CaseSupervision("havering");
  case_record.set_record_id("rec-case");
  ASSERT_TRUE(recorder.Create(Who("manager-1"), case_record, false).ok());
  ids.push_back("rec-case");

  std::map<std::string, std::vector<v1::Record>> before;
  for (const auto& id : ids)
    before[id] = *store.Versions("havering", id);

  // Relay the outbox to Kafka with the real relay and producer.
  kafka::ProducerConfig producer_config;
  producer_config.client = (*broker)->client_config();
  auto producer = kafka::Producer::Create(producer_config);
  ASSERT_TRUE(producer.ok()) << producer.status();
  redis::OutboxRelayOptions options;
  options.outbox_keys = {redis::OutboxKey("havering", kServiceName)};
  options.owner_id = "rebuild-test";
  redis::OutboxRelay relay(
      (*redis_server)->connection_options(), options, [&](const redis::OutboxRecord& record) {
        kafka::OutboundMessage message;
        message.topic = record.topic;
        message.key = record.key;
        message.value = record.value;
        for (const auto& [k, v] : record.headers)
          message.headers.Add(k, v);
        if (record.topic != records_topic) return absl::OkStatus();  // only the records topic
        auto delivered = (*producer)->ProduceAndWait(std::move(message), absl::Seconds(20));
        return delivered.ok() ? absl::OkStatus() : delivered.status();
      });
  auto relayed = relay.RelayOnce();
  ASSERT_TRUE(relayed.ok()) << relayed.status();
  size_t versions = 0;
  for (const auto& [id, v] : before)
    versions += v.size();

  kafka::testing::TopicCollector collector((*broker)->client_config(), records_topic);
  auto messages = collector.CollectAtLeast(versions, absl::Seconds(30));
  ASSERT_TRUE(messages.ok()) << messages.status();
  ASSERT_EQ(messages->size(), versions);

  // Lose Redis entirely, then rebuild from the topic.
  ASSERT_TRUE(c.Command({"FLUSHALL"}).ok());
  EXPECT_TRUE(absl::IsNotFound(store.Head("havering", "rec-a").status()));
  auto rebuilt = Rebuild(store, *messages);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->versions, static_cast<int>(versions));

  for (const auto& [id, versions_before] : before) {
    auto after = store.Versions("havering", id);
    ASSERT_TRUE(after.ok()) << id << ": " << after.status();
    ASSERT_EQ(after->size(), versions_before.size()) << id;
    for (size_t i = 0; i < after->size(); ++i) {
      EXPECT_EQ((*after)[i].content_hash(), versions_before[i].content_hash()) << id << " v" << i;
      EXPECT_EQ((*after)[i].SerializeAsString(), versions_before[i].SerializeAsString());
    }
    EXPECT_TRUE(VerifyChain(*after).intact) << id << ": " << VerifyChain(*after).detail;
  }
  auto listed = store.RecordIds("havering", "worker-1", "");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), ids.size());  // indexes rebuilt too
  auto by_child = store.RecordIds("havering", "", "child-1");
  ASSERT_TRUE(by_child.ok());
  EXPECT_EQ(*by_child, std::vector<std::string>{"rec-case"});

  // Replaying again changes nothing.
  auto again = Rebuild(store, *messages);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(store.Head("havering", "rec-b")->version(), before["rec-b"].back().version());
}

}  // namespace
}  // namespace oversight::recording
