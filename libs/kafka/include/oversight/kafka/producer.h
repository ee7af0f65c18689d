#ifndef OVERSIGHT_KAFKA_PRODUCER_H_
#define OVERSIGHT_KAFKA_PRODUCER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"
#include "oversight/kafka/headers.h"

struct rd_kafka_s;

namespace oversight::kafka {

// One record to publish.
struct OutboundMessage {
  std::string topic;
  std::string key;  // empty: no key (the partitioner spreads such records)
  std::string value;
  Headers headers;
  std::optional<int32_t> partition;  // unset: chosen by the partitioner from the key
  // True: publish a null value (a compaction tombstone: a compacted topic then drops every
  // earlier record with this key); `value` is ignored. False (default): `value`, even if empty.
  bool tombstone = false;
};

// Where a record was written.
struct Delivery {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
};

// Called once per record, on the producer's poll thread, when the broker has acknowledged it
// (OK) or librdkafka gave up on it (UNAVAILABLE / DEADLINE_EXCEEDED / ... with the reason).
// Keep it short: it delays other delivery reports.
using DeliveryCallback = std::function<void(const absl::Status&, const Delivery&)>;

struct ProducerConfig {
  ClientConfig client;
  // How long librdkafka keeps retrying one record before failing its delivery.
  absl::Duration message_timeout = absl::Seconds(30);
};

// An idempotent Kafka producer (enable.idempotence=true, acks=all: no duplicates or reordering
// from librdkafka's own retries). A background thread polls for delivery reports.
//
// Defaults (overridable through ClientConfig::properties): linger.ms=5,
// compression.type=lz4. Forced: enable.idempotence=true.
//
// Thread-safety: every method may be called from any number of threads at once.
class Producer {
 public:
  // Creates the producer and starts its poll thread. Returns INVALID_ARGUMENT for a bad
  // configuration (naming the property); INTERNAL if librdkafka cannot create the handle. No
  // connection is made until the first record, so an unreachable broker is not an error here.
  static absl::StatusOr<std::unique_ptr<Producer>> Create(const ProducerConfig& config);

  // Flushes for up to 10 s (records still queued after that are failed with their callbacks),
  // then stops the poll thread.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues `message` for sending; `on_delivery` (may be empty) is called exactly once later if
  // this returns OK, and never if it returns an error. A full local queue is waited out for up
  // to 5 s, then reported as UNAVAILABLE; INVALID_ARGUMENT for a record librdkafka refuses.
  absl::Status Produce(OutboundMessage message, DeliveryCallback on_delivery);

  // Produces and waits up to `timeout` for the delivery report. Returns where the record went,
  // or its delivery error. DEADLINE_EXCEEDED if no report came in time: the record may still be
  // delivered later.
  absl::StatusOr<Delivery> ProduceAndWait(OutboundMessage message,
                                          absl::Duration timeout = absl::Seconds(30));

  // Waits up to `timeout` until every queued record has its delivery report. Returns
  // DEADLINE_EXCEEDED if records were still outstanding.
  absl::Status Flush(absl::Duration timeout);

  // Records queued or in flight, waiting for a delivery report.
  int OutstandingCount() const;

 private:
  explicit Producer(rd_kafka_s* rk);
  void PollLoop();

  rd_kafka_s* rk_;
  std::atomic<bool> stopping_{false};
  std::thread poll_thread_;
};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_PRODUCER_H_
