// The Kafka layer against real brokers: Apache Kafka (ctest fixture kafka_real) and the embedded
// broker (a child process). Every test runs on both.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/kafka/admin.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/testing/publish.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/kafka/topic_reader.h"
#include "oversight/kafka/watermarks.h"
#include "oversight/testing/wait_until.h"

namespace oversight::kafka {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using testing::BrokerKind;
using testing::TestBroker;
using testing::TopicCollector;
using testing::UniqueName;

cases::v1::CaseAllocated CaseAllocatedEvent(const std::string& event_id,
                                            const std::string& child_id) {
  cases::v1::CaseAllocated event;
  event.mutable_meta()->set_event_id(event_id);
  event.mutable_meta()->set_authority_id("devon");
  event.mutable_meta()->set_subject(child_id);
  event.mutable_meta()->set_source("lcs://devon");
  event.mutable_meta()->mutable_occurred_at()->set_seconds(1764000000);
  event.set_child_id(child_id);
  event.set_worker_id("worker-1");
  event.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  return event;
}

// Collects what a handler saw, from the consumer thread, for the test thread.
class Seen {
 public:
  void Add(ConsumedMessage message) {
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(message));
  }
  std::vector<ConsumedMessage> Get() const {
    std::lock_guard lock(mu_);
    return messages_;
  }
  size_t Count() const {
    std::lock_guard lock(mu_);
    return messages_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<ConsumedMessage> messages_;
};

// Runs a consumer on its own thread until Stop().
class RunningConsumer {
 public:
  RunningConsumer(std::unique_ptr<Consumer> consumer, MessageHandler handler)
      : consumer_(std::move(consumer)),
        thread_([this, handler = std::move(handler)](std::stop_token stop) {
          status_ = consumer_->Run(handler, stop);
        }) {}
  ~RunningConsumer() { (void)Stop(); }
  absl::Status Stop() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
    return status_;
  }
  std::stop_source stop_source() { return thread_.get_stop_source(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  absl::Status status() const { return status_; }

 private:
  std::unique_ptr<Consumer> consumer_;
  absl::Status status_;
  std::jthread thread_;
};

// The value of a counter with exactly these labels, or -1 if there is none.
double CounterValue(const prometheus::Registry& registry, const std::string& family,
                    const std::map<std::string, std::string>& labels) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& metric : f.metric) {
      std::map<std::string, std::string> got;
      for (const auto& label : metric.label)
        got[label.name] = label.value;
      if (got == labels) return metric.counter.value;
    }
  }
  return -1;
}

class KafkaIntegrationTest : public ::testing::TestWithParam<BrokerKind> {
 protected:
  void SetUp() override {
    auto broker = TestBroker::Start(GetParam());
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    auto producer = Producer::Create(ProducerConfig{.client = broker_->client_config()});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
  }

  std::string NewTopic(int partitions) {
    const std::string name = UniqueName("it-topic");
    const absl::Status status = broker_->CreateTopics({{.name = name, .partitions = partitions}});
    EXPECT_TRUE(status.ok()) << status;
    return name;
  }

  ConsumerConfig ConsumerConfigFor(std::vector<std::string> topics, std::string group) {
    ConsumerConfig config;
    config.client = broker_->client_config();
    config.group_id = std::move(group);
    config.topics = std::move(topics);
    config.retry_backoff_initial = absl::Milliseconds(50);
    config.retry_backoff_max = absl::Milliseconds(200);
    return config;
  }

  std::unique_ptr<Consumer> MakeConsumer(ConsumerConfig config) {
    auto consumer = Consumer::Create(std::move(config));
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    return consumer.ok() ? *std::move(consumer) : nullptr;
  }

