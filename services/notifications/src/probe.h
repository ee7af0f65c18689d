// The metrics of notifications (Prometheus), kept in one place:
//
//   oversight_notifications_total{channel,outcome}
//       channel: in_app, email, webhook. outcome: sent (delivered; in-app: stored in the inbox),
//       failed (dead-lettered after a permanent failure or the last try), skipped (the person
//       chose a channel this deployment does not offer), superseded (dropped before sending:
//       the item was satisfied or cancelled, the notification acknowledged, or the person left).
//   oversight_notification_delivery_attempts_total{channel,result}
//       every attempt; result: sent, temporary_failure, permanent_failure.
//   oversight_notification_delivery_seconds{channel}
//       how long one attempt took (histogram).
//   oversight_notification_queue_depth{channel}
//       deliveries waiting (due or held) per channel (email, webhook), and recipients with a
//       digest scheduled (channel "digest"), summed over the authorities served.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

#include "absl/time/time.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "retry_policy.h"

namespace oversight::notifications {

// Thread-safe (prometheus-cpp metrics are).
class NotificationsProbe {
 public:
  // Registers the families, with the label sets dashboards expect present from the start.
  explicit NotificationsProbe(prometheus::Registry& registry);

  void Notified(v1::Channel channel, const std::string& outcome, double count = 1);
  void Attempted(v1::Channel channel, AttemptOutcome outcome, absl::Duration took);
  void SetQueueDepth(const std::string& queue, int64_t depth);

 private:
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Counter>& attempts_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
};

}  // namespace oversight::notifications
