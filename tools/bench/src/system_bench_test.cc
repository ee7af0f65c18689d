// CheckPhasesFit: the driver refuses, before it starts anything, phases that would wait forever
// for tasks their events cannot open.
#include "system_bench.h"

#include <gtest/gtest.h>

namespace oversight::bench {
namespace {

BenchOptions WithOpenCases(int64_t open_cases) {
  BenchOptions options;
  options.shape.open_cases = open_cases;
  return options;
}

TEST(CheckPhasesFit, AcceptsPhasesWithinTheDistinctPairs) {
  BenchOptions options = WithOpenCases(2000);  // 2,000 children x 11 triggers = 22,000 pairs
  options.throughput_events = 20000;
  options.latency_duration = absl::ZeroDuration();
  EXPECT_TRUE(CheckPhasesFit(options).ok());
  options.throughput_events = 12000;
  options.rate = 400;
  options.latency_duration = absl::Seconds(25);  // + 10,000 = 22,000: exactly all of them
  EXPECT_TRUE(CheckPhasesFit(options).ok());
}

TEST(CheckPhasesFit, RefusesPhasesThatWouldRepeatAPairWithAnOpenTask) {
  BenchOptions options = WithOpenCases(2000);
  options.throughput_events = 40000;
  options.latency_duration = absl::ZeroDuration();
  const absl::Status status = CheckPhasesFit(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("would publish 40000 case events"), std::string::npos) << status;
  EXPECT_NE(status.message().find("only 22000 distinct"), std::string::npos) << status;

  options.throughput_events = 20000;
  options.rate = 2000;
  options.latency_duration = absl::Seconds(25);  // + 50,000
  EXPECT_EQ(CheckPhasesFit(options).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CheckPhasesFit, TheLoadPhaseIsNotLimited) {
  BenchOptions options = WithOpenCases(100);
  options.throughput_events = 0;
  options.latency_duration = absl::ZeroDuration();
  options.load_duration = absl::Seconds(600);  // 1,200,000 events: each pair's task completes
  EXPECT_TRUE(CheckPhasesFit(options).ok());
}

}  // namespace
}  // namespace oversight::bench