  // Whether the broker lists `topic` within 10 s: Apache Kafka's metadata may list a topic
  // created a moment ago only shortly after (a loaded CI machine showed it).
  ::testing::AssertionResult EventuallyListed(const std::string& topic) {
    absl::StatusOr<std::vector<std::string>> topics;
    const bool listed = oversight::testing::WaitUntil(
        [&] {
          topics = Admin::ListTopics(broker_->client_config());
          return topics.ok() && std::find(topics->begin(), topics->end(), topic) != topics->end();
        },
        absl::Seconds(10), absl::Milliseconds(100));
    if (listed) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << topic << " is not listed: "
           << (topics.ok() ? absl::StrJoin(*topics, ", ") : topics.status().ToString());
  }

  std::unique_ptr<TestBroker> broker_;
  std::unique_ptr<Producer> producer_;
};

TEST_P(KafkaIntegrationTest, RoundTripsProtobufAndJsonWithCloudEventsHeaders) {
  const std::string topic = NewTopic(3);
  const auto as_proto = CaseAllocatedEvent("evt-proto", "child-1");
  const auto as_json = CaseAllocatedEvent("evt-json", "child-2");
  ASSERT_TRUE(
      testing::PublishEvent(*producer_, topic, "child-1", as_proto, ContentType::kProtobuf).ok());
  ASSERT_TRUE(
      testing::PublishEvent(*producer_, topic, "child-2", as_json, ContentType::kJson).ok());

  Seen seen;
  std::mutex mu;
  std::map<std::string, std::unique_ptr<google::protobuf::Message>> decoded;
  RunningConsumer running(MakeConsumer(ConsumerConfigFor({topic}, UniqueName("rt"))),
                          [&](const ConsumedMessage& message) {
                            auto event = DecodeEvent(message.headers, message.value);
                            if (!event.ok()) {
                              return HandlerOutcome::DeadLetter("decode_failed",
                                                                event.status().ToString());
                            }
                            std::lock_guard lock(mu);
                            decoded[event->cloud_event.id] = std::move(event->message);
                            seen.Add(message);
                            return HandlerOutcome::Processed();
                          });
  ASSERT_TRUE(oversight::testing::WaitUntil([&] { return seen.Count() >= 2; }, absl::Seconds(60)));
  EXPECT_TRUE(running.Stop().ok()) << running.status();

  std::lock_guard lock(mu);
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_TRUE(MessageDifferencer::Equals(*decoded["evt-proto"], as_proto));
  EXPECT_TRUE(MessageDifferencer::Equals(*decoded["evt-json"], as_json));
  for (const ConsumedMessage& message : seen.Get()) {
    const bool json = message.key == "child-2";
    EXPECT_EQ(message.headers.Get("ce_specversion"), "1.0");
    EXPECT_EQ(message.headers.Get("ce_type"), "oversight.cases.v1.CaseAllocated");
    EXPECT_EQ(message.headers.Get("ce_source"), "lcs://devon");
    EXPECT_EQ(message.headers.Get("ce_subject"), message.key);
    EXPECT_EQ(message.headers.Get("ce_time"), "2025-11-24T16:00:00Z");
    EXPECT_EQ(message.headers.Get("content-type"),
              json ? "application/json" : "application/protobuf");
    EXPECT_EQ(message.headers.Get("ce_id"), json ? "evt-json" : "evt-proto");
    if (json) {
      EXPECT_EQ(message.value.front(), '{');
    }
    EXPECT_TRUE(message.timestamp.has_value());
  }
}

