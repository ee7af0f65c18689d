// Periods and deadlines as policy packs write them: "1 month", "6 weeks", "14 days",
// "2 working days", "48 hours", "end of day", "3 years".
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace oversight::policy {

// The unit of a Period. kEndOfDay has no count: "the end of the same London day".
enum class PeriodUnit {
  kMinutes,
  kHours,        // elapsed hours (RULES.md: "48 h" is elapsed unless a rule says otherwise)
  kDays,         // calendar days
  kWeeks,        // 7 calendar days each
  kMonths,       // calendar months, clamped to the month end (31 Jan + 1 month = 28/29 Feb)
  kYears,        // calendar years, clamped (29 Feb + 1 year = 28 Feb)
  kWorkingDays,  // Monday to Friday, not bank holidays (see WorkingCalendar)
  kEndOfDay,     // the end of the London day on which the period starts
};

// A count and a unit. Value type, cheap to copy, thread-compatible.
struct Period {
  PeriodUnit unit = PeriodUnit::kDays;
  int count = 0;

  // Parses "<n> <unit>" (unit singular or plural: minute, hour, day, week, fortnight, month,
  // year, working day) or "end of day". Returns INVALID_ARGUMENT naming the text on failure.
  static absl::StatusOr<Period> Parse(absl::string_view text);

  // The canonical text, e.g. "2 working days"; Parse(ToString()) gives the same Period.
  std::string ToString() const;

  // True for units that count calendar days on a date (days, weeks, months, years).
  bool IsCalendarDate() const;

  // A rough length in days, for ordering periods of different units (a month counts 30.44 days).
  // Never used to compute a date.
  double ApproximateDays() const;

  friend bool operator==(const Period&, const Period&) = default;
};

// Adds a calendar period (days, weeks, months, years) to a day. Months and years clamp to the
// end of the target month. Requires period.IsCalendarDate(); other units return `day` unchanged.
absl::CivilDay AddCalendarPeriod(absl::CivilDay day, const Period& period);

// Adds whole calendar months with month-end clamping: AddMonths(2024-01-31, 1) == 2024-02-29.
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// "YYYY-MM-DD". Faster than absl::FormatCivilTime; used on hot paths for explanations.
std::string FormatDay(absl::CivilDay day);

// Parses "YYYY-MM-DD" strictly (the day must exist). INVALID_ARGUMENT otherwise.
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text);

}  // namespace oversight::policy
