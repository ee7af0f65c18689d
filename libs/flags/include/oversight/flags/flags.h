// Command-line flags of one command or subcommand: "--name value", "--name=value",
// repeatable flags and boolean switches, checked against what the subcommand accepts.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace oversight::flags {

// What a subcommand accepts.
struct FlagSpec {
  std::set<std::string> values;      // "--name VALUE", at most once
  std::set<std::string> repeatable;  // "--name VALUE", any number of times
  std::set<std::string> switches;    // "--name", no value
};

// Parsed flags. Immutable after Parse; thread-compatible.
class Flags {
 public:
  // Parses `args` (after the subcommand name). INVALID_ARGUMENT naming the flag for an unknown
  // flag, a missing value, a value given twice, a value given to a switch, or a positional
  // argument. Nothing is returned on failure.
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args, const FlagSpec& spec);

  // The value of a single-valued flag, if given.
  std::optional<std::string> Get(const std::string& name) const;
  // The value, or INVALID_ARGUMENT "--name is required" when absent or empty.
  absl::StatusOr<std::string> Require(const std::string& name) const;
  // Every value of a repeatable flag, in order (empty if none).
  std::vector<std::string> GetAll(const std::string& name) const;
  // True if the switch was given.
  bool Has(const std::string& name) const { return switches_.count(name) > 0; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> switches_;
};

}  // namespace oversight::flags
