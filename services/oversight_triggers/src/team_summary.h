// The calendar month a team summary counts completions in ("this month" in the authority's
// time zone, Europe/London). Pure.
#pragma once

#include "absl/time/time.h"

namespace oversight::triggers {

// [start, end): the first instant of the month containing `now` in `zone`, and the first
// instant of the next month.
struct Month {
  absl::Time start;
  absl::Time end;
};
Month MonthContaining(absl::Time now, const absl::TimeZone& zone);

}  // namespace oversight::triggers
