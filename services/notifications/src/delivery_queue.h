// The durable delivery queue in Redis (keys: store_keys.h): one sorted set per channel of
// delivery ids by the time of their next attempt, and a hash per delivery.
//
// A delivery is created (pending) in the same ChangeSet as its notification. A worker claims
// what is due with one script that, per delivery, re-checks that it is still due and pending,
// counts the attempt, stores a fresh claim token and moves it to the end of a lease: two
// replicas never claim the same attempt, and a worker that dies mid-send leaves the delivery to
// be claimed again when the lease ends (at-least-once to the mail server; the Message-ID and
// the X-Oversight-Delivery header stay the same, so receivers can drop a copy). The outcome is
// written by a second script that first checks the claim token (a worker whose lease ran out
// changes nothing) and, with it, appends the NotificationSent / NotificationFailed event to the
// outbox: sent (done, kept 35 days), retry (due again at a later time), dead (the dead-letter
// record) or superseded (the item was satisfied or the notification acknowledged first).
//
// Digests use the same pattern over ovs:{A}:ntf:digests (recipients by next digest time).
//
// Not thread-safe (the connection is not): one DeliveryQueue per thread.
#pragma once

#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"

namespace oversight::notifications {

// Adds a pending delivery of `notification_id` to `recipient` on `channel`, due at `at`, to
// `change`. Idempotent: an existing delivery keeps its state and attempts (a sent one is
// dropped by the next claim instead of being sent again).
void AddDelivery(redis::ChangeSet& change, const std::string& authority,
                 const std::string& notification_id, const std::string& recipient,
                 v1::Channel channel, absl::Time at, absl::Time now);

// Adds `notification_id` to the recipient's digest and schedules the digest at `at` unless it
// is scheduled earlier already.
void AddToDigest(redis::ChangeSet& change, const std::string& authority,
                 const std::string& recipient, const std::string& notification_id,
                 int64_t created_micros, absl::Time at);

// Marks an item occurrence satisfied or cancelled.
void CloseOccurrence(redis::ChangeSet& change, const std::string& authority,
                     const std::string& occurrence);

// One claimed attempt.
struct ClaimedDelivery {
  std::string delivery_id;
  std::string notification_id;
  std::string recipient_id;
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  int attempt = 0;    // 1 for the first attempt
  std::string token;  // proves the claim when the outcome is written
};

enum class DeliveryEnd { kSent, kRetry, kDead, kSuperseded };

struct DeliveryOutcome {
  DeliveryEnd end = DeliveryEnd::kSent;
  absl::Time next_at;  // kRetry: when the next attempt is due
  std::string error;   // kRetry / kDead: what went wrong
  // The event to publish with the outcome (NotificationSent, NotificationFailed), or null.
  const google::protobuf::Message* event = nullptr;
};

class DeliveryQueue {
 public:
  DeliveryQueue(redis::Connection& connection, std::string notifications_topic)
      : connection_(connection), notifications_topic_(std::move(notifications_topic)) {}

  // Claims up to `limit` deliveries of `channel` due at `now`, each until `now + lease`.
  // Deliveries found finished (sent earlier, then queued again by a redelivered event) are
  // dropped from the queue. Transport errors as Connection::Command.
  absl::StatusOr<std::vector<ClaimedDelivery>> Claim(const std::string& authority,
                                                     v1::Channel channel, absl::Time now,
                                                     absl::Duration lease, int limit);

  // Writes the outcome of a claimed attempt and appends its event to the outbox, atomically.
  // False (nothing written) if the claim was lost (its lease ran out and another worker
  // claimed it). Safe to call again after a transport error.
  absl::StatusOr<bool> Complete(const std::string& authority, const ClaimedDelivery& claimed,
                                const DeliveryOutcome& outcome, absl::Time now);

  // Deliveries waiting in the channel's queue (due or not).
  absl::StatusOr<int64_t> Depth(const std::string& authority, v1::Channel channel);

  // The stored delivery record (state, attempts, error ...) as field -> value; empty if none.
  absl::StatusOr<std::map<std::string, std::string>> Record(const std::string& authority,
                                                            const std::string& delivery_id);

  // Dead-lettered delivery ids, oldest first.
  absl::StatusOr<std::vector<std::string>> DeadLetters(const std::string& authority);

  // --- digests ---
  // Claims up to `limit` recipients whose digest is due at `now`, each until `now + lease`.
  absl::StatusOr<std::vector<std::string>> ClaimDigests(const std::string& authority,
                                                        absl::Time now, absl::Duration lease,
                                                        int limit);
  // The notification ids waiting in a recipient's digest, oldest first.
  absl::StatusOr<std::vector<std::string>> DigestEntries(const std::string& authority,
                                                         const std::string& recipient);
  // After a digest was built: schedules the recipient's next digest at `next_at` if entries
  // arrived meanwhile, else takes them off the digest schedule (atomically, so an entry added
  // concurrently is never left without a digest).
  absl::Status RescheduleDigest(const std::string& authority, const std::string& recipient,
                                absl::Time next_at);
  // Recipients with a digest scheduled.
  absl::StatusOr<int64_t> DigestsPending(const std::string& authority);

 private:
  redis::Connection& connection_;
  std::string notifications_topic_;
  absl::BitGen random_;
};

}  // namespace oversight::notifications
