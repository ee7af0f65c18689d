#include "london_calendar.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace oversight::faults {
namespace {

// GOV.UK, bank holidays in England and Wales.
constexpr absl::CivilDay kBankHolidays[] = {
    absl::CivilDay(2025, 1, 1),   absl::CivilDay(2025, 4, 18),  absl::CivilDay(2025, 4, 21),
    absl::CivilDay(2025, 5, 5),   absl::CivilDay(2025, 5, 26),  absl::CivilDay(2025, 8, 25),
    absl::CivilDay(2025, 12, 25), absl::CivilDay(2025, 12, 26), absl::CivilDay(2026, 1, 1),
    absl::CivilDay(2026, 4, 3),   absl::CivilDay(2026, 4, 6),   absl::CivilDay(2026, 5, 4),
    absl::CivilDay(2026, 5, 25),  absl::CivilDay(2026, 8, 31),  absl::CivilDay(2026, 12, 25),
    absl::CivilDay(2026, 12, 28),
};

}  // namespace

const absl::TimeZone& London() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/London", z)) {
      std::cerr << "fault suite: cannot load the Europe/London time zone (tzdata)\n";
      std::abort();
    }
    return z;
  }();
  return *zone;
}

absl::CivilDay LondonDay(absl::Time at) {
  return absl::ToCivilDay(at, London());
}

absl::Time StartOfLondonDay(absl::CivilDay day) {
  return absl::FromCivil(day, London());
}

absl::Time EndOfLondonDay(absl::CivilDay day) {
  return StartOfLondonDay(day + 1) - absl::Seconds(1);
}

bool IsWorkingDay(absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  if (weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday) return false;
  return std::find(std::begin(kBankHolidays), std::end(kBankHolidays), day) ==
         std::end(kBankHolidays);
}

absl::CivilDay AddWorkingDays(absl::CivilDay day, int n) {
  while (n > 0) {
    ++day;
    if (IsWorkingDay(day)) --n;
  }
  return day;
}

absl::CivilDay SubtractWorkingDays(absl::CivilDay day, int n) {
  while (n > 0) {
    --day;
    if (IsWorkingDay(day)) --n;
  }
  return day;
}

absl::CivilDay AddMonths(absl::CivilDay day, int n) {
  const absl::CivilMonth month = absl::CivilMonth(day) + n;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month.year(), month.month(), day.day()), last);
}

}  // namespace oversight::faults
