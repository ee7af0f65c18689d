#include "probe.h"

#include "store_keys.h"

namespace oversight::notifications {
namespace {

const prometheus::Histogram::BucketBoundaries& DurationBuckets() {
  static const auto* buckets =
      new prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *buckets;
}

}  // namespace

NotificationsProbe::NotificationsProbe(prometheus::Registry& registry)
    : notifications_(prometheus::BuildCounter()
                         .Name("oversight_notifications_total")
                         .Help("Notifications by channel and outcome")
                         .Register(registry)),
      attempts_(prometheus::BuildCounter()
                    .Name("oversight_notification_delivery_attempts_total")
                    .Help("Delivery attempts by channel and result")
                    .Register(registry)),
      durations_(prometheus::BuildHistogram()
                     .Name("oversight_notification_delivery_seconds")
                     .Help("Duration of one delivery attempt")
                     .Register(registry)),
      queue_depth_(prometheus::BuildGauge()
                       .Name("oversight_notification_queue_depth")
                       .Help("Deliveries waiting per channel; recipients with a digest scheduled")
                       .Register(registry)) {
  notifications_.Add({{"channel", "in_app"}, {"outcome", "sent"}});
  notifications_.Add({{"channel", "in_app"}, {"outcome", "failed"}});
  for (const char* channel : {"email", "webhook"}) {
    for (const char* outcome : {"sent", "failed", "skipped", "superseded"})
      notifications_.Add({{"channel", channel}, {"outcome", outcome}});
    for (const char* result : {"sent", "temporary_failure", "permanent_failure"})
      attempts_.Add({{"channel", channel}, {"result", result}});
    durations_.Add({{"channel", channel}}, DurationBuckets());
    queue_depth_.Add({{"channel", channel}});
  }
  queue_depth_.Add({{"channel", "digest"}});
}

void NotificationsProbe::Notified(v1::Channel channel, const std::string& outcome, double count) {
  notifications_.Add({{"channel", ChannelName(channel)}, {"outcome", outcome}}).Increment(count);
}

void NotificationsProbe::Attempted(v1::Channel channel, AttemptOutcome outcome,
                                   absl::Duration took) {
  attempts_.Add({{"channel", ChannelName(channel)}, {"result", AttemptOutcomeName(outcome)}})
      .Increment();
  durations_.Add({{"channel", ChannelName(channel)}}, DurationBuckets())
      .Observe(absl::ToDoubleSeconds(took));
}

void NotificationsProbe::SetQueueDepth(const std::string& queue, int64_t depth) {
  queue_depth_.Add({{"channel", queue}}).Set(static_cast<double>(depth));
}

}  // namespace oversight::notifications
