// Apache Kafka restarted under a running producer and consumer (scripts/kafka-broker.sh restart:
// same ports, same data). Uses a private broker, not the shared kafka_real fixture, so other
// tests never see the restart.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "oversight/kafka/admin.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"
#include "oversight/testing/wait_until.h"

namespace oversight::kafka {
namespace {

// Runs scripts/kafka-broker.sh <command> <dir> and waits for it.
absl::Status BrokerScript(const std::string& command, const std::string& dir) {
  const char* source_dir = std::getenv("OVERSIGHT_SOURCE_DIR");
  if (source_dir == nullptr) return absl::FailedPreconditionError("OVERSIGHT_SOURCE_DIR unset");
  oversight::testing::ChildProcessOptions options;
  options.argv = {std::string(source_dir) + "/scripts/kafka-broker.sh", command, dir};
  options.log_path = dir + "/script-" + command + ".log";
  auto process = oversight::testing::ChildProcess::Start(std::move(options));
  if (!process.ok()) return process.status();
  auto code = (*process)->Wait(absl::Seconds(170));
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError("kafka-broker.sh " + command + " failed: " + (*process)->ReadLog());
  }
  return absl::OkStatus();
}

class PrivateBroker {
 public:
  PrivateBroker() : dir_("kafka-restart-") {}
  ~PrivateBroker() { (void)BrokerScript("stop", dir_.path()); }
  const std::string& dir() const { return dir_.path(); }
  std::string Bootstrap() const {
    std::ifstream in(dir_.File("bootstrap"));
    std::string line;
    std::getline(in, line);
    return line;
  }

 private:
  oversight::testing::TempDir dir_;
};

TEST(BrokerRestartTest, ProducerAndConsumerCarryOnAcrossARestartWithoutLoss) {
  PrivateBroker broker;
  ASSERT_TRUE(BrokerScript("start", broker.dir()).ok());
  ClientConfig client{.bootstrap_servers = broker.Bootstrap(),
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

  ASSERT_TRUE(BrokerScript("restart", broker.dir()).ok());
  EXPECT_EQ(broker.Bootstrap(), client.bootstrap_servers) << "restart keeps the ports";

  for (int i = 0; i < 10; ++i) {
    auto delivery = (*producer)->ProduceAndWait({.topic = topic, .value = "b" + std::to_string(i)},
                                                absl::Seconds(120));
    ASSERT_TRUE(delivery.ok()) << delivery.status();
  }
  ASSERT_TRUE(oversight::testing::WaitUntil([&] { return count() >= 20; }, absl::Seconds(90)))
      << "consumed " << count() << " distinct records of 20";
  running.request_stop();
  running.join();

  std::lock_guard lock(mu);
  for (const char* prefix : {"a", "b"}) {
    for (int i = 0; i < 10; ++i) {
      EXPECT_GE(seen.count(prefix + std::to_string(i)), 1u) << prefix << i;
    }
  }
}

}  // namespace
}  // namespace oversight::kafka
