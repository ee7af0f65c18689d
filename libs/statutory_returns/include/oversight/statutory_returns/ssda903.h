#pragma once

#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/statutory_returns/import_options.h"
#include "oversight/statutory_returns/issue.h"

namespace oversight::statutory_returns {

// meta.source of every event imported from SSDA903 episodes (CSV or XML export).
inline constexpr std::string_view kSsda903Source = "import://ssda903";

// One SSDA903 episode of care exactly as written in the return (no field validated yet).
struct Ssda903Episode {
  std::string file;  // as given by the caller
  int line = 0;      // CSV line of the row, or XML line of <Episode>
  std::string child;
  std::string decom;  // start, dd/mm/yyyy
  std::string rne;    // reason for new episode: S L P T B U
  std::string ls;     // legal status
  std::string cin;    // category of need
  std::string place;  // placement type
  std::string place_provider;
  std::string dec;  // end, dd/mm/yyyy; empty while open
  std::string rec;  // reason episode ceased
  std::string reason_place_change;
};

// Children listed in an SSDA903 header (CSV, or the <Header> of each <Child> of the XML export).
struct Ssda903Header {
  // Child id -> line where it is first listed.
  std::map<std::string, int> child_lines;
};

// Episodes and header of one SSDA903 XML export.
struct Ssda903XmlExport {
  std::vector<Ssda903Episode> episodes;
  Ssda903Header header;
};

// Reads an SSDA903 episodes CSV (header row naming at least CHILD, DECOM, RNE, LS, PLACE, DEC,
// REC; other known columns optional, unknown columns ignored). Rows with the wrong number of
// fields are reported in `issues` (appended to, never cleared) and left out. Returns
// INVALID_ARGUMENT when the header row is missing or lacks a required column; `issues` may then
// hold partial results. Thread-safe.
absl::StatusOr<std::vector<Ssda903Episode>> ParseSsda903EpisodesCsv(std::istream& in,
                                                                    std::string_view file_name,
                                                                    std::vector<Issue>* issues);

// Reads an SSDA903 header CSV (a CHILD column is required). Repeated children are reported in
// `issues` as warnings (the first line is kept). Returns INVALID_ARGUMENT when there is no header
// row with CHILD. Thread-safe.
absl::StatusOr<Ssda903Header> ParseSsda903HeaderCsv(std::istream& in, std::string_view file_name,
                                                    std::vector<Issue>* issues);

// Reads the element-per-column SSDA903 XML export:
//   <Message><Children><Child><Header><CHILD>..</CHILD>..</Header>
//     <Episodes><Episode><DECOM>..</DECOM><RNE>..</RNE>..</Episode>..</Episodes></Child>..
// An <Episode> without <CHILD> belongs to its <Child>'s Header/CHILD (when neither is given the
// episode keeps an empty child, which ImportSsda903Episodes reports). Line numbers are those of
// the <Episode> start tags. A CHILD with two Headers is reported in `issues` (appended to) as a
// warning. Returns INVALID_ARGUMENT when the XML is not well-formed or the root is not <Message>;
// `issues` may then hold partial results. Thread-safe.
absl::StatusOr<Ssda903XmlExport> ParseSsda903Xml(std::istream& in, std::string_view file_name,
                                                 std::vector<Issue>* issues);

// Validates episodes (from any number of files) and maps them to case events (mapping table
// and checks in the README). Each child's episodes are taken in DECOM order. When `header` is
// non-null, children missing from it are reported (warning). Episodes that cannot be imported
// are reported as errors and skipped; inconsistent sequences are reported as warnings and
// imported as recorded. Returns INVALID_ARGUMENT only for an empty authority_id. Thread-safe.
absl::StatusOr<ImportResult> ImportSsda903Episodes(const std::vector<Ssda903Episode>& episodes,
                                                   const Ssda903Header* header,
                                                   const ImportOptions& options);

}  // namespace oversight::statutory_returns
