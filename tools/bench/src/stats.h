// The statistics the benchmark reports: latency percentiles (nearest rank), per-window
// summaries of a time series, and the least-squares slope that decides whether a series grows
// over a run. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace oversight::bench {

// p50 / p99 / max of a set of latencies, in milliseconds; count 0 when empty.
struct Percentiles {
  int64_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Nearest-rank percentiles of `latencies_ms` (reordered in place).
Percentiles Summarize(std::vector<double>& latencies_ms);

// One latency observed `at_s` seconds into a run.
struct TimedLatency {
  double at_s = 0;
  double latency_ms = 0;
};

// The percentiles of each window [i * window_s, (i + 1) * window_s) of `samples` from 0 to
// `duration_s` (the last window may be shorter; windows without samples have count 0).
std::vector<Percentiles> Windows(const std::vector<TimedLatency>& samples, double window_s,
                                 double duration_s);

// The least-squares line y = intercept + slope * x through the points; slope 0 for fewer than
// two distinct x.
struct LinearFit {
  double slope = 0;
  double intercept = 0;
};
LinearFit Fit(const std::vector<double>& x, const std::vector<double>& y);

// Whether a series grows over a run: its fitted change over the run (slope x span), relative
// to its mean, against `tolerance` (for example 0.10: growth of more than 10 % of the mean
// over the run is a trend). Returns "flat", "grows" or "falls", with the figures, e.g.
// "flat (+2.1 % of the mean over the run)".
std::string TrendVerdict(const std::vector<double>& x, const std::vector<double>& y,
                         double tolerance);

}  // namespace oversight::bench
