#include "oversight/pipeline/event_pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "oversight/events/inbound.h"
#include "oversight/kafka/admin.h"
#include "oversight/kafka/topics.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/outbox_relay.h"
#include "oversight/redis/service_support.h"

namespace oversight::pipeline {
EventPipeline::EventPipeline(runtime::ServiceHost& host, std::string service)
    : host_(host), service_(std::move(service)) {
  const runtime::Config& config = host_.config();
  kafka_ = KafkaClientFromConfig(config, service_);
  group_id_ = config.GetString("kafka.group_id", "oversight-" + service_);
  create_topics_ = config.GetBool("kafka.create_topics", true);
  partitions_ = static_cast<int>(config.GetInt("kafka.topic_partitions", 6, 1, 10000));
  replication_ = static_cast<int>(config.GetInt("kafka.replication_factor", 1, 1, 10));
  max_batch_ = static_cast<int>(config.GetInt("kafka.max_batch", 500, 1, 100000));
  consumers_ = static_cast<int>(config.GetInt("kafka.consumers", 1, 1, 64));
  redis_options_ = redis::ConnectionOptionsFromConfig(config);
  pool_ = std::make_unique<redis::ConnectionPool>(redis_options_);
  dead_letter_topic_ = Topic("dead_letters", kafka::kDeadLettersTopic);
}

EventPipeline::~EventPipeline() = default;

std::string EventPipeline::Topic(std::string_view name, std::string_view default_topic) const {
  std::string topic = host_.config().GetString("topics." + std::string(name), default_topic);
  if (std::find(topics_.begin(), topics_.end(), topic) == topics_.end()) topics_.push_back(topic);
  return topic;
}

std::string EventPipeline::Topic(std::string_view name, std::string_view default_topic,
                                 std::map<std::string, std::string> configs) const {
  std::string topic = Topic(name, default_topic);
  topic_configs_[topic] = std::move(configs);
  return topic;
}

absl::Status EventPipeline::Start() {
  if (auto valid = host_.config().Validate(); !valid.ok()) return valid;
  kafka::ProducerConfig producer_config;
  producer_config.client = kafka_;
  // Well under the relay's lease (15 s) / 3, so a slow publish never lets another relay in.
  producer_config.message_timeout = absl::Seconds(4);
  auto producer = kafka::Producer::Create(producer_config);
  if (!producer.ok()) return producer.status();
  producer_ = *std::move(producer);

  if (create_topics_) {
    std::vector<kafka::TopicSpec> specs;
    for (const auto& topic : topics_)
      specs.push_back({topic, partitions_, replication_, topic_configs_[topic]});
    absl::Status created = kafka::Admin::EnsureTopics(kafka_, specs, absl::Seconds(30));
    if (absl::IsUnavailable(created)) {
      host_.logger().Warn("topics not created (no admin API on this broker?)",
                          {{"error", std::string(created.message())}});
    } else if (!created.ok()) {
      return created;
    } else {
      host_.logger().Info("topics ready", {{"topics", topics_}});
    }
  }
  return absl::OkStatus();
}

kafka::Producer& EventPipeline::producer() {
  return *producer_;
}

void EventPipeline::Consume(std::string worker_name, std::vector<std::string> topics,
                            HandlerFactory factory) {
  AddConsumer(std::move(worker_name), std::move(topics),
              [factory = std::move(factory)](kafka::Consumer& consumer,
                                             redis::Connection& connection, std::stop_token stop) {
                return consumer.Run(factory(connection), stop);
              });
}

void EventPipeline::ConsumeBatches(std::string worker_name, std::vector<std::string> topics,
                                   BatchHandlerFactory factory) {
  AddConsumer(std::move(worker_name), std::move(topics),
              [factory = std::move(factory)](kafka::Consumer& consumer,
                                             redis::Connection& connection, std::stop_token stop) {
                return consumer.RunBatches(factory(connection), stop);
              });
}

void EventPipeline::AddConsumer(std::string name, std::vector<std::string> topics,
                                RunConsumer run) {
  // kafka.consumers members of the group, each its own thread, consumer and Redis connection.
  for (int member = 1; member <= consumers_; ++member) {
    AddConsumerWorker(member == 1 ? name : absl::StrCat(name, "-", member), topics, run);
  }
}

void EventPipeline::AddConsumerWorker(std::string worker_name, std::vector<std::string> topics,
                                      RunConsumer run) {
  host_.AddWorker(worker_name, [this, worker_name, topics = std::move(topics),
                                run = std::move(run)](std::stop_token stop) {
    kafka::ConsumerConfig config;
    config.client = kafka_;
    config.group_id = group_id_;
    config.topics = topics;
    config.dead_letter_topic = dead_letter_topic_;
    config.dead_letter_producer = producer_.get();
    config.metrics = &host_.metrics_registry();
    config.dead_letter_reasons.assign(std::begin(events::kDeadLetterReasons),
                                      std::end(events::kDeadLetterReasons));
    config.max_batch = max_batch_;
    const runtime::Logger& logger = host_.logger();
    config.on_error = [&logger, worker_name](const absl::Status& status) {
      logger.Warn("consumer error",
                  {{"worker", worker_name}, {"error", std::string(status.message())}});
    };
    auto consumer = kafka::Consumer::Create(std::move(config));
    if (!consumer.ok()) {
      logger.Error("consumer not created",
                   {{"worker", worker_name}, {"error", std::string(consumer.status().message())}});
      host_.RequestShutdown();
      return;
    }
    redis::Connection connection(redis_options_);
    absl::Status finished = run(**consumer, connection, stop);
    if (!finished.ok()) {
      logger.Error("consumer stopped with an error",
                   {{"worker", worker_name}, {"error", std::string(finished.message())}});
    } else {
      logger.Info("consumer stopped, offsets committed", {{"worker", worker_name}});
    }
  });
}

namespace {

// Publishes a relay pass through the producer: produces every record, then waits (at most
// `timeout`) for all the acknowledgements. One status per record attempted; a record the
// producer refused ends the batch there (the rest are not attempted).
std::vector<absl::Status> PublishBatch(kafka::Producer& producer,
                                       const std::vector<redis::OutboxRecord>& records,
                                       absl::Duration timeout) {
  struct Acks {
    std::mutex mu;
    std::condition_variable done;
    size_t outstanding = 0;
    std::vector<absl::Status> statuses;
  };
  auto acks = std::make_shared<Acks>();  // delivery reports may come after a timeout
  acks->statuses.assign(records.size(),
                        absl::DeadlineExceededError("no acknowledgement from the broker in time"));
  size_t attempted = 0;
  for (; attempted < records.size(); ++attempted) {
    const redis::OutboxRecord& record = records[attempted];
    kafka::OutboundMessage message;
    message.topic = record.topic;
    message.key = record.key;
    message.value = record.value;
    message.tombstone = record.tombstone;
    for (const auto& [name, value] : record.headers)
      message.headers.Add(name, value);
    {
      std::lock_guard lock(acks->mu);
      ++acks->outstanding;
    }
    absl::Status queued = producer.Produce(
        std::move(message),
        [acks, index = attempted](const absl::Status& status, const kafka::Delivery&) {
          std::lock_guard lock(acks->mu);
          acks->statuses[index] = status;
          if (--acks->outstanding == 0) acks->done.notify_all();
        });
    if (!queued.ok()) {
      std::lock_guard lock(acks->mu);
      --acks->outstanding;
      acks->statuses[attempted] = queued;
      ++attempted;
      break;
    }
  }
  std::unique_lock lock(acks->mu);
  acks->done.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                      [&] { return acks->outstanding == 0; });
  return std::vector<absl::Status>(acks->statuses.begin(),
                                   acks->statuses.begin() + static_cast<ptrdiff_t>(attempted));
}

}  // namespace

