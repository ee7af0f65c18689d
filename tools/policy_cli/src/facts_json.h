// Reading policy facts from JSON (the CLI's input format; see tools/policy_cli/README.md).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "oversight/policy/facts.h"

namespace oversight::policy_cli {

// Everything one facts file can hold. Each list may be empty.
struct FactsFile {
  std::vector<policy::WorkerFacts> workers;
  std::vector<policy::ChildFacts> children;
  std::vector<policy::TeamFacts> teams;
  std::vector<policy::CaseEventFacts> events;
  std::vector<policy::SessionFacts> sessions;
};

// Parses a facts document. Dates are "YYYY-MM-DD"; instants are RFC 3339 with an offset
// ("2025-04-07T10:00:00+01:00") or London wall-clock time without one ("2025-04-07T10:00").
// Unknown fields are rejected. Returns INVALID_ARGUMENT "<source>: <json path>: <problem>".
absl::StatusOr<FactsFile> ParseFacts(absl::string_view json, absl::string_view source,
                                     const absl::TimeZone& london);

}  // namespace oversight::policy_cli
