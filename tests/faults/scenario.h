// What the two scenarios share: the simulated start, the run's length (short by default, long
// with OVERSIGHT_FAULT_SUITE_LONG=1), and how a finished run is reported and checked.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "fault_run.h"
#include "london_calendar.h"

namespace oversight::faults {

// Monday 2 June 2025, 08:30 in London: no bank holiday for the next twelve weeks.
inline absl::Time SimulatedStart() {
  return absl::FromCivil(absl::CivilMinute(2025, 6, 2, 8, 30), London());
}

// Short: the whole run in about a minute on two cores. Long: four minutes of stream.
inline void ApplyLength(FaultRunOptions& options, bool long_run) {
  options.simulated_start = SimulatedStart();
  options.stream = long_run ? absl::Minutes(4) : absl::Seconds(30);
  options.events_per_second = long_run ? 12 : 8;
  options.simulated_stream = long_run ? absl::Hours(24 * 10) : absl::Hours(72);
  options.workload = {.seed = options.seed, .managers = 3, .practitioners = long_run ? 30 : 12};
}

// Prints the report (and appends it to $OVERSIGHT_FAULT_SUITE_REPORT if set), then checks the
// promise: nothing missing, nothing doubled, nothing unexpected or wrong.
inline void CheckReport(const FaultRunReport& report) {
  const std::string text = report.Format();
  std::cout << "\n" << text << std::endl;
  if (const char* path = std::getenv("OVERSIGHT_FAULT_SUITE_REPORT"); path != nullptr) {
    std::ofstream(path, std::ios::app) << text << "\n";
  }
  EXPECT_TRUE(report.comparison.ok()) << report.comparison.Problems();
  // The run did something worth checking.
  EXPECT_GT(report.case_events, 50);
  EXPECT_GT(report.comparison.rows.front().expected, 30);
}

}  // namespace oversight::faults