TEST_P(KafkaIntegrationTest, MalformedEventGoesToDeadLettersAndTheNextIsProcessed) {
  const std::string topic = NewTopic(1);
  const std::string dead_letters = NewTopic(1);
  OutboundMessage bad;
  bad.topic = topic;
  bad.key = "child-bad";
  bad.value = std::string("\x12\x64not-protobuf", 14);
  WriteCloudEventHeaders({.id = "evt-bad",
                          .source = "lcs://devon",
                          .type = "oversight.cases.v1.CaseAllocated",
                          .content_type = ContentType::kProtobuf},
                         bad.headers);
  ASSERT_TRUE(producer_->ProduceAndWait(bad).ok());
  ASSERT_TRUE(testing::PublishEvent(*producer_, topic, "child-good",
                                    CaseAllocatedEvent("evt-good", "child-good"))
                  .ok());

  prometheus::Registry registry;
  ConsumerConfig config = ConsumerConfigFor({topic}, UniqueName("dlq"));
  config.dead_letter_topic = dead_letters;
  config.dead_letter_producer = producer_.get();
  config.metrics = &registry;
  config.statistics_interval = absl::Milliseconds(200);
  config.dead_letter_reasons = {"decode_failed", "never_used"};
  Seen processed;
  RunningConsumer running(MakeConsumer(std::move(config)), [&](const ConsumedMessage& message) {
    auto event = DecodeEvent(message.headers, message.value);
    if (!event.ok()) {
      return HandlerOutcome::DeadLetter("decode_failed", std::string(event.status().message()));
    }
    processed.Add(message);
    return HandlerOutcome::Processed();
  });
  ASSERT_TRUE(
      oversight::testing::WaitUntil([&] { return processed.Count() >= 1; }, absl::Seconds(60)));
  EXPECT_TRUE(running.Stop().ok());
  ASSERT_EQ(processed.Count(), 1u);
  EXPECT_EQ(processed.Get()[0].headers.Get("ce_id"), "evt-good");
  EXPECT_EQ(processed.Get()[0].offset, 1);

  TopicCollector collector(broker_->client_config(), dead_letters);
  auto letters = collector.CollectAtLeast(1, absl::Seconds(30));
  ASSERT_TRUE(letters.ok()) << letters.status();
  ASSERT_EQ(letters->size(), 1u);
  const ConsumedMessage& letter = (*letters)[0];
  EXPECT_EQ(letter.key, "child-bad");
  EXPECT_EQ(letter.value, bad.value);
  EXPECT_EQ(letter.headers.Get("dlq_reason"), "decode_failed");
  EXPECT_NE(letter.headers.Get("dlq_detail")->find("invalid protobuf"), std::string::npos)
      << *letter.headers.Get("dlq_detail");
  EXPECT_EQ(letter.headers.Get("dlq_source_topic"), topic);
  EXPECT_EQ(letter.headers.Get("dlq_source_partition"), "0");
  EXPECT_EQ(letter.headers.Get("dlq_source_offset"), "0");
  EXPECT_EQ(letter.headers.Get("ce_id"), "evt-bad");  // the original headers travel along

  EXPECT_EQ(CounterValue(registry, "oversight_dead_letters_total",
                         {{"topic", topic}, {"reason", "decode_failed"}}),
            1);
  EXPECT_EQ(CounterValue(registry, "oversight_events_consumed_total",
                         {{"topic", topic}, {"outcome", "dead_letter"}}),
            1);
  EXPECT_EQ(CounterValue(registry, "oversight_events_consumed_total",
                         {{"topic", topic}, {"outcome", "processed"}}),
            1);
  // Series that never counted exist at zero from the subscription on.
  EXPECT_EQ(CounterValue(registry, "oversight_dead_letters_total",
                         {{"topic", topic}, {"reason", "never_used"}}),
            0);
  EXPECT_EQ(CounterValue(registry, "oversight_events_consumed_total",
                         {{"topic", topic}, {"outcome", "retry"}}),
            0);
}

TEST_P(KafkaIntegrationTest, RetryLaterAndExceptionsRedeliverTheSameRecord) {
  const std::string topic = NewTopic(1);
  for (const char* value : {"first", "second"}) {
    ASSERT_TRUE(producer_->ProduceAndWait({.topic = topic, .key = "k", .value = value}).ok());
  }
  Seen attempts;
  std::atomic<int> first_attempts{0};
  RunningConsumer running(MakeConsumer(ConsumerConfigFor({topic}, UniqueName("retry"))),
                          [&](const ConsumedMessage& message) {
                            attempts.Add(message);
                            if (message.value == "first") {
                              const int attempt = ++first_attempts;
                              if (attempt == 1) return HandlerOutcome::RetryLater("not yet");
                              if (attempt == 2) throw std::runtime_error("boom");
                            }
                            return HandlerOutcome::Processed();
                          });
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] {
        const auto seen = attempts.Get();
        return !seen.empty() && seen.back().value == "second";
      },
      absl::Seconds(60)));
  EXPECT_TRUE(running.Stop().ok());
  std::vector<std::string> order;
  for (const auto& message : attempts.Get())
    order.push_back(message.value);
  EXPECT_EQ(order, (std::vector<std::string>{"first", "first", "first", "second"}));
}

