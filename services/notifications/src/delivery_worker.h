// The sending side of notifications, run as ServiceHost workers: a DeliveryWorker per pushing
// channel drains that channel's delivery queue (claim, render, send, record the outcome with its
// event), and a DigestWorker turns each person's due digest into one notification with its
// deliveries. All times come from the injected clock: a test moves a manual clock past a
// backoff or to a digest hour and runs one pass, instead of sleeping.
#pragma once

#include <functional>
#include <stop_token>
#include <string>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "channel_sender.h"
#include "delivery_policy.h"
#include "delivery_queue.h"
#include "directory_store.h"
#include "notification_store.h"
#include "oversight/authorities/authorities.h"
#include "oversight/runtime/clock.h"
#include "oversight/runtime/logger.h"
#include "probe.h"
#include "retry_policy.h"
#include "templates.h"

namespace oversight::notifications {

struct DeliverySettings {
  RetryPolicy retry;
  absl::Duration lease = absl::Minutes(2);  // longer than a send can take (see the timeouts)
  int batch = 50;                           // claimed per authority per pass
};

// Not thread-safe: one per thread, with its own connection and sender.
class DeliveryWorker {
 public:
  DeliveryWorker(const authorities::AuthorityRegistry& authorities, redis::Connection& connection,
                 ChannelSender& sender, const runtime::Clock& clock,
                 std::string notifications_topic, DeliverySettings settings,
                 NotificationsProbe* probe = nullptr, const runtime::Logger* logger = nullptr);

  // One pass over every authority: claims the deliveries due now on the sender's channel and
  // attempts each once. Returns how many it claimed. A delivery whose item was satisfied or
  // cancelled, whose notification was acknowledged, or whose recipient left is superseded
  // without being sent. Transport errors as Connection::Command (what was done stays done).
  absl::StatusOr<int> RunOnce();

  // The jitter draw in [0, 1) (default: uniform random); tests fix it.
  void set_random(std::function<double()> random) { random_ = std::move(random); }

 private:
  absl::Status Attempt(const std::string& authority, const ClaimedDelivery& claimed);

  const authorities::AuthorityRegistry& authorities_;
  ChannelSender& sender_;
  const runtime::Clock& clock_;
  DeliverySettings settings_;
  NotificationsProbe* probe_;
  const runtime::Logger* logger_;
  NotificationStore store_;
  DeliveryQueue queue_;
  DirectoryStore directory_;
  absl::BitGen bits_;
  std::function<double()> random_;
};

// Not thread-safe: one per thread, with its own connection.
class DigestWorker {
 public:
  DigestWorker(const authorities::AuthorityRegistry& authorities, redis::Connection& connection,
               const runtime::Clock& clock, std::string notifications_topic,
               PreferenceDefaults defaults, PushChannels offered, RenderOptions render,
               DeliverySettings settings, NotificationsProbe* probe = nullptr,
               const runtime::Logger* logger = nullptr);

  // One pass over every authority: for each person whose digest is due now, groups what is
  // waiting (dropping items satisfied, cancelled or acknowledged meanwhile) into one digest
  // notification, queues its deliveries on the person's pushing channels (due at once), and
  // schedules the next digest. Returns how many digests it queued.
  absl::StatusOr<int> RunOnce();

 private:
  absl::StatusOr<bool> BuildOne(const std::string& authority,
                                const policy::WorkingCalendar& calendar,
                                const std::string& recipient);

  const authorities::AuthorityRegistry& authorities_;
  redis::Connection& connection_;
  const runtime::Clock& clock_;
  PushChannels offered_;
  RenderOptions render_;
  DeliverySettings settings_;
  NotificationsProbe* probe_;
  const runtime::Logger* logger_;
  NotificationStore store_;
  DeliveryQueue queue_;
  DirectoryStore directory_;
};

// Calls `pass` every `interval` (real time) until `stop` is requested; returns within
// `interval` of the request. A failed pass (Redis down) is logged as a warning and the loop goes
// on; the next pass retries. Runs on the caller's thread.
void RunEvery(std::stop_token stop, absl::Duration interval, const std::string& name,
              const std::function<absl::Status()>& pass, const runtime::Logger* logger);

}  // namespace oversight::notifications
