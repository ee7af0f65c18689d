#include "oversight/embedded_broker/embedded_broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "absl/strings/str_cat.h"
#include "oversight/embedded_broker/fault_command.h"

namespace oversight::embedded_broker {

absl::StatusOr<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(
    const EmbeddedBrokerOptions& options) {
  if (options.brokers < 1) return absl::InvalidArgumentError("need at least one broker");
  if (options.partitions < 1) return absl::InvalidArgumentError("need at least one partition");
  // The mock cluster lives inside a client handle; this one never talks to anyone.
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  rd_kafka_conf_set(conf, "log_level", "4", error, sizeof(error));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("cannot create the hosting client: ", error));
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, options.brokers);
  if (cluster == nullptr) {
    rd_kafka_destroy(rk);
    return absl::InternalError("librdkafka could not start a mock cluster");
  }
  std::unique_ptr<EmbeddedBroker> broker(new EmbeddedBroker(rk, cluster, options.brokers));
  for (const std::string& topic : options.topics) {
    if (auto status = broker->CreateTopic(topic, options.partitions, std::min(options.brokers, 3));
        !status.ok()) {
      return status;
    }
  }
  return broker;
}

EmbeddedBroker::EmbeddedBroker(rd_kafka_s* rk, rd_kafka_mock_cluster_s* cluster, int brokers)
    : rk_(rk),
      cluster_(cluster),
      brokers_(brokers),
      bootstrap_(rd_kafka_mock_cluster_bootstraps(cluster)) {}

EmbeddedBroker::~EmbeddedBroker() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(rk_);
}

absl::Status EmbeddedBroker::CreateTopic(std::string_view name, int partitions,
                                         int replication_factor) {
  if (name.empty()) return absl::InvalidArgumentError("empty topic name");
  if (partitions < 1) return absl::InvalidArgumentError("a topic needs at least one partition");
  if (replication_factor < 1 || replication_factor > brokers_) {
    return absl::InvalidArgumentError(
        absl::StrCat("replication factor ", replication_factor, " with ", brokers_, " broker(s)"));
  }
  const rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, std::string(name).c_str(),
                                                             partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(
        absl::StrCat("create topic ", std::string(name), ": ", rd_kafka_err2name(err)));
  }
  return absl::OkStatus();
}

absl::Status EmbeddedBroker::Execute(std::string_view command_line) {
  return ExecuteCommand(*this, command_line);
}

}  // namespace oversight::embedded_broker
