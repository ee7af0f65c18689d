#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"

namespace oversight::statutory_returns::internal {

// Parses "yyyy-mm-dd" (CIN census). Returns nullopt unless the text is exactly that shape and a
// real calendar day from 0001-01-01 on (2021-02-29 and 0000-01-01 are rejected).
std::optional<absl::CivilDay> ParseIsoDay(std::string_view text);

// Parses "dd/mm/yyyy" (SSDA903). Same strictness as ParseIsoDay.
std::optional<absl::CivilDay> ParseUkDay(std::string_view text);

// "yyyy-mm-dd".
std::string FormatDay(absl::CivilDay day);

}  // namespace oversight::statutory_returns::internal
