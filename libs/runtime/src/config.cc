#include "oversight/runtime/config.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace oversight::runtime {
namespace {

constexpr std::string_view kEnvPrefix = "OVERSIGHT_";

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

void Flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string, std::less<>>& out) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      for (const auto& item : node) {
        const std::string key = item.first.as<std::string>();
        Flatten(item.second, prefix.empty() ? key : prefix + "." + key, out);
      }
      break;
    case YAML::NodeType::Sequence: {
      std::vector<std::string> items;
      for (const auto& item : node) {
        if (item.IsScalar()) items.push_back(item.as<std::string>());
      }
      out[prefix] = absl::StrJoin(items, ",");
      break;
    }
    case YAML::NodeType::Scalar:
      out[prefix] = node.as<std::string>();
      break;
    default:  // null, undefined: no value
      break;
  }
}

}  // namespace

Config::Config(const Config& other)
    : file_values_(other.file_values_),
      flag_values_(other.flag_values_),
      env_(other.env_),
      file_(other.file_),
      errors_(other.Errors()) {}

Config& Config::operator=(const Config& other) {
  if (this != &other) {
    std::vector<std::string> errors = other.Errors();
    file_values_ = other.file_values_;
    flag_values_ = other.flag_values_;
    env_ = other.env_;
    file_ = other.file_;
    std::lock_guard<std::mutex> lock(mu_);
    errors_ = std::move(errors);
  }
  return *this;
}

Config::Config(Config&& other) noexcept
    : file_values_(std::move(other.file_values_)),
      flag_values_(std::move(other.flag_values_)),
      env_(std::move(other.env_)),
      file_(std::move(other.file_)),
      errors_(std::move(other.errors_)) {}

Config& Config::operator=(Config&& other) noexcept {
  if (this != &other) {
    file_values_ = std::move(other.file_values_);
    flag_values_ = std::move(other.flag_values_);
    env_ = std::move(other.env_);
    file_ = std::move(other.file_);
    errors_ = std::move(other.errors_);
  }
  return *this;
}

Config::~Config() = default;

std::string Config::EnvName(std::string_view key) {
  std::string name(kEnvPrefix);
  for (char c : key) {
    name.push_back(c == '.' || c == '-' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

Config Config::FromArgs(int argc, const char* const* argv) {
  return FromArgs(argc, argv, ProcessEnvironment());
}

Config Config::FromArgs(int argc, const char* const* argv,
                        const std::map<std::string, std::string>& env) {
  Config config;
  config.env_ = env;
  std::string config_path;
  bool config_from_flag = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    auto take = [&](std::string_view flag) -> bool {
      if (arg == flag) {
        if (i + 1 >= argc) {
          config.RecordBad(flag, "flag given without a value");
          return false;
        }
        value = argv[++i];
        return true;
      }
      if (absl::StartsWith(arg, absl::StrCat(std::string(flag), "="))) {
        value = arg.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    if (take("--config")) {
      config_path = value;
      config_from_flag = true;
    } else if (take("--ports-file")) {
      config.flag_values_["runtime.ports_file"] = value;
    } else if (take("--set")) {
      const size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0) {
        config.RecordBad("--set", absl::StrCat("'", value, "' is not key=value"));
      } else {
        config.flag_values_[value.substr(0, eq)] = value.substr(eq + 1);
      }
    } else if (arg == "--config" || arg == "--ports-file" || arg == "--set") {
      // missing value, already recorded
    } else {
      config.RecordBad(arg,
                       "unknown command-line argument (known: --config <file>, "
                       "--ports-file <file>, --set key=value)");
    }
  }
  if (!config_from_flag) {
    auto it = env.find("OVERSIGHT_CONFIG_FILE");
    if (it != env.end()) config_path = it->second;
  }
  if (!config_path.empty()) {
    std::ifstream in(config_path);
    if (!in) {
      config.RecordBad(
          config_from_flag ? "--config" : "OVERSIGHT_CONFIG_FILE",
          absl::StrCat("cannot read config file ", config_path, ": ", std::strerror(errno)));
    } else {
      std::stringstream text;
      text << in.rdbuf();
      config.file_ = config_path;
      config.LoadYaml(text.str(), config_path);
    }
  }
  return config;
}

Config Config::FromYaml(std::string_view yaml, const std::map<std::string, std::string>& env,
                        std::string source_name) {
  Config config;
  config.env_ = env;
  config.file_ = source_name;
  config.LoadYaml(yaml, source_name);
  return config;
}

void Config::LoadYaml(std::string_view yaml, const std::string& source_name) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return;
    if (!root.IsMap()) {
      RecordBad("<file>", absl::StrCat(source_name, ": the top level must be a map"));
      return;
    }
    Flatten(root, "", file_values_);
  } catch (const YAML::Exception& e) {
    RecordBad("<file>", absl::StrCat(source_name, ": invalid YAML: ", e.what()));
  }
}

std::optional<std::string> Config::Find(std::string_view key) const {
  if (auto it = flag_values_.find(key); it != flag_values_.end()) return it->second;
  if (auto it = env_.find(EnvName(key)); it != env_.end()) return it->second;
  if (auto it = file_values_.find(key); it != file_values_.end()) return it->second;
  return std::nullopt;
}

bool Config::Has(std::string_view key) const {
  return Find(key).has_value();
}

std::string Config::SourceOf(std::string_view key) const {
  if (flag_values_.find(key) != flag_values_.end()) return "--set";
  if (env_.count(EnvName(key)) != 0) return "env " + EnvName(key);
  if (file_values_.find(key) != file_values_.end()) return "file " + file_;
  return "default";
}

void Config::RecordBad(std::string_view key, std::string_view problem) const {
  std::lock_guard<std::mutex> lock(mu_);
  errors_.push_back(absl::StrCat(std::string(key), ": ", std::string(problem)));
}

void Config::AddError(std::string_view key, std::string_view problem) const {
  const std::string env_name = EnvName(key);
  std::string where;
  if (flag_values_.find(key) != flag_values_.end()) {
    where = "value from --set";
  } else if (env_.count(env_name) != 0) {
    where = "value from the environment";
  } else if (file_values_.find(key) != file_values_.end()) {
    where = "value from file " + file_;
  } else {
    where = file_.empty() ? "not set; no config file" : "not set in file " + file_;
  }
  std::string message = absl::StrCat("config key '", std::string(key), "' (env ", env_name, "; ",
                                     where, "): ", std::string(problem));
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& existing : errors_) {
    if (existing == message) return;  // the same getter called twice reports once
  }
  errors_.push_back(std::move(message));
}

