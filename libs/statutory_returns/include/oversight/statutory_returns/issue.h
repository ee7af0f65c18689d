#pragma once

#include <string>
#include <string_view>

namespace oversight::statutory_returns {

// What happened to the row or element an Issue is about.
enum class Severity {
  // The row (or the one event it would have produced) was NOT imported.
  kError,
  // The row was imported; the issue explains a caveat (for example an ignored field or an event
  // that was added to keep the child's state coherent).
  kWarning,
};

// "error" or "warning".
std::string_view SeverityName(Severity severity);

// One inconsistent or invalid row of a statutory return, as reported to the person importing it.
// A plain value type; copying is cheap enough for reports of a few thousand issues.
struct Issue {
  // The file name as the caller gave it (used verbatim in reports).
  std::string file;
  // 1-based line: the CSV line where the row starts, or the XML line of the element's start tag.
  // 0 when the issue is about the file as a whole.
  int line = 0;
  // The child the row belongs to; empty when the row has no usable child id.
  std::string child_id;
  Severity severity = Severity::kError;
  // Stable machine-readable reason, for example "date_after_as_of" (listed in the README).
  std::string code;
  // A sentence a person can act on, naming the field and the value.
  std::string reason;
};

}  // namespace oversight::statutory_returns
