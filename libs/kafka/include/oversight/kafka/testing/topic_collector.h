#ifndef OVERSIGHT_KAFKA_TESTING_TOPIC_COLLECTOR_H_
#define OVERSIGHT_KAFKA_TESTING_TOPIC_COLLECTOR_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"
#include "oversight/kafka/consumer.h"

namespace oversight::kafka::testing {

// Reads a whole topic from the beginning, as a test's observer: every partition is assigned
// directly (a fresh, never-committing group id, no group join), so it sees everything and
// disturbs no service's consumer group.
//
// Not thread-safe; one collector per thread.
class TopicCollector {
 public:
  TopicCollector(ClientConfig client, std::string topic);

  // Consumes until `done(records so far)` returns true, or `timeout` passes. Returns every
  // record read (in per-partition order; partitions interleaved), or DEADLINE_EXCEEDED saying
  // how many were read; UNAVAILABLE if the topic's partitions cannot be found.
  absl::StatusOr<std::vector<ConsumedMessage>> CollectUntil(
      const std::function<bool(const std::vector<ConsumedMessage>&)>& done, absl::Duration timeout);

  // CollectUntil at least `count` records.
  absl::StatusOr<std::vector<ConsumedMessage>> CollectAtLeast(size_t count, absl::Duration timeout);

 private:
  ClientConfig client_;
  std::string topic_;
};

}  // namespace oversight::kafka::testing

#endif  // OVERSIGHT_KAFKA_TESTING_TOPIC_COLLECTOR_H_
