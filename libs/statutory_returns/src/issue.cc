#include "oversight/statutory_returns/issue.h"

namespace oversight::statutory_returns {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
  }
  return "error";
}

}  // namespace oversight::statutory_returns
