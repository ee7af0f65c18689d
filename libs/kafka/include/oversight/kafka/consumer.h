#ifndef OVERSIGHT_KAFKA_CONSUMER_H_
#define OVERSIGHT_KAFKA_CONSUMER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"
#include "oversight/kafka/headers.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/topics.h"

struct rd_kafka_s;

namespace prometheus {
class Registry;
}

namespace oversight::kafka {

namespace internal {
class ConsumerProbe;
}

// One record as the handler sees it.
struct ConsumedMessage {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;
  std::string value;
  Headers headers;
  std::optional<absl::Time> timestamp;  // the record's create/log-append time, if it has one
  bool tombstone = false;               // the value is null (a compaction tombstone); value ""
};

// What the handler decided about a record.
struct HandlerOutcome {
  enum class Kind {
    kProcessed,   // its effects are durable: store the offset
    kDeadLetter,  // it can never be processed: publish it to the dead-letter topic, move on
    kRetryLater,  // a transient failure: deliver it again after a back-off, store nothing
  };
  Kind kind = Kind::kProcessed;
  std::string reason;  // dead letter: a short machine-readable reason, e.g. "decode_failed"
  std::string detail;  // dead letter / retry: what a person needs to know

  static HandlerOutcome Processed() { return {}; }
  static HandlerOutcome DeadLetter(std::string reason, std::string detail) {
    return {Kind::kDeadLetter, std::move(reason), std::move(detail)};
  }
  static HandlerOutcome RetryLater(std::string detail) {
    return {Kind::kRetryLater, "", std::move(detail)};
  }
};

// Called on the thread that runs Consumer::Run, one record at a time, in offset order per
// partition. An exception thrown from it is treated as RetryLater.
using MessageHandler = std::function<HandlerOutcome(const ConsumedMessage&)>;

// Called on the thread that runs Consumer::RunBatches with the records polled together (at most
// ConsumerConfig::max_batch; in offset order per partition, partitions interleaved as they
// arrived). Returns one outcome per record, in the same order; a missing outcome (a shorter
// vector) or an exception counts as RetryLater. After a RetryLater for a record, the later
// records of its partition in this batch are delivered again whatever their outcomes say, so
// a handler must not apply them (or must apply them idempotently and in order on redelivery):
// the simplest handler returns RetryLater for everything after its first failure.
using BatchHandler =
    std::function<std::vector<HandlerOutcome>(const std::vector<ConsumedMessage>&)>;

// The detail of a record retried because an earlier one of its batch is.
inline constexpr char kRetriedWithAnEarlierRecord[] = "an earlier record of this batch is retried";

// What a batch handler returns once a record must be retried: every outcome after the first
// RetryLater becomes RetryLater too (dead letters and processed ones alike: the consumer
// delivers them again, in order), with `detail` saying why.
void RetryEveryOutcomeAfterTheFirstRetry(std::vector<HandlerOutcome>& outcomes,
                                         const std::string& detail = kRetriedWithAnEarlierRecord);

// Headers added to a dead-lettered record (beside the original key, value and headers).
inline constexpr std::string_view kDlqReasonHeader = "dlq_reason";
inline constexpr std::string_view kDlqDetailHeader = "dlq_detail";
inline constexpr std::string_view kDlqSourceTopicHeader = "dlq_source_topic";
inline constexpr std::string_view kDlqSourcePartitionHeader = "dlq_source_partition";
inline constexpr std::string_view kDlqSourceOffsetHeader = "dlq_source_offset";

struct ConsumerConfig {
  ClientConfig client;
  std::string group_id;             // required
  std::vector<std::string> topics;  // required, at least one
  std::string dead_letter_topic = std::string(kDeadLettersTopic);
  // Producer for dead letters; not owned, must outlive the Consumer. Null: the consumer makes
  // its own from `client`.
  Producer* dead_letter_producer = nullptr;
  absl::Duration poll_timeout = absl::Milliseconds(100);
  absl::Duration retry_backoff_initial = absl::Milliseconds(100);
  absl::Duration retry_backoff_max = absl::Seconds(10);
  // How long to wait for a dead letter's delivery before treating the record as RetryLater.
  absl::Duration dead_letter_timeout = absl::Seconds(30);
  // Metrics registry (not owned, must outlive the Consumer); null: no metrics. Registers
  //   oversight_events_consumed_total{topic,outcome}   outcome: processed|dead_letter|retry
  //   oversight_dead_letters_total{topic,reason}
  //   oversight_kafka_consumer_lag{topic,partition}    from librdkafka statistics
  prometheus::Registry* metrics = nullptr;
  // Dead-letter reasons whose counters exist at zero from the start for every topic, like the
  // outcome counters (so dashboards see idle consumers and alerts' increase() the first one).
  // Other reasons count from their first use.
  std::vector<std::string> dead_letter_reasons;
  // How often librdkafka reports statistics (the lag gauge); zero disables them.
  absl::Duration statistics_interval = absl::Seconds(5);
  // RunBatches: at most this many records per handler call. The batch holds what the first
  // poll returned plus whatever else librdkafka has already fetched; it never waits to fill.
  int max_batch = 500;
  // Errors the loop survives (broker down, unknown topic ...). Default: a line on stderr.
  std::function<void(const absl::Status&)> on_error;
};

// A consumer-group member that feeds records to a handler with at-least-once delivery: a
// record's offset is stored (and later committed) only after the handler returned Processed, or
// after its dead letter was acknowledged by the broker. Assignment is eager (range, roundrobin).
//
// Defaults (overridable through ClientConfig::properties): auto.offset.reset=earliest,
// fetch.wait.max.ms=100, session.timeout.ms=10000, partition.assignment.strategy=range,roundrobin.
// Forced: enable.auto.offset.store=false, enable.partition.eof=false, group.id.
//
// Thread-safety: Run is called by one thread; stop it through its stop_token from any thread.
class Consumer {
 public:
  // Creates the consumer and subscribes to the topics. INVALID_ARGUMENT for a bad configuration
  // (no group id, no topics, a property librdkafka rejects); INTERNAL if librdkafka fails.
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(ConsumerConfig config);

