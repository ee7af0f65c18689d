#include "fault_plan.h"

#include <gtest/gtest.h>

namespace oversight::faults {
namespace {

TEST(FaultPlanTest, OneFaultPerSlotWithItsOutageInsideAndTheSameSeedTheSamePlan) {
  std::vector<Fault> faults = {
      {.kind = FaultKind::kKillService, .target = "scheduling"},
      {.kind = FaultKind::kKillService, .target = "recording"},
      {.kind = FaultKind::kStopRedis, .outage = absl::Seconds(2)},
      {.kind = FaultKind::kStopSmtp, .outage = absl::Seconds(3)},
  };
  const absl::Duration stream = absl::Seconds(40);
  const auto plan = PlanFaults(faults, stream, 7);
  ASSERT_EQ(plan.size(), 4u);
  // [4 s, 34 s) in four slots of 7.5 s.
  for (size_t i = 0; i < plan.size(); ++i) {
    const absl::Duration slot_start = absl::Seconds(4) + absl::Milliseconds(7500) * i;
    EXPECT_GE(plan[i].at, slot_start) << i;
    EXPECT_LE(plan[i].at + plan[i].outage, slot_start + absl::Milliseconds(7500)) << i;
  }
  const auto again = PlanFaults(faults, stream, 7);
  for (size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(plan[i].at, again[i].at);
    EXPECT_EQ(plan[i].kind, again[i].kind);
    EXPECT_EQ(plan[i].target, again[i].target);
  }
  // Every fault is in the plan once.
  int kills = 0;
  for (const auto& fault : plan)
    kills += fault.kind == FaultKind::kKillService ? 1 : 0;
  EXPECT_EQ(kills, 2);
}

}  // namespace
}  // namespace oversight::faults
