#ifndef OVERSIGHT_EMBEDDED_BROKER_EMBEDDED_BROKER_H_
#define OVERSIGHT_EMBEDDED_BROKER_EMBEDDED_BROKER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace oversight::embedded_broker {

struct EmbeddedBrokerOptions {
  int brokers = 1;                  // broker ids are 1..brokers
  int partitions = 3;               // for every topic in `topics`
  std::vector<std::string> topics;  // created at start; empty: none
};

// A Kafka cluster inside this process: librdkafka's mock cluster, speaking the real Kafka
// protocol over TCP on 127.0.0.1 (ports chosen by the kernel), with fault injection.
//
// Limits (librdkafka 2.0.2 mock): no admin API (CreateTopics is refused: use CreateTopic), no
// TLS/SASL, about 5 MiB kept per partition, transactions not atomic, the first consumer-group
// join takes about 3 s, and an empty fetch waits the whole fetch.wait.max.ms.
//
// Thread-safety: every method may be called from any thread; the cluster runs on its own
// threads. Destroying it drops every connection.
class EmbeddedBroker {
 public:
  // Starts the cluster and creates `options.topics`. INVALID_ARGUMENT for brokers < 1 or
  // partitions < 1; INTERNAL if librdkafka cannot start it.
  static absl::StatusOr<std::unique_ptr<EmbeddedBroker>> Start(
      const EmbeddedBrokerOptions& options);

  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  // "host:port,host:port..." of every broker.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  int broker_count() const { return brokers_; }

  // Creates a topic. ALREADY_EXISTS-like errors and bad arguments come back as
  // INVALID_ARGUMENT / UNAVAILABLE with librdkafka's reason.
  absl::Status CreateTopic(std::string_view name, int partitions, int replication_factor = 1);

  // Runs one fault-injection command line (see ExecuteCommand in fault_command.h for the
  // language). Returns OK or INVALID_ARGUMENT/NOT_FOUND with the reason; nothing is changed on
  // failure.
  absl::Status Execute(std::string_view command_line);

  // Low-level access for fault_command.cc.
  rd_kafka_mock_cluster_s* mock_cluster() const { return cluster_; }

 private:
  EmbeddedBroker(rd_kafka_s* rk, rd_kafka_mock_cluster_s* cluster, int brokers);

  rd_kafka_s* rk_;
  rd_kafka_mock_cluster_s* cluster_;
  int brokers_;
  std::string bootstrap_;
};

}  // namespace oversight::embedded_broker

#endif  // OVERSIGHT_EMBEDDED_BROKER_EMBEDDED_BROKER_H_