std::vector<std::string> Config::Errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

absl::Status Config::Validate() const {
  std::vector<std::string> errors = Errors();
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(errors.size(), " configuration problem(s):\n  ", absl::StrJoin(errors, "\n  ")));
}

std::string Config::GetString(std::string_view key, std::string_view default_value) const {
  std::optional<std::string> value = Find(key);
  return value ? *value : std::string(default_value);
}

std::string Config::RequireString(std::string_view key) const {
  std::optional<std::string> value = Find(key);
  if (!value || value->empty()) {
    AddError(key, "required but not set");
    return "";
  }
  return *value;
}

int64_t Config::GetInt(std::string_view key, int64_t default_value, int64_t min,
                       int64_t max) const {
  std::optional<std::string> value = Find(key);
  if (!value) return default_value;
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(*value), &parsed)) {
    AddError(key, absl::StrCat("'", *value, "' is not an integer"));
    return default_value;
  }
  if (parsed < min || parsed > max) {
    AddError(key, absl::StrCat(parsed, " is out of range [", min, ", ", max, "]"));
    return default_value;
  }
  return parsed;
}

double Config::GetDouble(std::string_view key, double default_value, double min, double max) const {
  std::optional<std::string> value = Find(key);
  if (!value) return default_value;
  double parsed = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(*value), &parsed)) {
    AddError(key, absl::StrCat("'", *value, "' is not a number"));
    return default_value;
  }
  if (parsed < min || parsed > max) {
    AddError(key, absl::StrCat(parsed, " is out of range [", min, ", ", max, "]"));
    return default_value;
  }
  return parsed;
}

bool Config::GetBool(std::string_view key, bool default_value) const {
  std::optional<std::string> value = Find(key);
  if (!value) return default_value;
  const std::string lower = absl::AsciiStrToLower(std::string(absl::StripAsciiWhitespace(*value)));
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  AddError(key, absl::StrCat("'", *value, "' is not a boolean (true/false)"));
  return default_value;
}

absl::Duration Config::GetDuration(std::string_view key, absl::Duration default_value,
                                   absl::Duration min) const {
  std::optional<std::string> value = Find(key);
  if (!value) return default_value;
  absl::Duration parsed;
  if (!absl::ParseDuration(std::string(absl::StripAsciiWhitespace(*value)), &parsed) ||
      parsed == absl::InfiniteDuration() || parsed == -absl::InfiniteDuration()) {
    AddError(key, absl::StrCat("'", *value, "' is not a duration (examples: 5s, 250ms, 1h30m)"));
    return default_value;
  }
  if (parsed < min) {
    AddError(key, absl::StrCat(*value, " is below the minimum ", absl::FormatDuration(min)));
    return default_value;
  }
  return parsed;
}

std::string Config::GetEnum(std::string_view key, std::string_view default_value,
                            const std::vector<std::string>& allowed) const {
  std::optional<std::string> value = Find(key);
  if (!value) return std::string(default_value);
  for (const std::string& option : allowed) {
    if (*value == option) return *value;
  }
  AddError(key, absl::StrCat("'", *value, "' is not one of: ", absl::StrJoin(allowed, ", ")));
  return std::string(default_value);
}

std::vector<std::string> Config::GetList(std::string_view key,
                                         const std::vector<std::string>& default_value) const {
  std::optional<std::string> value = Find(key);
  if (!value) return default_value;
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(*value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

std::map<std::string, std::string> Config::GetSubtree(std::string_view prefix) const {
  std::map<std::string, std::string> out;
  const std::string dotted = std::string(prefix) + ".";
  for (const auto& [key, value] : file_values_) {
    if (absl::StartsWith(key, dotted)) out[key.substr(dotted.size())] = value;
  }
  const std::string env_prefix = EnvName(prefix) + "_";
  for (const auto& [name, value] : env_) {
    if (!absl::StartsWith(name, env_prefix) || name.size() == env_prefix.size()) continue;
    std::string sub = absl::AsciiStrToLower(name.substr(env_prefix.size()));
    for (char& c : sub) {
      if (c == '_') c = '.';
    }
    out[sub] = value;
  }
  for (const auto& [key, value] : flag_values_) {
    if (absl::StartsWith(key, dotted)) out[key.substr(dotted.size())] = value;
  }
  return out;
}

}  // namespace oversight::runtime
