#ifndef OVERSIGHT_KAFKA_INTERNAL_RDKAFKA_HANDLES_H_
#define OVERSIGHT_KAFKA_INTERNAL_RDKAFKA_HANDLES_H_

// RAII owners for librdkafka C handles, configuration building and error mapping.

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oversight/kafka/client_config.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/headers.h"

namespace oversight::kafka::internal {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

// A configuration with `defaults` applied first, then bootstrap.servers, client.id and the
// user's properties (which win), then `forced` (which the caller's guarantees depend on).
// INVALID_ARGUMENT names the property librdkafka rejected.
absl::StatusOr<ConfPtr> BuildConf(const ClientConfig& config,
                                  const std::map<std::string, std::string>& defaults,
                                  const std::map<std::string, std::string>& forced);

// Maps a librdkafka error to a status whose code says whether retrying is safe.
absl::Status StatusFromError(rd_kafka_resp_err_t err, std::string_view context);

// Copies librdkafka headers into Headers (values that are NULL become empty).
Headers CopyHeaders(const rd_kafka_headers_t* headers);

// Copies a consumed record (key, value, headers, timestamp) out of librdkafka.
ConsumedMessage ToConsumedMessage(const rd_kafka_message_t& message);

// A new librdkafka header list holding `headers` (caller owns it).
rd_kafka_headers_t* NewRdHeaders(const Headers& headers);

}  // namespace oversight::kafka::internal

#endif  // OVERSIGHT_KAFKA_INTERNAL_RDKAFKA_HANDLES_H_
