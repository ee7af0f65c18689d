#ifndef OVERSIGHT_REDIS_OUTBOX_RELAY_H_
#define OVERSIGHT_REDIS_OUTBOX_RELAY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/redis/connection.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/script.h"

namespace oversight::redis {

// Publishes one record and returns only once the broker confirmed delivery (OK) or it failed.
// The service layer adapts its Kafka producer to this; this library does not know Kafka.
using OutboxPublishFn = std::function<absl::Status(const OutboxRecord&)>;

// Publishes several records at once (in stream order) and returns once each of them was
// confirmed or failed: one status per record, in the same order. A shorter result means the
// records past its end were not attempted. The throughput path: produce them all, then wait
// for all the acknowledgements (one broker round trip for the batch instead of one per record).
using OutboxBatchPublishFn =
    std::function<std::vector<absl::Status>(const std::vector<OutboxRecord>&)>;

// Hooks for metrics (oversight_outbox_pending, oversight_outbox_relayed_total, ...). Called on
// the relay's thread; the defaults do nothing.
class OutboxRelayObserver {
 public:
  virtual ~OutboxRelayObserver() = default;
  // Entries left in `outbox_key` after a pass over it (only for keys this relay holds).
  virtual void OnPending(const std::string& outbox_key, int64_t pending) {}
  // `record` was published and deleted from its outbox.
  virtual void OnRelayed(const OutboxRecord& record) {}
  // Publishing `record` failed; it stays in the outbox and is retried later.
  virtual void OnPublishFailed(const OutboxRecord& record, const absl::Status& status) {}
  // A pass in Run() failed (Redis unreachable, a failed publish); Run backs off by `backoff`.
  virtual void OnPassFailed(const absl::Status& status, absl::Duration backoff) {}
};

struct OutboxRelayOptions {
  // Outbox streams to relay (OutboxKey(authority, service)).
  std::vector<std::string> outbox_keys;
  // Also relay every stream whose key matches this SCAN pattern (OutboxKeyPattern(service)),
  // looked up again every `discover_interval`. Empty: only `outbox_keys`.
  std::string discover_pattern;
  absl::Duration discover_interval = absl::Seconds(5);
  // Identity in the lease; empty: "<hostname>-<pid>-<random>", new for every process, so a
  // process restarted after a crash waits for its predecessor's lease to expire (lease_ttl)
  // before it publishes. A stable id that only one process at a time can have (a Kubernetes
  // pod's name: a restarted container keeps it, no other pod has it) lets the restarted
  // process renew the lease at once. Never give one id to two live relays of a stream: both
  // would publish from it.
  std::string owner_id;
  // Only the holder of a stream's lease ("<outbox_key>:lease", SET NX PX) publishes from it.
  // The lease is renewed before each publish once a third of it has passed, so a publish must
  // take well under lease_ttl / 3 (keep the producer's delivery timeout below that), or another
  // relay may take over and publish the same entry again.
  absl::Duration lease_ttl = absl::Seconds(15);
  // Entries read per stream per pass.
  int batch_size = 500;
  // Wait between passes that found nothing to do.
  absl::Duration poll_interval = absl::Milliseconds(100);
  // Wait after a failed pass, doubling up to the maximum; reset by a clean pass.
  absl::Duration retry_initial_backoff = absl::Milliseconds(100);
  absl::Duration retry_max_backoff = absl::Seconds(10);
};

// Where the relay parks entries it cannot parse (no topic): "<outbox_key>:dead", same slot.
std::string DeadLetterKey(std::string_view outbox_key);

// Moves outbox records to the broker: for each stream whose lease it holds, reads the oldest
// entries in order (up to batch_size), hands them to `publish` (one at a time with an
// OutboxPublishFn, all at once with an OutboxBatchPublishFn) and XDELs an entry only after its
// publish returned OK. Only the leading run of successes is deleted (one XDEL for the batch): a
// failed publish stops that stream for this pass, and that entry and every one after it stay
// and are published again, in order, after a backoff (records after the failure that were
// delivered anyway are then delivered twice, which at-least-once allows). Delivery is at least
// once: a crash between the broker's ack and XDEL publishes that record again, so consumers
// de-duplicate by event id (as the outbox scripts do). A malformed entry (written by something
// other than OutboxScript) is moved to DeadLetterKey(outbox_key) and reported through
// OnPublishFailed, so it never blocks the stream. Several relays (replicas) may run against the
// same streams: the lease keeps one publisher per stream at a time.
//
// Owns its Connection. Not thread-safe: call Run() (or RelayOnce()) from one thread; the
// counters may be read from any thread.
class OutboxRelay {
 public:
  OutboxRelay(ConnectionOptions connection, OutboxRelayOptions options, OutboxPublishFn publish,
              OutboxRelayObserver* observer = nullptr);
  // Publishes each pass's entries of a stream as one batch.
  OutboxRelay(ConnectionOptions connection, OutboxRelayOptions options,
              OutboxBatchPublishFn publish_batch, OutboxRelayObserver* observer = nullptr);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // One pass over every stream: returns how many records were published and deleted. Returns
  // the first error (Redis unreachable, a failed publish) after having tried every stream.
  absl::StatusOr<int64_t> RelayOnce();

  // Passes until `stop` is requested (waiting poll_interval when idle, backing off after
  // errors), then releases its leases. Use as a ServiceHost worker.
  void Run(std::stop_token stop);

  // Gives up every lease this relay holds (compare-and-delete), so another relay can take over
  // at once. Called by Run() on stop.
  void ReleaseLeases();

  const std::string& owner_id() const { return options_.owner_id; }
  int64_t relayed_total() const { return relayed_total_.load(); }
  int64_t failed_total() const { return failed_total_.load(); }

 private:
  // Returns true if this relay holds (took or renewed) the lease of `outbox_key`.
  absl::StatusOr<bool> AcquireLease(const std::string& outbox_key);
  absl::StatusOr<int64_t> RelayStream(const std::string& outbox_key);
  // Publishes `records` as one group and deletes the leading run of successes. Returns how many
  // were deleted, or the first publish failure (after deleting those before it).
  absl::StatusOr<int64_t> PublishGroup(const std::string& outbox_key,
                                       const std::vector<OutboxRecord>& records);
  absl::Status Discover();

  Connection connection_;
  OutboxRelayOptions options_;
  OutboxBatchPublishFn publish_batch_;
  size_t group_size_;  // records per publish call: 1 for an OutboxPublishFn, else batch_size
  OutboxRelayObserver* observer_;
  OutboxRelayObserver default_observer_;
  Script acquire_script_;
  Script release_script_;
  Script dead_letter_script_;
  std::vector<std::string> keys_;
  absl::Time next_discovery_ = absl::InfinitePast();
  std::atomic<int64_t> relayed_total_{0};
  std::atomic<int64_t> failed_total_{0};
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_OUTBOX_RELAY_H_
