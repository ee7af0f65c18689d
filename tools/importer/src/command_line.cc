#include "command_line.h"

#include <map>

#include "absl/status/status.h"

namespace oversight::importer {
namespace {

std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

}  // namespace

std::string Usage() {
  return "usage: oversight-import --authority ID [--cin CIN.xml] [--episodes EPISODES.csv]\n"
         "         [--episodes-xml SSDA903.xml] [--header HEADER.csv] [--as-of YYYY-MM-DD]\n"
         "         [--recorded-at RFC3339] [--issues ISSUES.csv]\n"
         "         (--out EVENTS.jsonl | --kafka BOOTSTRAP [--topic oversight.case-events.v1])\n"
         "Reads statutory returns (CIN census XML, SSDA903 episodes CSV/XML) and writes their\n"
         "case events. Prints a summary on stdout and every problem row on stderr (or --issues).\n"
         "Exit 0 when imported (even with issues), 1 when an input is unusable or output fails,\n"
         "2 on a usage error.\n";
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  std::string as_of, recorded_at;
  const std::map<std::string, std::string*> flags = {
      {"--authority", &cl.authority_id},     {"--cin", &cl.cin_file},
      {"--episodes", &cl.episodes_csv_file}, {"--episodes-xml", &cl.episodes_xml_file},
      {"--header", &cl.header_file},         {"--as-of", &as_of},
      {"--recorded-at", &recorded_at},       {"--out", &cl.out_file},
      {"--kafka", &cl.kafka_bootstrap},      {"--topic", &cl.topic},
      {"--issues", &cl.issues_file},
  };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto flag = flags.find(name);
    if (flag == flags.end()) return absl::InvalidArgumentError("unknown argument " + args[i]);
    if (!has_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(name + " needs a value");
      value = args[++i];
    }
    if (value.empty()) return absl::InvalidArgumentError(name + " needs a non-empty value");
    *flag->second = value;
  }
  if (cl.authority_id.empty()) return absl::InvalidArgumentError("--authority is required");
  if (cl.cin_file.empty() && cl.episodes_csv_file.empty() && cl.episodes_xml_file.empty()) {
    return absl::InvalidArgumentError("give at least one of --cin, --episodes, --episodes-xml");
  }
  if (cl.out_file.empty() == cl.kafka_bootstrap.empty()) {
    return absl::InvalidArgumentError("give exactly one of --out and --kafka");
  }
  if (!as_of.empty()) {
    cl.as_of = ParseDay(as_of);
    if (!cl.as_of) return absl::InvalidArgumentError("--as-of wants YYYY-MM-DD, got " + as_of);
  }
  if (!recorded_at.empty()) {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, recorded_at, &t, &error)) {
      return absl::InvalidArgumentError("--recorded-at wants RFC 3339, got " + recorded_at);
    }
    cl.recorded_at = t;
  }
  return cl;
}

}  // namespace oversight::importer
