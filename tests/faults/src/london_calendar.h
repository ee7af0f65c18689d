// The fault suite's own working-day arithmetic for its expected outcome, written from
// RULES.md's "Shared vocabulary" and independent of libs/policy (which the services use): a
// working day is Monday to Friday except the bank holidays of England and Wales, listed here by
// hand from GOV.UK for the years the suite's simulated time can reach (2025 and 2026); day-based
// deadlines end at 23:59:59 London time.
#pragma once

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace oversight::faults {

// Europe/London (tzdata).
const absl::TimeZone& London();

absl::CivilDay LondonDay(absl::Time at);
absl::Time StartOfLondonDay(absl::CivilDay day);
// 23:59:59 London time: the deadline of a day-based rule.
absl::Time EndOfLondonDay(absl::CivilDay day);

// England-and-Wales working day (2025 and 2026; later years: weekdays only, which the suite's
// simulated time never reaches).
bool IsWorkingDay(absl::CivilDay day);
// The n-th working day after `day` (n >= 1; `day` itself never counts).
absl::CivilDay AddWorkingDays(absl::CivilDay day, int n);
// The n-th working day before `day`.
absl::CivilDay SubtractWorkingDays(absl::CivilDay day, int n);
// `day` plus n calendar months, on the last day of a shorter month (31 Jan + 1 = 28/29 Feb).
absl::CivilDay AddMonths(absl::CivilDay day, int n);

}  // namespace oversight::faults
