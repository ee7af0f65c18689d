#include "stats.h"

#include <gtest/gtest.h>

namespace oversight::bench {
namespace {

TEST(Summarize, NearestRankPercentiles) {
  std::vector<double> latencies;
  for (int i = 100; i >= 1; --i)
    latencies.push_back(i);  // 1 .. 100 ms, in reverse
  const Percentiles p = Summarize(latencies);
  EXPECT_EQ(p.count, 100);
  EXPECT_EQ(p.p50_ms, 50);  // the 50th of 100
  EXPECT_EQ(p.p99_ms, 99);
  EXPECT_EQ(p.max_ms, 100);
}

TEST(Summarize, SmallAndEmptySets) {
  std::vector<double> one = {7};
  const Percentiles p = Summarize(one);
  EXPECT_EQ(p.p50_ms, 7);
  EXPECT_EQ(p.p99_ms, 7);
  std::vector<double> none;
  EXPECT_EQ(Summarize(none).count, 0);
}

TEST(Windows, SamplesGoToTheWindowOfTheirTime) {
  const std::vector<TimedLatency> samples = {{0.5, 1}, {9.9, 3}, {10, 20}, {25, 5}, {31, 9}};
  const auto windows = Windows(samples, 10, 30);
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].count, 2);
  EXPECT_EQ(windows[0].max_ms, 3);
  EXPECT_EQ(windows[1].count, 1);
  EXPECT_EQ(windows[1].p50_ms, 20);
  EXPECT_EQ(windows[2].count, 2);  // 31 s is past the end: counted in the last window
}

TEST(Fit, ExactLine) {
  const LinearFit fit = Fit({0, 1, 2, 3}, {5, 7, 9, 11});
  EXPECT_DOUBLE_EQ(fit.slope, 2);
  EXPECT_DOUBLE_EQ(fit.intercept, 5);
  EXPECT_EQ(Fit({1, 1}, {2, 3}).slope, 0);  // no spread in x
}

TEST(TrendVerdict, GrowthRelativeToTheMeanOverTheRun) {
  // 100 -> 103 over the run: 3 % of the mean, flat at a 10 % tolerance.
  EXPECT_EQ(TrendVerdict({0, 1, 2, 3}, {100, 101, 102, 103}, 0.10),
            "flat (+3.0 % of the mean over the run)");
  // 100 -> 160: +60 over a mean of 130.
  EXPECT_EQ(TrendVerdict({0, 1, 2, 3}, {100, 120, 140, 160}, 0.10),
            "grows (+46.2 % of the mean over the run)");
  EXPECT_EQ(TrendVerdict({0, 1, 2, 3}, {160, 140, 120, 100}, 0.10),
            "falls (-46.2 % of the mean over the run)");
  EXPECT_EQ(TrendVerdict({0}, {1}, 0.1), "too few samples");
}

}  // namespace
}  // namespace oversight::bench