  // Closes the consumer if Run never did (committing what was stored).
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Polls and hands records to `handler` until `stop` is requested, then commits the stored
  // offsets synchronously and leaves the group. Per outcome:
  //  - Processed: stores offset+1.
  //  - DeadLetter: publishes the original key, value and headers to the dead-letter topic with
  //    the dlq_* headers, waits for its delivery, then stores offset+1. If the dead letter
  //    cannot be delivered, the record is retried like RetryLater (nothing is lost).
  //  - RetryLater / exception: seeks the partition back to the record and waits a bounded
  //    exponential back-off (initial, doubling, at most retry_backoff_max; reset by any other
  //    outcome) before polling again. The back-off pauses the whole consumer.
  // Returns OK after a clean stop; the commit's error (UNAVAILABLE ...) if the final commit
  // failed (the records are then redelivered to the next member); INTERNAL on a fatal client
  // error; FAILED_PRECONDITION if called again after it returned.
  absl::Status Run(const MessageHandler& handler, std::stop_token stop);

  // Like Run, with many records per handler call (the throughput path: a handler can read and
  // write the state of a whole batch in a few Redis round trips). Per record, in batch order:
  // Processed and DeadLetter as in Run; RetryLater seeks its partition back to that record and
  // skips the partition's later records of the batch (delivered again), then the consumer backs
  // off before the next poll. Offsets are stored once per batch. Returns as Run does.
  absl::Status RunBatches(const BatchHandler& handler, std::stop_token stop);

  // The partitions currently assigned to this member, as "topic/partition" (for tests and
  // logs).
  std::vector<std::string> Assignment() const;

 private:
  Consumer(ConsumerConfig config, std::unique_ptr<Producer> owned_producer);
  HandlerOutcome CallHandler(const MessageHandler& handler, const ConsumedMessage& message);
  std::vector<HandlerOutcome> CallBatchHandler(const BatchHandler& handler,
                                               const std::vector<ConsumedMessage>& batch);
  // Polls once; returns the record, or nullopt (nothing within `timeout_ms`, or an error that
  // was reported). A fatal client error sets `fatal`.
  std::optional<ConsumedMessage> PollRecord(int timeout_ms, absl::Status& fatal);
  absl::Status PublishDeadLetter(const ConsumedMessage& message, const HandlerOutcome& outcome);
  void StoreOffset(const ConsumedMessage& message);
  void SeekBack(const ConsumedMessage& message);
  absl::Status Close();
  void ReportError(const absl::Status& status);

  ConsumerConfig config_;
  std::unique_ptr<Producer> owned_producer_;
  Producer* dead_letter_producer_;
  std::unique_ptr<internal::ConsumerProbe> probe_;
  rd_kafka_s* rk_ = nullptr;
  bool closed_ = false;
};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_CONSUMER_H_
