// Reading an authority's statutory-return files from disk into one timeline of case events: the
// one place that opens the files, shared by `oversight-import` and the demo's year replay
// (`oversight-sim`). Everything else in this library is pure and reads the streams it is given.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "oversight/statutory_returns/import_options.h"

namespace oversight::statutory_returns {

// The files of one import; empty paths are skipped. At least one should be set.
struct ReturnFiles {
  std::string cin_census_xml;        // CIN census XML
  std::string ssda903_episodes_csv;  // SSDA903 episodes CSV
  std::string ssda903_episodes_xml;  // SSDA903 XML export (episodes and its own header)
  std::string ssda903_header_csv;    // SSDA903 header CSV (optional: enables the header check)
};

// Reads and imports every named file with `options`. The events come as one timeline: sorted by
// occurred_at, each child's events keeping their order (the sort is stable); issues in file
// order. Fails only on unusable input: NOT_FOUND naming a file that cannot be opened, or the
// INVALID_ARGUMENT of the parser (see cin_census.h and ssda903.h); nothing is returned then.
absl::StatusOr<ImportResult> ImportReturnFiles(const ReturnFiles& files,
                                               const ImportOptions& options);

}  // namespace oversight::statutory_returns