TEST_P(KafkaIntegrationTest, StoppedConsumerHandsOverWithoutLosingRecords) {
  const std::string topic = NewTopic(3);
  constexpr int kRecords = 30;
  constexpr int kProcessedBeforeStop = 11;
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(producer_
                    ->ProduceAndWait({.topic = topic,
                                      .key = "child-" + std::to_string(i % 7),
                                      .value = std::to_string(i)})
                    .ok());
  }
  const std::string group = UniqueName("handover");

  // The first member processes some records, then is stopped from inside its handler.
  Seen first;
  std::stop_source stop_first;
  {
    auto consumer = MakeConsumer(ConsumerConfigFor({topic}, group));
    ASSERT_NE(consumer, nullptr);
    const absl::Status status = consumer->Run(
        [&](const ConsumedMessage& message) {
          first.Add(message);
          if (first.Count() == kProcessedBeforeStop) stop_first.request_stop();
          return HandlerOutcome::Processed();
        },
        stop_first.get_token());
    EXPECT_TRUE(status.ok()) << status;
  }
  ASSERT_EQ(first.Count(), static_cast<size_t>(kProcessedBeforeStop));

  // A new member of the same group continues where the first stopped.
  Seen second;
  RunningConsumer running(MakeConsumer(ConsumerConfigFor({topic}, group)),
                          [&](const ConsumedMessage& message) {
                            second.Add(message);
                            return HandlerOutcome::Processed();
                          });
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] { return second.Count() >= kRecords - kProcessedBeforeStop; }, absl::Seconds(60)))
      << "second member saw " << second.Count();
  EXPECT_TRUE(running.Stop().ok());

  std::multiset<std::string> all;
  for (const auto& message : first.Get())
    all.insert(message.value);
  for (const auto& message : second.Get())
    all.insert(message.value);
  for (int i = 0; i < kRecords; ++i) {
    EXPECT_EQ(all.count(std::to_string(i)), 1u) << "record " << i;
  }
}

TEST_P(KafkaIntegrationTest, AdminEnsureTopicsKeepsExistingTopics) {
  const std::string topic = NewTopic(2);
  const absl::Status again =
      Admin::EnsureTopics(broker_->client_config(), {{.name = topic, .partitions = 2}});
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_TRUE(EventuallyListed(topic));
}

TEST_P(KafkaIntegrationTest, AdminEnsureTopicsCreatesMissingTopicsOrSaysItCannot) {
  const std::string topic = UniqueName("admin-created");
  const absl::Status status = Admin::EnsureTopics(
      broker_->client_config(), {{.name = topic, .partitions = 2}}, absl::Seconds(3));
  if (GetParam() == BrokerKind::kEmbedded) {
    // librdkafka's mock cluster has no admin API: no controller ever answers.
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_NE(status.message().find("controller"), std::string::npos) << status;
    return;
  }
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(EventuallyListed(topic));
}

