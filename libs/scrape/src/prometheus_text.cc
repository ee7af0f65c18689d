#include "oversight/scrape/prometheus_text.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace oversight::scrape {
namespace {

std::string_view Trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return text;
}

// Parses `{a="x",b="y"}` starting at text[pos] == '{'; leaves pos after '}'. False if malformed.
bool ParseLabels(std::string_view text, size_t& pos, std::map<std::string, std::string>& labels) {
  ++pos;  // '{'
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == ','))
      ++pos;
    if (pos < text.size() && text[pos] == '}') {
      ++pos;
      return true;
    }
    const size_t eq = text.find('=', pos);
    if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string name(Trim(text.substr(pos, eq - pos)));
    std::string value;
    pos = eq + 2;
    while (pos < text.size() && text[pos] != '"') {
      if (text[pos] == '\\' && pos + 1 < text.size()) {
        ++pos;
        value += text[pos] == 'n' ? '\n' : text[pos];
      } else {
        value += text[pos];
      }
      ++pos;
    }
    if (pos >= text.size()) return false;
    ++pos;  // closing quote
    labels[std::move(name)] = std::move(value);
  }
  return false;
}

}  // namespace

std::vector<Sample> ParseSamples(std::string_view text) {
  std::vector<Sample> samples;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view line = Trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.front() == '#') continue;
    Sample sample;
    size_t pos = 0;
    while (pos < line.size() && line[pos] != '{' && line[pos] != ' ')
      ++pos;
    sample.name = std::string(line.substr(0, pos));
    if (pos < line.size() && line[pos] == '{' && !ParseLabels(line, pos, sample.labels)) continue;
    const std::string rest(Trim(line.substr(pos)));
    const std::string value = rest.substr(0, rest.find(' '));
    char* end = nullptr;
    sample.value = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size()) continue;
    samples.push_back(std::move(sample));
  }
  return samples;
}

double Sum(const std::vector<Sample>& samples, std::string_view name,
           const std::map<std::string, std::string>& match) {
  double sum = 0;
  for (const Sample& sample : samples) {
    if (sample.name != name) continue;
    const bool matches = std::all_of(match.begin(), match.end(), [&](const auto& pair) {
      auto it = sample.labels.find(pair.first);
      return it != sample.labels.end() && it->second == pair.second;
    });
    if (matches) sum += sample.value;
  }
  return sum;
}

std::vector<std::string> LabelValues(const std::vector<Sample>& samples, std::string_view name,
                                     std::string_view label) {
  std::set<std::string> values;
  for (const Sample& sample : samples) {
    if (sample.name != name) continue;
    auto it = sample.labels.find(std::string(label));
    if (it != sample.labels.end()) values.insert(it->second);
  }
  return {values.begin(), values.end()};
}

}  // namespace oversight::scrape
