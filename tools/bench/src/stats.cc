#include "stats.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace oversight::bench {

Percentiles Summarize(std::vector<double>& latencies_ms) {
  Percentiles out;
  out.count = static_cast<int64_t>(latencies_ms.size());
  if (latencies_ms.empty()) return out;
  auto rank = [&](double p) {
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    const auto n = static_cast<double>(latencies_ms.size());
    const size_t index = static_cast<size_t>(std::max(1.0, std::ceil(p * n))) - 1;
    std::nth_element(latencies_ms.begin(), latencies_ms.begin() + index, latencies_ms.end());
    return latencies_ms[index];
  };
  out.p50_ms = rank(0.50);
  out.p99_ms = rank(0.99);
  out.max_ms = *std::max_element(latencies_ms.begin(), latencies_ms.end());
  return out;
}

std::vector<Percentiles> Windows(const std::vector<TimedLatency>& samples, double window_s,
                                 double duration_s) {
  const size_t count =
      window_s <= 0 ? 0 : static_cast<size_t>(std::max(1.0, std::ceil(duration_s / window_s)));
  std::vector<std::vector<double>> buckets(count);
  for (const TimedLatency& sample : samples) {
    if (sample.at_s < 0 || count == 0) continue;
    const size_t i = std::min(count - 1, static_cast<size_t>(sample.at_s / window_s));
    buckets[i].push_back(sample.latency_ms);
  }
  std::vector<Percentiles> out;
  for (auto& bucket : buckets)
    out.push_back(Summarize(bucket));
  return out;
}

LinearFit Fit(const std::vector<double>& x, const std::vector<double>& y) {
  LinearFit fit;
  const size_t n = std::min(x.size(), y.size());
  if (n == 0) return fit;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  fit.slope = sxx > 0 ? sxy / sxx : 0;
  fit.intercept = my - fit.slope * mx;
  return fit;
}

std::string TrendVerdict(const std::vector<double>& x, const std::vector<double>& y,
                         double tolerance) {
  const size_t n = std::min(x.size(), y.size());
  if (n < 2) return "too few samples";
  double mean = 0;
  for (size_t i = 0; i < n; ++i)
    mean += y[i];
  mean /= static_cast<double>(n);
  const auto [lo, hi] = std::minmax_element(x.begin(), x.begin() + static_cast<ptrdiff_t>(n));
  const double change = Fit(x, y).slope * (*hi - *lo);
  const double relative = mean != 0 ? change / std::abs(mean) : 0;
  const char* word = relative > tolerance ? "grows" : relative < -tolerance ? "falls" : "flat";
  return absl::StrFormat("%s (%+.1f %% of the mean over the run)", word, relative * 100);
}

}  // namespace oversight::bench
