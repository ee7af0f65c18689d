#include "redis_info.h"

#include <cctype>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace oversight::bench {
namespace {

absl::StatusOr<std::string> Info(redis::Connection& connection, const std::string& section) {
  auto reply =
      redis::CommandOrError(connection, {"INFO", section}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return reply->str();
}

}  // namespace

absl::StatusOr<std::map<std::string, CommandStat>> CommandStats(redis::Connection& connection) {
  auto text = Info(connection, "commandstats");
  if (!text.ok()) return text.status();
  // cmdstat_hset:calls=12,usec=34,usec_per_call=2.83,rejected_calls=0,failed_calls=0
  std::map<std::string, CommandStat> out;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("cmdstat_")) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    CommandStat& stat = out[line.substr(8, colon - 8)];
    for (absl::string_view field : absl::StrSplit(line.substr(colon + 1), ',')) {
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(field, '=');
      kv.second = absl::StripTrailingAsciiWhitespace(kv.second);
      if (kv.first == "calls") (void)absl::SimpleAtoi(kv.second, &stat.calls);
      if (kv.first == "usec") (void)absl::SimpleAtod(kv.second, &stat.usec);
    }
  }
  return out;
}

std::map<std::string, CommandStat> Difference(const std::map<std::string, CommandStat>& after,
                                              const std::map<std::string, CommandStat>& before) {
  std::map<std::string, CommandStat> out;
  for (const auto& [name, stat] : after) {
    CommandStat delta = stat;
    if (auto it = before.find(name); it != before.end()) {
      delta.calls -= it->second.calls;
      delta.usec -= it->second.usec;
    }
    if (delta.calls > 0) out[name] = delta;
  }
  return out;
}

absl::StatusOr<double> InfoField(redis::Connection& connection, const std::string& section,
                                 const std::string& field) {
  auto text = Info(connection, section);
  if (!text.ok()) return text.status();
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(field + ":")) continue;
    double value = -1;
    (void)absl::SimpleAtod(absl::StripTrailingAsciiWhitespace(line.substr(field.size() + 1)),
                           &value);
    return value;
  }
  return -1.0;
}

std::string KeyShape(const std::string& key) {
  std::vector<std::string> segments = absl::StrSplit(key, ':');
  std::string out;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += ':';
    const bool has_digit = std::any_of(segments[i].begin(), segments[i].end(),
                                       [](unsigned char c) { return std::isdigit(c) != 0; });
    out += has_digit ? "*" : segments[i];
  }
  return out;
}

absl::StatusOr<std::map<std::string, KeyClass>> MemoryByKeyShape(redis::Connection& connection,
                                                                 int per_shape) {
  std::map<std::string, std::vector<std::string>> measured;  // shape -> keys to measure
  std::map<std::string, KeyClass> out;
  std::string cursor = "0";
  do {
    auto reply = redis::CommandOrError(connection, {"SCAN", cursor, "COUNT", "5000"},
                                       redis::Idempotency::kIdempotent);
    if (!reply.ok()) return reply.status();
    if (!reply->is_array() || reply->elements().size() != 2) {
      return absl::InternalError("unexpected SCAN reply");
    }
    cursor = reply->elements()[0].str();
    for (const auto& element : reply->elements()[1].elements()) {
      const std::string shape = KeyShape(element.str());
      ++out[shape].keys;
      auto& keys = measured[shape];
      if (static_cast<int>(keys.size()) < per_shape) keys.push_back(element.str());
    }
  } while (cursor != "0");
  for (auto& [shape, keys] : measured) {
    KeyClass& key_class = out[shape];
    redis::Pipeline usage;
    for (const auto& key : keys) {
      usage.Add({"MEMORY", "USAGE", key, "SAMPLES", key_class.keys <= 3 ? "0" : "5"});
    }
    auto replies = connection.Execute(usage, redis::Idempotency::kIdempotent);
    if (!replies.ok()) return replies.status();
    double total = 0;
    for (const auto& reply : *replies) {
      if (!reply.is_integer()) continue;
      total += static_cast<double>(reply.integer());
      ++key_class.sampled;
    }
    key_class.mean_bytes = key_class.sampled > 0 ? total / key_class.sampled : 0;
    key_class.total_bytes = key_class.mean_bytes * static_cast<double>(key_class.keys);
  }
  return out;
}

}  // namespace oversight::bench
