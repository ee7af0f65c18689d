// Apache Kafka restarted under a running producer and consumer (scripts/kafka-broker.sh restart:
// same ports, same data), then killed with SIGKILL and restarted. Uses a private broker
// (testing::PrivateBroker), not the shared kafka_real fixture, so other tests never see it.

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "oversight/kafka/admin.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/testing/private_broker.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/testing/wait_until.h"

namespace oversight::kafka {
namespace {

TEST(BrokerRestartTest, ProducerAndConsumerCarryOnAcrossARestartWithoutLoss) {
  auto broker = testing::PrivateBroker::Start();
  ASSERT_TRUE(broker.ok()) << broker.status();
  ClientConfig client{.bootstrap_servers = (*broker)->bootstrap(),
                      .client_id = "restart-test",
                      .properties = {{"reconnect.backoff.max.ms", "500"}}};
  const std::string topic = testing::UniqueName("restart");
  ASSERT_TRUE(Admin::EnsureTopics(client, {{.name = topic, .partitions = 2}}).ok());

  auto producer = Producer::Create({.client = client, .message_timeout = absl::Seconds(120)});
  ASSERT_TRUE(producer.ok()) << producer.status();
  auto consumer = Consumer::Create({.client = client,
                                    .group_id = testing::UniqueName("restart-group"),
                                    .topics = {topic},
                                    .dead_letter_producer = producer->get(),
                                    .on_error = [](const absl::Status&) {}});
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  std::mutex mu;
  std::multiset<std::string> seen;
  std::jthread running([&](std::stop_token stop) {
    (void)(*consumer)->Run(
        [&](const ConsumedMessage& message) {
          std::lock_guard lock(mu);
          seen.insert(message.value);
          return HandlerOutcome::Processed();
        },
        stop);
  });
  // Distinct records seen: after a restart some may come twice (at-least-once).
  auto count = [&] {
    std::lock_guard lock(mu);
    return std::set<std::string>(seen.begin(), seen.end()).size();
  };

  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        (*producer)->ProduceAndWait({.topic = topic, .value = "a" + std::to_string(i)}).ok());
  }
  ASSERT_TRUE(oversight::testing::WaitUntil([&] { return count() >= 10; }, absl::Seconds(60)));

  ASSERT_TRUE((*broker)->Restart().ok());
  EXPECT_EQ((*broker)->bootstrap(), client.bootstrap_servers) << "restart keeps the ports";

  for (int i = 0; i < 10; ++i) {
    auto delivery = (*producer)->ProduceAndWait({.topic = topic, .value = "b" + std::to_string(i)},
                                                absl::Seconds(120));
    ASSERT_TRUE(delivery.ok()) << delivery.status();
  }
  ASSERT_TRUE(oversight::testing::WaitUntil([&] { return count() >= 20; }, absl::Seconds(90)))
      << "consumed " << count() << " distinct records of 20";

  // A crash (SIGKILL, kafka-broker.sh kill) and a restart on the same data: what was
  // acknowledged before is still there, and both clients carry on.
  ASSERT_TRUE((*broker)->Kill().ok());
  ASSERT_TRUE((*broker)->Restart().ok());
  EXPECT_EQ((*broker)->bootstrap(), client.bootstrap_servers);
  for (int i = 0; i < 10; ++i) {
    auto delivery = (*producer)->ProduceAndWait({.topic = topic, .value = "c" + std::to_string(i)},
                                                absl::Seconds(120));
    ASSERT_TRUE(delivery.ok()) << delivery.status();
  }
  ASSERT_TRUE(oversight::testing::WaitUntil([&] { return count() >= 30; }, absl::Seconds(90)))
      << "consumed " << count() << " distinct records of 30";
  running.request_stop();
  running.join();

  std::lock_guard lock(mu);
  for (const char* prefix : {"a", "b", "c"}) {
    for (int i = 0; i < 10; ++i) {
      EXPECT_GE(seen.count(prefix + std::to_string(i)), 1u) << prefix << i;
    }
  }
}

}  // namespace
}  // namespace oversight::kafka
