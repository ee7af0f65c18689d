#ifndef OVERSIGHT_RUNTIME_CONFIG_H_
#define OVERSIGHT_RUNTIME_CONFIG_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace oversight::runtime {

// A service's configuration: dotted keys ("kafka.bootstrap_servers") with string values.
//
// Sources, highest precedence first:
//   1. command-line `--set key=value` (and `--ports-file P`, which sets runtime.ports_file);
//   2. environment variables: "OVERSIGHT_" + the key upper-cased with '.' and '-' as '_'
//      (kafka.bootstrap_servers <-> OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS);
//   3. an optional YAML file (`--config <path>` / `--config=<path>`, else env
//      OVERSIGHT_CONFIG_FILE): nested maps become dotted keys, sequences become comma-joined
//      lists, scalars stay as written;
//   4. the default passed to the getter.
//
// Getters never fail: a missing required key or a bad value is recorded (with the key, its env
// variable, where the value came from and what is wrong) and the getter returns the default.
// Call Validate() once all values have been read at start-up: it reports every problem together.
// Thread-safe (getters may be called from several threads; errors are collected under a lock).
class Config {
 public:
  // Reads argv and the process environment. Problems with arguments or the file are recorded
  // (see Errors()), never thrown.
  static Config FromArgs(int argc, const char* const* argv);
  // Same with an explicit environment (tests).
  static Config FromArgs(int argc, const char* const* argv,
                         const std::map<std::string, std::string>& env);
  // From YAML text (tests and tools); `source_name` names it in messages.
  static Config FromYaml(std::string_view yaml, const std::map<std::string, std::string>& env = {},
                         std::string source_name = "<yaml>");

  Config(const Config& other);
  Config& operator=(const Config& other);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;
  ~Config();

  // The environment variable that overrides `key`.
  static std::string EnvName(std::string_view key);

  // True if any source gives the key a value.
  bool Has(std::string_view key) const;
  // The raw value, if any.
  std::optional<std::string> Find(std::string_view key) const;
  // Where the value of `key` comes from: "--set", "env OVERSIGHT_X", "file <path>", "default".
  std::string SourceOf(std::string_view key) const;

  std::string GetString(std::string_view key, std::string_view default_value = "") const;
  // Records an error if the key has no value (or an empty one); returns "" then.
  std::string RequireString(std::string_view key) const;
  // Integer in [min, max]; records an error for non-integers and out-of-range values.
  int64_t GetInt(std::string_view key, int64_t default_value, int64_t min = INT64_MIN,
                 int64_t max = INT64_MAX) const;
  double GetDouble(std::string_view key, double default_value, double min = -1e308,
                   double max = 1e308) const;
  // true/false, yes/no, on/off, 1/0 (any case).
  bool GetBool(std::string_view key, bool default_value) const;
  // A duration with units, as absl::ParseDuration reads it: "5s", "250ms", "1h30m" ("0" is
  // allowed). Records an error below `min`.
  absl::Duration GetDuration(std::string_view key, absl::Duration default_value,
                             absl::Duration min = absl::ZeroDuration()) const;
  // One of `allowed` (exact match); records an error listing the allowed values otherwise.
  std::string GetEnum(std::string_view key, std::string_view default_value,
                      const std::vector<std::string>& allowed) const;
  // Comma-separated list (YAML sequences are stored that way); items trimmed, empty ones dropped.
  std::vector<std::string> GetList(std::string_view key,
                                   const std::vector<std::string>& default_value = {}) const;
  // Every key under `prefix` ("kafka.properties"), with the prefix and its dot removed, from the
  // file, the environment and --set. Env variables under the prefix map back with '_' read as
  // '.', lower-cased: OVERSIGHT_KAFKA_PROPERTIES_SECURITY_PROTOCOL -> "security.protocol"
  // (fits librdkafka, whose property names use dots).
  std::map<std::string, std::string> GetSubtree(std::string_view prefix) const;

  // Records a problem found by the caller (for checks that span several keys).
  void AddError(std::string_view key, std::string_view problem) const;
  // Every problem recorded so far, one message each.
  std::vector<std::string> Errors() const;
  // OK, or INVALID_ARGUMENT whose message lists every problem on its own line.
  absl::Status Validate() const;

  // The config file that was read, or "" if none.
  const std::string& file() const { return file_; }

 private:
  Config() = default;
  void LoadYaml(std::string_view yaml, const std::string& source_name);
  void RecordBad(std::string_view key, std::string_view problem) const;

  std::map<std::string, std::string, std::less<>> file_values_;
  std::map<std::string, std::string, std::less<>> flag_values_;
  std::map<std::string, std::string> env_;
  std::string file_;
  mutable std::mutex mu_;
  mutable std::vector<std::string> errors_;  // guarded by mu_
};

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_CONFIG_H_
