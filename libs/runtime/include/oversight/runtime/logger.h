#ifndef OVERSIGHT_RUNTIME_LOGGER_H_
#define OVERSIGHT_RUNTIME_LOGGER_H_

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace oversight::runtime {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug", "info", "warn"/"warning", "error" (any case). INVALID_ARGUMENT otherwise.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view text);
// "debug", "info", "warn", "error".
std::string_view LogLevelName(LogLevel level);

// Structured logs: one JSON object per line,
//   {"ts":"2026-11-24T06:00:00.123Z","level":"info","service":"scheduling","msg":"...",<fields>}
// `ts` is wall-clock time (logs are read next to other systems' logs), not the injected Clock.
// Fields whose names clash with ts/level/service/msg are written with a "field." prefix.
// Thread-safe: lines from several threads never interleave.
class Logger {
 public:
  // `out` must outlive the logger (nullptr: std::cout).
  explicit Logger(std::string service, LogLevel min_level = LogLevel::kInfo,
                  std::ostream* out = nullptr);

  // Writes one line if `level` >= the minimum level, and flushes it.
  void Log(LogLevel level, std::string_view msg,
           const nlohmann::json& fields = nlohmann::json::object()) const;
  void Debug(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kDebug, msg, fields);
  }
  void Info(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kWarn, msg, fields);
  }
  void Error(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) const {
    Log(LogLevel::kError, msg, fields);
  }

  bool Enabled(LogLevel level) const { return level >= min_level_; }
  const std::string& service() const { return service_; }

 private:
  std::string service_;
  LogLevel min_level_;
  std::ostream* out_;
  mutable std::mutex mu_;
};

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_LOGGER_H_