void EventPipeline::RelayOutbox() {
  RelayOutbox({});
}

void EventPipeline::RelayOutbox(std::vector<std::string> authority_ids) {
  host_.AddWorker("outbox-relay", [this, authority_ids](std::stop_token stop) {
    redis::OutboxRelayOptions options =
        redis::OutboxRelayOptionsFromConfig(host_.config(), service_);
    for (const auto& authority : authority_ids) {
      options.outbox_keys.push_back(redis::OutboxKey(authority, service_));
    }
    // This service writes outboxes only for the authorities it serves: one discovery at start
    // finds what an earlier configuration left; repeating it would SCAN the whole keyspace
    // (millions of keys at a real caseload) for nothing.
    if (!authority_ids.empty()) options.discover_interval = absl::InfiniteDuration();
    redis::OutboxRelayProbe metrics(host_.metrics_registry(), &host_.logger());
    redis::OutboxRelay relay(
        redis_options_, options,
        redis::OutboxBatchPublishFn([this](const std::vector<redis::OutboxRecord>& records) {
          // Well under the lease's third (15 s / 3), like the producer's message timeout (4 s).
          return PublishBatch(*producer_, records, absl::Seconds(5));
        }),
        &metrics);
    relay.Run(stop);
  });
}

kafka::ClientConfig KafkaClientFromConfig(const runtime::Config& config, std::string_view service) {
  kafka::ClientConfig client;
  client.bootstrap_servers = config.RequireString("kafka.bootstrap_servers");
  client.client_id = "oversight-" + std::string(service);
  client.properties = config.GetSubtree("kafka.properties");
  return client;
}

int StartupFailure(const runtime::ServiceHost& host, const absl::Status& status) {
  host.logger().Error("cannot start", {{"error", std::string(status.message())},
                                       {"code", absl::StatusCodeToString(status.code())}});
  return absl::IsInvalidArgument(status) || absl::IsNotFound(status) ? 2 : 1;
}

}  // namespace oversight::pipeline
