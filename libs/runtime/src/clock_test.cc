#include "oversight/runtime/clock.h"

#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace oversight::runtime {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

TEST(ManualClockTest, MovesOnlyWhenTold) {
  ManualClock clock(kStart);
  EXPECT_EQ(clock.Now(), kStart);
  EXPECT_EQ(clock.Now(), kStart);
  EXPECT_EQ(clock.Advance(absl::Hours(24)), kStart + absl::Hours(24));
  EXPECT_EQ(clock.Now(), kStart + absl::Hours(24));
  clock.Set(kStart - absl::Minutes(5));
  EXPECT_EQ(clock.Now(), kStart - absl::Minutes(5));
}

TEST(ManualClockTest, ConcurrentAdvancesAllCount) {
  ManualClock clock(kStart);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        clock.Advance(absl::Seconds(1));
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(clock.Now(), kStart + absl::Seconds(4000));
}

TEST(ScaledClockTest, RunsFasterThanItsBase) {
  ManualClock base(kStart);
  ScaledClock scaled(absl::FromUnixSeconds(0), 60.0, &base);
  EXPECT_EQ(scaled.Now(), absl::FromUnixSeconds(0));
  base.Advance(absl::Seconds(10));
  EXPECT_EQ(scaled.Now(), absl::FromUnixSeconds(600));
  EXPECT_DOUBLE_EQ(scaled.factor(), 60.0);
}

TEST(SystemClockTest, FollowsWallTime) {
  const absl::Time before = absl::Now();
  const absl::Time now = SystemClock::Default()->Now();
  EXPECT_GE(now, before);
  EXPECT_LE(now, absl::Now());
}

}  // namespace
}  // namespace oversight::runtime
