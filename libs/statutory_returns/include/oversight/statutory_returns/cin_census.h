#pragma once

#include <istream>
#include <string_view>

#include "absl/status/statusor.h"
#include "oversight/statutory_returns/import_options.h"

namespace oversight::statutory_returns {

// meta.source of every event imported from a CIN census.
inline constexpr std::string_view kCinCensusSource = "import://cin-census";

// Reads a Children in Need census XML (Message/Header/CollectionDetails, Message/Children/Child)
// from `in` and maps each child's CINdetails to case events (mapping table in the README):
// referrals, C&F assessments started and authorised, CIN plans, S.47 enquiries, child protection
// plans, closures. `file_name` is only used to name the file in issues.
//
// Inconsistent or invalid elements are reported in ImportResult::issues (with the XML line of the
// element) and skipped; everything else is imported. Returns INVALID_ARGUMENT only when the input
// is unusable as a whole: not well-formed XML, a root that is not <Message>, an empty
// authority_id, or no as-of day (neither options.as_of nor a ReferenceDate). Reads `in` to the end;
// nothing else is touched. Thread-safe (no shared state).
absl::StatusOr<ImportResult> ImportCinCensus(std::istream& in, std::string_view file_name,
                                             const ImportOptions& options);

}  // namespace oversight::statutory_returns