TEST_P(KafkaIntegrationTest, BatchesRedeliverAPartitionFromItsRetriedRecordAndMoveTheOthersOn) {
  const std::string topic = NewTopic(2);
  constexpr int kPerPartition = 8;
  for (int i = 0; i < kPerPartition; ++i) {
    for (int32_t partition : {0, 1}) {
      const std::string value = (partition == 0 ? "a-" : "b-") + std::to_string(i);
      ASSERT_TRUE(
          producer_->ProduceAndWait({.topic = topic, .value = value, .partition = partition}).ok());
    }
  }
  const std::string group = UniqueName("batches");
  std::mutex mu;
  std::vector<size_t> batch_sizes;
  std::vector<std::string> seen;  // every value handed to the handler, in order
  bool failed_once = false;
  ConsumerConfig config = ConsumerConfigFor({topic}, group);
  config.max_batch = 100;
  auto consumer = MakeConsumer(std::move(config));
  ASSERT_NE(consumer, nullptr);
  absl::Status finished;
  std::jthread thread([&](std::stop_token stop) {
    finished = consumer->RunBatches(
        [&](const std::vector<ConsumedMessage>& batch) {
          std::lock_guard lock(mu);
          batch_sizes.push_back(batch.size());
          std::vector<HandlerOutcome> outcomes;
          for (const auto& record : batch) {
            seen.push_back(record.value);
            if (record.value == "a-3" && !failed_once) {
              failed_once = true;
              outcomes.push_back(HandlerOutcome::RetryLater("redis briefly away"));
            } else {
              // a-4 ... of this batch say Processed too: the consumer must deliver them again.
              outcomes.push_back(HandlerOutcome::Processed());
            }
          }
          return outcomes;
        },
        stop);
  });
  auto count = [&](const std::string& value) {
    std::lock_guard lock(mu);
    return std::count(seen.begin(), seen.end(), value);
  };
  // Whether partition 0's last record was handed over again after the retried one: the first
  // batch may hold it already (handed over, then delivered again), so seeing it once says
  // nothing about the redelivery.
  const std::string last_a = "a-" + std::to_string(kPerPartition - 1);
  auto redelivered_to_the_end = [&] {
    std::lock_guard lock(mu);
    const auto first = std::find(seen.begin(), seen.end(), "a-3");
    if (first == seen.end()) return false;
    const auto again = std::find(first + 1, seen.end(), "a-3");
    return again != seen.end() && std::find(again + 1, seen.end(), last_a) != seen.end();
  };
  ASSERT_TRUE(oversight::testing::WaitUntil(redelivered_to_the_end, absl::Seconds(60)));
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] { return count("b-" + std::to_string(kPerPartition - 1)) >= 1; }, absl::Seconds(30)));
  thread.request_stop();
  thread.join();
  EXPECT_TRUE(finished.ok()) << finished;

  std::lock_guard lock(mu);
  EXPECT_GT(*std::max_element(batch_sizes.begin(), batch_sizes.end()), 1u);
  // Partition 0, in the order handed over: a-0 ... a-3 (retried), then from a-3 again.
  std::vector<std::string> partition_a;
  for (const auto& value : seen) {
    if (value.starts_with("a-")) partition_a.push_back(value);
  }
  const auto retried = std::find(partition_a.begin(), partition_a.end(), "a-3");
  ASSERT_NE(retried, partition_a.end());
  const auto again = std::find(retried + 1, partition_a.end(), "a-3");
  ASSERT_NE(again, partition_a.end());
  for (int i = 3; i < kPerPartition; ++i) {
    ASSERT_LT(again + (i - 3), partition_a.end());
    EXPECT_EQ(*(again + (i - 3)), "a-" + std::to_string(i));
  }
  // Partition 1 never stopped: each record once.
  for (int i = 0; i < kPerPartition; ++i) {
    EXPECT_EQ(std::count(seen.begin(), seen.end(), "b-" + std::to_string(i)), 1) << i;
  }
}

TEST_P(KafkaIntegrationTest, AdminEnsureTopicsSetsTopicConfigsOrRefusesABadOne) {
  if (GetParam() == BrokerKind::kEmbedded) GTEST_SKIP() << "no admin API on the embedded broker";
  const std::string compacted = UniqueName("admin-compacted");
  const absl::Status created = Admin::EnsureTopics(
      broker_->client_config(), {{.name = compacted, .configs = {{"cleanup.policy", "compact"}}}});
  EXPECT_TRUE(created.ok()) << created;
  const absl::Status refused = Admin::EnsureTopics(
      broker_->client_config(),
      {{.name = UniqueName("admin-bad"), .configs = {{"cleanup.policy", "x"}}}});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
}

