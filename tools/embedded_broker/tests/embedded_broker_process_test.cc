// Starts the oversight-embedded-broker binary, produces and consumes through it, and injects
// faults over its control socket.

#include <gtest/gtest.h>

#include <future>
#include <set>

#include "oversight/kafka/producer.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/kafka/topics.h"
#include "oversight/testing/wait_until.h"

namespace oversight::kafka {
namespace {

using testing::BrokerKind;
using testing::TestBroker;
using testing::TopicCollector;

std::unique_ptr<Producer> MakeProducer(const TestBroker& broker) {
  auto producer = Producer::Create(ProducerConfig{.client = broker.client_config()});
  EXPECT_TRUE(producer.ok()) << producer.status();
  return producer.ok() ? *std::move(producer) : nullptr;
}

TEST(EmbeddedBrokerProcessTest, ServesDefaultTopicsAndSurvivesBrokerDownAndUp) {
  auto broker = TestBroker::Start(BrokerKind::kEmbedded);
  ASSERT_TRUE(broker.ok()) << broker.status();
  auto topics = Admin::ListTopics((*broker)->client_config());
  ASSERT_TRUE(topics.ok()) << topics.status();
  for (std::string_view topic : kDefaultTopics) {
    EXPECT_NE(std::find(topics->begin(), topics->end(), topic), topics->end()) << topic;
  }

  auto producer = MakeProducer(**broker);
  ASSERT_NE(producer, nullptr);
  const std::string topic(kAuditTopic);
  auto before = producer->ProduceAndWait({.topic = topic, .key = "k", .value = "before"});
  ASSERT_TRUE(before.ok()) << before.status();

  ASSERT_TRUE((*broker)->SendFaultCommand("broker-down 1").ok());
  std::promise<absl::Status> delivered;
  auto delivered_future = delivered.get_future();
  ASSERT_TRUE(producer
                  ->Produce({.topic = topic, .key = "k", .value = "during"},
                            [&delivered](const absl::Status& status, const Delivery&) {
                              delivered.set_value(status);
                            })
                  .ok());
  // While the only broker is down nothing can be acknowledged.
  EXPECT_EQ(delivered_future.wait_for(std::chrono::milliseconds(1500)),
            std::future_status::timeout);

  ASSERT_TRUE((*broker)->SendFaultCommand("broker-up 1").ok());
  ASSERT_EQ(delivered_future.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_TRUE(delivered_future.get().ok());

  TopicCollector collector((*broker)->client_config(), topic);
  auto records = collector.CollectAtLeast(2, absl::Seconds(20));
  ASSERT_TRUE(records.ok()) << records.status();
  std::multiset<std::string> values;
  for (const auto& record : *records)
    values.insert(record.value);
  EXPECT_EQ(values, (std::multiset<std::string>{"before", "during"}));
}

TEST(EmbeddedBrokerProcessTest, IdempotentProducerRetriesInjectedErrorsWithoutDuplicates) {
  auto broker = TestBroker::Start(BrokerKind::kEmbedded);
  ASSERT_TRUE(broker.ok()) << broker.status();
  const std::string topic = testing::UniqueName("retries");
  ASSERT_TRUE((*broker)->CreateTopics({{.name = topic, .partitions = 1}}).ok());
  auto producer = MakeProducer(**broker);
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->ProduceAndWait({.topic = topic, .value = "warm-up"}).ok());

  ASSERT_TRUE(
      (*broker)->SendFaultCommand("request-errors Produce NOT_LEADER_FOR_PARTITION 3").ok());
  auto delivery = producer->ProduceAndWait({.topic = topic, .value = "once"});
  ASSERT_TRUE(delivery.ok()) << delivery.status();

  TopicCollector collector((*broker)->client_config(), topic);
  auto records = collector.CollectAtLeast(2, absl::Seconds(20));
  ASSERT_TRUE(records.ok()) << records.status();
  // Nothing more arrives: exactly one copy of "once" despite the retried requests.
  auto all = collector.CollectUntil([](const auto&) { return false; }, absl::Seconds(1));
  ASSERT_EQ(all.status().code(), absl::StatusCode::kDeadlineExceeded);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1].value, "once");
}

TEST(EmbeddedBrokerProcessTest, DeliveryReportCarriesTheErrorWhenTheBrokerStaysDown) {
  auto broker = TestBroker::Start(BrokerKind::kEmbedded);
  ASSERT_TRUE(broker.ok()) << broker.status();
  auto producer =
      Producer::Create({.client = (*broker)->client_config(), .message_timeout = absl::Seconds(2)});
  ASSERT_TRUE(producer.ok()) << producer.status();
  const std::string topic(kTasksTopic);
  ASSERT_TRUE((*producer)->ProduceAndWait({.topic = topic, .value = "up"}).ok());

  ASSERT_TRUE((*broker)->SendFaultCommand("broker-down 1").ok());
  auto lost = (*producer)->ProduceAndWait({.topic = topic, .value = "down"}, absl::Seconds(20));
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kDeadlineExceeded) << lost.status();
  EXPECT_NE(lost.status().message().find("delivery to " + topic), std::string::npos)
      << lost.status();
  // librdkafka counts the record as outstanding until its delivery callback has returned.
  EXPECT_TRUE(oversight::testing::WaitUntil([&] { return (*producer)->OutstandingCount() == 0; },
                                            absl::Seconds(5), absl::Milliseconds(10)));
}

TEST(EmbeddedBrokerProcessTest, AnswersBadCommandsWithTheReason) {
  auto broker = TestBroker::Start(BrokerKind::kEmbedded);
  ASSERT_TRUE(broker.ok()) << broker.status();
  const absl::Status status = (*broker)->SendFaultCommand("broker-down 9");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("broker id"), std::string::npos) << status;
  EXPECT_EQ((*broker)->SendFaultCommand("frobnicate").code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::kafka
