// libFuzzer target: the GOV.UK bank-holidays JSON (WorkingCalendar::FromGovUkJson), division
// "england-and-wales". Input: the whole JSON document.
//
// Contract checked on every input:
// - a refused document is INVALID_ARGUMENT (or NOT_FOUND for missing zone data) with a
//   message naming the source;
// - an accepted calendar has sorted, distinct bank holidays inside its horizon, each one a
//   bank holiday and not a working day; working-day arithmetic from its first day lands on
//   working days after it; end of day is 23:59:59 London time of that day.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "oversight/policy/calendar.h"
#include "oversight/testing/fuzz_check.h"

namespace policy = oversight::policy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  const auto calendar = policy::WorkingCalendar::FromGovUkJson(json, "england-and-wales", "fuzz");
  if (!calendar.ok()) {
    OVERSIGHT_FUZZ_CHECK(calendar.status().code() == absl::StatusCode::kInvalidArgument ||
                             calendar.status().code() == absl::StatusCode::kNotFound,
                         calendar.status().ToString());
    OVERSIGHT_FUZZ_CHECK(
        absl::StartsWith(calendar.status().message(), "fuzz: ") ||
            absl::StrContains(calendar.status().message(), "Europe/London"),
        absl::StrCat("error does not name the source: ", calendar.status().message()));
    return 0;
  }
  const auto& holidays = calendar->holidays();
  OVERSIGHT_FUZZ_CHECK(!holidays.empty(), "accepted with no bank holidays");
  for (size_t i = 0; i < holidays.size(); ++i) {
    const absl::CivilDay day = holidays[i];
    OVERSIGHT_FUZZ_CHECK(i == 0 || holidays[i - 1] < day, "holidays not sorted and distinct");
    OVERSIGHT_FUZZ_CHECK(
        calendar->InHorizon(day) && calendar->IsBankHoliday(day) && !calendar->IsWorkingDay(day),
        absl::StrCat(absl::FormatCivilTime(day), " is not a bank holiday"));
  }
  const absl::CivilDay first = calendar->first_day();
  OVERSIGHT_FUZZ_CHECK(first.month() == 1 && first.day() == 1 &&
                           calendar->last_day().month() == 12 && calendar->last_day().day() == 31,
                       "the horizon is not whole years");
  for (int n : {0, 1, 5, 20}) {
    const policy::CalendarDay after = calendar->AddWorkingDays(first, n);
    OVERSIGHT_FUZZ_CHECK(
        n == 0 ? after.day == first : after.day > first && calendar->IsWorkingDay(after.day),
        absl::StrCat(n, " working days after ", absl::FormatCivilTime(first), " is ",
                     absl::FormatCivilTime(after.day)));
  }
  for (absl::CivilDay day : {first, holidays.front(), holidays.back(), calendar->last_day()}) {
    const absl::Time end = calendar->EndOfDay(day);
    const absl::CivilSecond local = absl::ToCivilSecond(end, calendar->zone());
    OVERSIGHT_FUZZ_CHECK(
        local == absl::CivilSecond(day.year(), day.month(), day.day(), 23, 59, 59),
        absl::StrCat("end of ", absl::FormatCivilTime(day), " is ", absl::FormatCivilTime(local)));
    OVERSIGHT_FUZZ_CHECK(calendar->LocalDay(end) == day, "LocalDay(EndOfDay(day)) != day");
  }
  return 0;
}
