#include "latency_meter.h"

#include <gtest/gtest.h>

namespace oversight::bench {
namespace {

const absl::Time kOrigin = absl::FromUnixSeconds(1'780'000'000);

TEST(LatencyMeter, ScheduleSeenOnlyOnceStoredAndOnlyForMeasuredEvents) {
  LatencyMeter meter(/*origin_k=*/10, kOrigin);
  meter.Published(12, kOrigin + absl::Milliseconds(5));
  EXPECT_TRUE(meter.TaskArrived(12, kOrigin + absl::Milliseconds(40)));
  EXPECT_FALSE(meter.ScheduleSeen(12));   // opened, its item not stored yet
  EXPECT_FALSE(meter.ScheduleSeen(9));    // before the origin: not measured
  EXPECT_FALSE(meter.ScheduleSeen(500));  // never heard of

  meter.ScheduleStored(12, kOrigin + absl::Milliseconds(90));
  EXPECT_TRUE(meter.ScheduleSeen(12));
  EXPECT_FALSE(meter.ScheduleSeen(11));
  ASSERT_EQ(meter.ScheduleLatencies().size(), 1u);
  EXPECT_DOUBLE_EQ(meter.ScheduleLatencies()[0].latency_ms, 85);
}

}  // namespace
}  // namespace oversight::bench
