// The Prometheus text exposition format (what /metrics serves), parsed into samples, and the
// sums a reader needs ("records consumed from topic T, whatever the outcome"). Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace oversight::scrape {

// One sample line: `name{label="value",...} value [timestamp]`.
struct Sample {
  std::string name;  // with its _total / _bucket / _sum / _count suffix, as written
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Every sample of `text`. Comment lines (# HELP, # TYPE) and lines that do not parse are
// skipped; label values are unescaped (\\, \", \n).
std::vector<Sample> ParseSamples(std::string_view text);

// The sum of the samples named `name` whose labels include every pair of `match`.
double Sum(const std::vector<Sample>& samples, std::string_view name,
           const std::map<std::string, std::string>& match = {});

// The distinct values of `label` over the samples named `name`, sorted.
std::vector<std::string> LabelValues(const std::vector<Sample>& samples, std::string_view name,
                                     std::string_view label);

}  // namespace oversight::scrape