// The embedded broker (librdkafka's mock cluster) keeps about 5 MB per partition and drops the
// oldest records beyond it; Apache Kafka (default retention) keeps them all. ReadTopicToEnd says
// how many the broker no longer holds, so a reader can tell them from records never produced.
TEST_P(KafkaIntegrationTest, ReadTopicToEndCountsTheRecordsTheBrokerNoLongerHolds) {
  const std::string topic = NewTopic(1);
  constexpr int kRecords = 8000;  // 8 MB of values on one partition, incompressible (lz4 is on)
  std::atomic<int> failed = 0;
  uint64_t state = 88172645463325252ull;
  for (int i = 0; i < kRecords; ++i) {
    OutboundMessage message;
    message.topic = topic;
    message.key = "key";
    message.value.resize(1000);
    for (char& c : message.value) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      c = static_cast<char>(state);
    }
    ASSERT_TRUE(producer_
                    ->Produce(std::move(message),
                              [&](const absl::Status& status, const Delivery&) {
                                if (!status.ok()) ++failed;
                              })
                    .ok());
  }
  ASSERT_TRUE(producer_->Flush(absl::Seconds(60)).ok());
  ASSERT_EQ(failed.load(), 0);

  auto read = ReadTopicToEnd(broker_->client_config(), topic,
                             [](const ConsumedMessage&) { return absl::OkStatus(); });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->records + read->no_longer_held, kRecords);
  if (GetParam() == BrokerKind::kEmbedded) {
    EXPECT_GT(read->no_longer_held, 0);
    EXPECT_LT(read->records, 6000);  // at most about 5 MB held
  } else {
    EXPECT_EQ(read->no_longer_held, 0);
  }
}

TEST_P(KafkaIntegrationTest, ReadTopicToEndReadsEveryRecordOnceWithNullValuesAsTombstones) {
  const std::string topic = NewTopic(3);
  for (int i = 0; i < 9; ++i) {
    OutboundMessage message;
    message.topic = topic;
    message.key = "key-" + std::to_string(i);
    message.value = "value-" + std::to_string(i);
    ASSERT_TRUE(producer_->ProduceAndWait(std::move(message)).ok());
  }
  OutboundMessage tombstone;
  tombstone.topic = topic;
  tombstone.key = "key-4";
  tombstone.tombstone = true;
  ASSERT_TRUE(producer_->ProduceAndWait(std::move(tombstone)).ok());
  OutboundMessage empty;  // an empty value is not a tombstone
  empty.topic = topic;
  empty.key = "key-empty";
  ASSERT_TRUE(producer_->ProduceAndWait(std::move(empty)).ok());

  std::map<std::string, std::vector<ConsumedMessage>> by_key;
  auto read = ReadTopicToEnd(broker_->client_config(), topic, [&](const ConsumedMessage& m) {
    by_key[m.key].push_back(m);
    return absl::OkStatus();
  });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->partitions, 3);
  EXPECT_EQ(read->records, 11);
  EXPECT_EQ(read->no_longer_held, 0);
  ASSERT_EQ(by_key["key-4"].size(), 2u);
  EXPECT_FALSE(by_key["key-4"][0].tombstone);
  EXPECT_EQ(by_key["key-4"][0].value, "value-4");
  EXPECT_TRUE(by_key["key-4"][1].tombstone);  // after the value, same partition
  ASSERT_EQ(by_key["key-empty"].size(), 1u);
  EXPECT_FALSE(by_key["key-empty"][0].tombstone);
  EXPECT_EQ(by_key["key-7"].size(), 1u);

  // A handler error stops the read and is returned.
  auto stopped = ReadTopicToEnd(broker_->client_config(), topic, [](const ConsumedMessage&) {
    return absl::DataLossError("stop here");
  });
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kDataLoss);
  // An empty topic reads nothing and returns at once.
  auto nothing = ReadTopicToEnd(broker_->client_config(), NewTopic(2),
                                [](const ConsumedMessage&) { return absl::OkStatus(); });
  ASSERT_TRUE(nothing.ok()) << nothing.status();
  EXPECT_EQ(nothing->records, 0);
}

