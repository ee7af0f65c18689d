#ifndef OVERSIGHT_KAFKA_INTERNAL_CONSUMER_PROBE_H_
#define OVERSIGHT_KAFKA_INTERNAL_CONSUMER_PROBE_H_

// The consumer's metrics, kept beside the code it measures.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
class Gauge;
}  // namespace prometheus

namespace oversight::kafka::internal {

// One partition's lag from a librdkafka statistics report.
struct PartitionLag {
  std::string topic;
  int32_t partition = -1;
  int64_t lag = -1;
};

// Parses librdkafka's statistics JSON (statistics.interval.ms) and returns the consumer lag of
// every real partition (the internal partition -1 and unknown lags, -1, are skipped).
// INVALID_ARGUMENT if the text is not JSON of that shape.
absl::StatusOr<std::vector<PartitionLag>> ParseConsumerLag(std::string_view statistics_json);

// Counters and gauges of one consumer; a no-op without a registry. Thread-safe.
class ConsumerProbe {
 public:
  explicit ConsumerProbe(prometheus::Registry* registry);

  // Lists `topic`'s consumed series at 0 (outcomes processed, dead_letter and retry) and its
  // dead-letter series of `dead_letter_reasons`, so readers see every subscribed topic before
  // its first record (dashboards, the demo's settle check) and alerts' increase() the first
  // dead letter.
  void Subscribed(std::string_view topic, const std::vector<std::string>& dead_letter_reasons = {});
  void Consumed(std::string_view topic, std::string_view outcome);
  void DeadLettered(std::string_view topic, std::string_view reason);
  void Statistics(std::string_view statistics_json);

 private:
  prometheus::Family<prometheus::Counter>* consumed_ = nullptr;
  prometheus::Family<prometheus::Counter>* dead_letters_ = nullptr;
  prometheus::Family<prometheus::Gauge>* lag_ = nullptr;
};

}  // namespace oversight::kafka::internal

#endif  // OVERSIGHT_KAFKA_INTERNAL_CONSUMER_PROBE_H_
