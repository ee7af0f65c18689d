// Loading the AuthorityRegistry from a service's configuration.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "oversight/authorities/authorities.h"
#include "oversight/runtime/config.h"

namespace oversight::authorities {

// Reads policy.packs_dir (default: the packs shipped with libs/policy), policy.calendar_file
// (default: the shipped England and Wales calendar) and policy.authorities (comma-separated
// pack names; default: every pack in the directory) and policy.live_from (go-live days, see
// Authority::live_from: "YYYY-MM-DD" for all, or "devon=2025-04-01,havering=2025-06-02"), and
// loads them.
absl::StatusOr<std::unique_ptr<AuthorityRegistry>> LoadFromConfig(const runtime::Config& config);

}  // namespace oversight::authorities
