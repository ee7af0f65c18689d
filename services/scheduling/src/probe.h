// scheduling's Prometheus metrics, kept beside the timers they measure:
//   oversight_timers_pending{authority}                 gauge: timers waiting to fire
//   oversight_timers_fired_total{authority,stage}       counter: stages fired (this replica)
//   oversight_timer_fire_delay_seconds{authority}       histogram: how late each stage fired,
//                                                       on the service's clock (see FiredStage)
//   oversight_due_items{authority,kind,stage}           gauge: live items by kind and the stage
//                                                       they last reached ("paused": undated)
//   oversight_timers_checked_until_seconds              gauge: the service-clock instant (unix
//                                                       seconds) up to which this replica's last
//                                                       timer pass fired every due stage (0
//                                                       before the first pass); a clock minus
//                                                       it is how far behind the timers are
// The gauges are authority-wide figures read from Redis, the same on every replica (aggregate
// them with max by authority, not sum). Every series of the served authorities exists from the
// start at zero, so dashboards and alerts see idle services and the first increment.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

#include "item_store.h"

namespace oversight::scheduling {

// Thread-safe (prometheus-cpp metrics are).
class SchedulingProbe {
 public:
  SchedulingProbe(prometheus::Registry& registry, const std::vector<std::string>& authorities);

  void Fired(const std::string& authority, const std::vector<FiredStage>& stages);
  void Pending(const std::string& authority, int64_t timers);
  void DueItems(const std::string& authority, const DueCounts& counts);
  // A timer pass over every authority completed for the clock instant `now`.
  void Checked(absl::Time now);

  // The fire-delay buckets, in seconds (the OversightTimersFiringLate alert looks at 60 s).
  static std::vector<double> DelayBuckets();

 private:
  prometheus::Family<prometheus::Gauge>& pending_;
  prometheus::Family<prometheus::Counter>& fired_;
  prometheus::Family<prometheus::Histogram>& delay_;
  prometheus::Family<prometheus::Gauge>& due_items_;
  prometheus::Gauge& checked_until_;
};

}  // namespace oversight::scheduling
