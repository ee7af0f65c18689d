#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace oversight::importer {

// What oversight-import was asked to do (see Usage()).
struct CommandLine {
  std::string authority_id;
  std::string cin_file;
  std::string episodes_csv_file;
  std::string episodes_xml_file;
  std::string header_file;
  std::optional<absl::CivilDay> as_of;
  std::optional<absl::Time> recorded_at;  // unset: the time the import runs
  std::string out_file;                   // JSON lines
  std::string kafka_bootstrap;
  std::string topic = "oversight.case-events.v1";
  std::string issues_file;  // CSV; empty: issues go to stderr
};

// The usage text printed for --help and after a usage error.
std::string Usage();

// Parses argv[1..]. Returns INVALID_ARGUMENT naming the offending flag for an unknown flag, a
// missing value, a bad date, no input file, or not exactly one of --out / --kafka.
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

}  // namespace oversight::importer