TEST_P(KafkaIntegrationTest, WatermarkReaderCountsRecordsPerTopic) {
  const std::string three = NewTopic(3);
  const std::string one = NewTopic(1);
  for (int i = 0; i < 5; ++i) {
    const std::string child = absl::StrCat("child-", i);
    ASSERT_TRUE(testing::PublishEvent(*producer_, three, child,
                                      CaseAllocatedEvent(absl::StrCat("wm-", i), child),
                                      ContentType::kProtobuf)
                    .ok());
  }
  ASSERT_TRUE(testing::PublishEvent(*producer_, one, "c", CaseAllocatedEvent("wm-one", "c"),
                                    ContentType::kProtobuf)
                  .ok());
  auto reader = WatermarkReader::Create(broker_->client_config());
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::string missing = UniqueName("never-created");
  auto ends = (*reader)->EndOffsets({three, one, missing});
  ASSERT_TRUE(ends.ok()) << ends.status();
  EXPECT_EQ(ends->at(three), 5);  // summed over its three partitions
  EXPECT_EQ(ends->at(one), 1);
  EXPECT_EQ(ends->at(missing), 0);
}

TEST_P(KafkaIntegrationTest, WatermarkReaderReadsWhatAGroupCommittedWithoutJoiningIt) {
  const std::string topic = NewTopic(3);
  constexpr int kRecords = 9;
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(producer_
                    ->ProduceAndWait({.topic = topic,
                                      .key = "child-" + std::to_string(i % 4),
                                      .value = std::to_string(i)})
                    .ok());
  }
  auto reader = WatermarkReader::Create(broker_->client_config());
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::string group = UniqueName("committed");
  // Nothing committed yet: 0, also for a topic the cluster does not have.
  const std::string missing = UniqueName("never-created");
  auto before = (*reader)->CommittedOffsets(group, {topic, missing});
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->at(topic), 0);
  EXPECT_EQ(before->at(missing), 0);

  // A member handles 5 records and stops (committing them), then the group's offsets say so.
  constexpr int kHandled = 5;
  Seen seen;
  std::stop_source stop;
  {
    auto consumer = MakeConsumer(ConsumerConfigFor({topic}, group));
    ASSERT_NE(consumer, nullptr);
    ASSERT_TRUE(consumer
                    ->Run(
                        [&](const ConsumedMessage& message) {
                          seen.Add(message);
                          if (seen.Count() == kHandled) stop.request_stop();
                          return HandlerOutcome::Processed();
                        },
                        stop.get_token())
                    .ok());
  }
  auto after = (*reader)->CommittedOffsets(group, {topic});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->at(topic), kHandled);

  // A second member handles the rest: committed reaches the end offsets.
  RunningConsumer running(MakeConsumer(ConsumerConfigFor({topic}, group)),
                          [&](const ConsumedMessage& message) {
                            seen.Add(message);
                            return HandlerOutcome::Processed();
                          });
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] { return seen.Count() >= static_cast<size_t>(kRecords); }, absl::Seconds(60)));
  EXPECT_TRUE(running.Stop().ok());
  auto ends = (*reader)->EndOffsets({topic});
  auto done = (*reader)->CommittedOffsets(group, {topic});
  ASSERT_TRUE(ends.ok() && done.ok());
  EXPECT_EQ(done->at(topic), kRecords);
  EXPECT_EQ(done->at(topic), ends->at(topic));
}

INSTANTIATE_TEST_SUITE_P(Brokers, KafkaIntegrationTest,
                         ::testing::Values(BrokerKind::kReal, BrokerKind::kEmbedded),
                         [](const ::testing::TestParamInfo<BrokerKind>& info) {
                           return std::string(testing::BrokerKindName(info.param));
                         });

}  // namespace
}  // namespace oversight::kafka
