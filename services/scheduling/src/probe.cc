#include "probe.h"

#include <algorithm>

namespace oversight::scheduling {

SchedulingProbe::SchedulingProbe(prometheus::Registry& registry,
                                 const std::vector<std::string>& authorities)
    : pending_(prometheus::BuildGauge()
                   .Name("oversight_timers_pending")
                   .Help("Timers waiting to fire, per authority (the same on every replica)")
                   .Register(registry)),
      fired_(prometheus::BuildCounter()
                 .Name("oversight_timers_fired_total")
                 .Help("Timer stages fired by this replica, per authority and stage")
                 .Register(registry)),
      delay_(prometheus::BuildHistogram()
                 .Name("oversight_timer_fire_delay_seconds")
                 .Help("How late a timer stage fired after its scheduled time (or after its item "
                       "was planned, if later), on the service's clock")
                 .Register(registry)),
      due_items_(prometheus::BuildGauge()
                     .Name("oversight_due_items")
                     .Help("Live due items per authority, kind and the stage they last reached "
                           "(the same on every replica)")
                     .Register(registry)),
      checked_until_(prometheus::BuildGauge()
                         .Name("oversight_timers_checked_until_seconds")
                         .Help("Service-clock instant (unix seconds) up to which this replica's "
                               "last timer pass fired every due stage")
                         .Register(registry)
                         .Add({})) {
  for (const std::string& a : authorities) {
    pending_.Add({{"authority", a}});
    delay_.Add({{"authority", a}}, DelayBuckets());
    for (v1::Stage stage :
         {v1::STAGE_DUE_SOON, v1::STAGE_DUE, v1::STAGE_OVERDUE, v1::STAGE_ESCALATED}) {
      fired_.Add({{"authority", a}, {"stage", StageLabel(stage)}});
    }
    for (int k = v1::ItemKind_MIN; k <= v1::ItemKind_MAX; ++k) {
      const auto kind = static_cast<v1::ItemKind>(k);
      if (!v1::ItemKind_IsValid(k) || kind == v1::ITEM_KIND_UNSPECIFIED) continue;
      for (v1::Stage stage : {v1::STAGE_SCHEDULED, v1::STAGE_DUE_SOON, v1::STAGE_DUE,
                              v1::STAGE_OVERDUE, v1::STAGE_ESCALATED}) {
        due_items_.Add({{"authority", a}, {"kind", KindLabel(kind)}, {"stage", StageLabel(stage)}});
      }
    }
    due_items_.Add({{"authority", a},
                    {"kind", KindLabel(v1::ITEM_KIND_PERSONAL_SUPERVISION)},
                    {"stage", kPausedStage}});
  }
}

std::vector<double> SchedulingProbe::DelayBuckets() {
  return {0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400};
}

void SchedulingProbe::Checked(absl::Time now) {
  checked_until_.Set(absl::ToDoubleSeconds(now - absl::UnixEpoch()));
}

void SchedulingProbe::Fired(const std::string& authority, const std::vector<FiredStage>& stages) {
  if (stages.empty()) return;
  auto& histogram = delay_.Add({{"authority", authority}}, DelayBuckets());
  for (const FiredStage& s : stages) {
    fired_.Add({{"authority", authority}, {"stage", StageLabel(s.stage)}}).Increment();
    histogram.Observe(std::max(0.0, absl::ToDoubleSeconds(s.delay)));
  }
}

void SchedulingProbe::Pending(const std::string& authority, int64_t timers) {
  pending_.Add({{"authority", authority}}).Set(static_cast<double>(timers));
}

void SchedulingProbe::DueItems(const std::string& authority, const DueCounts& counts) {
  for (const auto& [key, n] : counts) {
    due_items_.Add({{"authority", authority}, {"kind", key.first}, {"stage", key.second}})
        .Set(static_cast<double>(n));
  }
}

}  // namespace oversight::scheduling
