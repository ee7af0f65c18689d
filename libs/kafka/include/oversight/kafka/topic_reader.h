#ifndef OVERSIGHT_KAFKA_TOPIC_READER_H_
#define OVERSIGHT_KAFKA_TOPIC_READER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"
#include "oversight/kafka/consumer.h"

namespace oversight::kafka {

// What ReadTopicToEnd read.
struct TopicReadResult {
  int partitions = 0;
  int64_t records = 0;  // handed to the handler (tombstones included)
  // Records the topic once had but the broker no longer holds: the sum of the partitions' start
  // offsets (low watermarks). Removed by retention or, on the embedded broker (librdkafka's mock
  // cluster), by its cap of about 5 MB per partition, oldest first. 0 on a topic nothing was
  // removed from.
  int64_t no_longer_held = 0;
};

// Reads a whole topic once, from the start of every partition up to the end it had when the
// read began (the high watermarks queried first; records produced later are not read), and
// hands each record to `handle` in offset order per partition (partitions one after another).
// For rebuilding a store from a changelog topic (recording's records topic) or replaying an
// inbound topic: partitions are assigned directly, no consumer group is joined and no offset is
// committed, so no service's group is disturbed. Compacted topics (gaps in offsets) and null
// values (ConsumedMessage::tombstone) are fine.
//
// Stops at the first error `handle` returns and returns it (records after it are not read).
// UNAVAILABLE if the topic or its watermarks cannot be read, DEADLINE_EXCEEDED (saying how far it
// got) if the end is not reached within `timeout`. Blocks the calling thread; thread-safe (each
// call uses its own client).
absl::StatusOr<TopicReadResult> ReadTopicToEnd(
    const ClientConfig& client, const std::string& topic,
    const std::function<absl::Status(const ConsumedMessage&)>& handle,
    absl::Duration timeout = absl::Minutes(30));

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_TOPIC_READER_H_
