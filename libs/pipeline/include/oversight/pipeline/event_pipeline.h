// The event pipeline of a service: its Kafka producer, its at-least-once consumers, its Redis
// connections and the relay of its outbox, all built from configuration and run as ServiceHost
// workers, so a service's main only says which topics it consumes with which handler.
//
// Configuration keys (env OVERSIGHT_<KEY>, see runtime::Config):
//   kafka.bootstrap_servers    required, "host:port[,...]"
//   kafka.properties.*         passed to librdkafka (security.protocol, sasl.*, ssl.* ...)
//   kafka.group_id             default "oversight-<service>"
//   kafka.create_topics        default true: create missing topics with the admin API
//   kafka.topic_partitions     default 6, for topics it creates
//   kafka.replication_factor   default 1
//   kafka.max_batch            default 500: records per handler call (ConsumeBatches)
//   kafka.consumers            default 1: group members per Consume/ConsumeBatches in this
//                              process (threads, each with its own consumer, handler and Redis
//                              connection: what a second replica would add, without its process)
//   topics.<name>              topic name overrides, e.g. topics.case_events
//   redis.*                    see redis::ConnectionOptionsFromConfig (default 127.0.0.1:6379)
//   outbox.*                   see redis::OutboxRelayOptionsFromConfig
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/producer.h"
#include "oversight/redis/connection.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/runtime/service_host.h"

namespace oversight::pipeline {

// Builds a consumer's handler once its worker thread has a Redis connection of its own.
using HandlerFactory = std::function<kafka::MessageHandler(redis::Connection& connection)>;
// The same for a handler of whole batches (kafka::Consumer::RunBatches).
using BatchHandlerFactory = std::function<kafka::BatchHandler(redis::Connection& connection)>;

// Owned by main; must outlive host.Run(). Not thread-safe while being set up (main thread);
// producer() and redis_pool() are thread-safe afterwards.
class EventPipeline {
 public:
  // Reads the configuration (errors are recorded in the host's Config, reported by Validate).
  EventPipeline(runtime::ServiceHost& host, std::string service);
  ~EventPipeline();

  // The topic configured under topics.<name>, or `default_topic`.
  std::string Topic(std::string_view name, std::string_view default_topic) const;
  // The same for a topic that Start() creates (when kafka.create_topics is on) with these
  // topic-level configs, e.g. {{"cleanup.policy", "compact"}}. An existing topic is left as it is.
  std::string Topic(std::string_view name, std::string_view default_topic,
                    std::map<std::string, std::string> configs) const;

  // Checks the configuration first (INVALID_ARGUMENT listing every problem recorded so far,
  // the runtime's and the service's). Then creates the producer and, when kafka.create_topics is
  // on, the topics this service touches (every Topic() asked for so far plus the dead-letter
  // topic). A broker without the admin API (the embedded broker) is logged and tolerated; other
  // failures are returned.
  absl::Status Start();

  // The producer (after Start). Thread-safe.
  kafka::Producer& producer();
  // Connections for gRPC handlers. Thread-safe.
  redis::ConnectionPool& redis_pool() { return *pool_; }
  const redis::ConnectionOptions& redis_options() const { return redis_options_; }

  // Adds a worker that consumes `topics` in this service's consumer group: offsets are stored
  // only after the handler returned Processed (or its dead letter was delivered); on shutdown it
  // finishes the record in hand, commits and leaves the group.
  void Consume(std::string worker_name, std::vector<std::string> topics, HandlerFactory factory);

  // Like Consume, handing the handler up to `kafka.max_batch` records (default 500) at a time.
  void ConsumeBatches(std::string worker_name, std::vector<std::string> topics,
                      BatchHandlerFactory factory);

  // Adds a worker relaying this service's outbox streams (every authority) to Kafka; a record
  // is deleted from its stream only after the broker acknowledged it. Each pass produces up to
  // `outbox.batch_size` records of a stream at once and waits for all their acknowledgements.
  void RelayOutbox();
  // The same for the outboxes of these authorities, known from the start: the relay looks for
  // others (left by an earlier configuration) once, at start, and never again (a discovery
  // SCANs the whole keyspace: seconds of Redis time at a million open cases). Services pass the
  // authorities they serve.
  void RelayOutbox(std::vector<std::string> authority_ids);

 private:
  runtime::ServiceHost& host_;
  std::string service_;
  kafka::ClientConfig kafka_;
  std::string group_id_;
  bool create_topics_ = true;
  int partitions_ = 6;
  int replication_ = 1;
  redis::ConnectionOptions redis_options_;
  std::unique_ptr<redis::ConnectionPool> pool_;
  std::unique_ptr<kafka::Producer> producer_;
  mutable std::vector<std::string> topics_;
  mutable std::map<std::string, std::map<std::string, std::string>> topic_configs_;
  std::string dead_letter_topic_;
  int max_batch_ = 500;
  int consumers_ = 1;

  // Adds kafka.consumers consumer workers named `name`, `name`-2, ...; `run` runs a consumer
  // with its handler until stopped.
  using RunConsumer =
      std::function<absl::Status(kafka::Consumer&, redis::Connection&, std::stop_token)>;
  void AddConsumer(std::string name, std::vector<std::string> topics, RunConsumer run);
  void AddConsumerWorker(std::string worker_name, std::vector<std::string> topics, RunConsumer run);
};

// The Kafka client settings of a service's configuration (kafka.bootstrap_servers, required;
// kafka.properties.*), client id "oversight-<service>". For EventPipeline and for commands that
// run beside a service with its configuration (`oversight-recording rebuild`). Problems are
// recorded in `config` (Config::Validate reports them).
kafka::ClientConfig KafkaClientFromConfig(const runtime::Config& config, std::string_view service);

// Logs why a service could not start and returns its exit code: 2 for configuration problems
// (INVALID_ARGUMENT, NOT_FOUND of a configured file), 1 otherwise. For main():
//   if (auto s = events.Start(); !s.ok()) return pipeline::StartupFailure(host, s);
int StartupFailure(const runtime::ServiceHost& host, const absl::Status& status);

}  // namespace oversight::pipeline
