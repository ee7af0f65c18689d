#include "oversight/policy/period.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace oversight::policy {
namespace {

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("cannot read period '", text, "': ", why,
                   " (expected e.g. '1 month', '6 weeks', '14 days', '2 working days', "
                   "'48 hours', 'end of day')"));
}

}  // namespace

absl::StatusOr<Period> Period::Parse(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  std::vector<absl::string_view> words = absl::StrSplit(lower, ' ', absl::SkipEmpty());
  if (words.size() == 3 && words[0] == "end" && words[1] == "of" && words[2] == "day") {
    return Period{PeriodUnit::kEndOfDay, 0};
  }
  if (words.size() < 2 || words.size() > 3) return Bad(text, "wrong number of words");
  int count = 0;
  auto [ptr, ec] = std::from_chars(words[0].data(), words[0].data() + words[0].size(), count);
  if (ec != std::errc() || ptr != words[0].data() + words[0].size()) {
    return Bad(text, "the count is not a whole number");
  }
  if (count < 0) return Bad(text, "the count is negative");
  if (count > 100000) return Bad(text, "the count is too large");
  absl::string_view unit = words[1];
  if (words.size() == 3) {
    if (unit != "working") return Bad(text, "unknown unit");
    unit = words[2];
    if (unit == "day" || unit == "days") return Period{PeriodUnit::kWorkingDays, count};
    return Bad(text, "unknown unit");
  }
  if (unit.size() > 1 && unit.back() == 's') unit.remove_suffix(1);
  if (unit == "minute") return Period{PeriodUnit::kMinutes, count};
  if (unit == "hour") return Period{PeriodUnit::kHours, count};
  if (unit == "day") return Period{PeriodUnit::kDays, count};
  if (unit == "week") return Period{PeriodUnit::kWeeks, count};
  if (unit == "fortnight") return Period{PeriodUnit::kWeeks, count * 2};
  if (unit == "month") return Period{PeriodUnit::kMonths, count};
  if (unit == "year") return Period{PeriodUnit::kYears, count};
  return Bad(text, "unknown unit");
}

std::string Period::ToString() const {
  auto plural = [this](absl::string_view one) {
    return absl::StrCat(count, " ", one, count == 1 ? "" : "s");
  };
  switch (unit) {
    case PeriodUnit::kMinutes:
      return plural("minute");
    case PeriodUnit::kHours:
      return plural("hour");
    case PeriodUnit::kDays:
      return plural("day");
    case PeriodUnit::kWeeks:
      return plural("week");
    case PeriodUnit::kMonths:
      return plural("month");
    case PeriodUnit::kYears:
      return plural("year");
    case PeriodUnit::kWorkingDays:
      return plural("working day");
    case PeriodUnit::kEndOfDay:
      return "end of day";
  }
  return "?";
}

bool Period::IsCalendarDate() const {
  return unit == PeriodUnit::kDays || unit == PeriodUnit::kWeeks || unit == PeriodUnit::kMonths ||
         unit == PeriodUnit::kYears;
}

double Period::ApproximateDays() const {
  switch (unit) {
    case PeriodUnit::kMinutes:
      return count / 1440.0;
    case PeriodUnit::kHours:
      return count / 24.0;
    case PeriodUnit::kDays:
      return count;
    case PeriodUnit::kWeeks:
      return 7.0 * count;
    case PeriodUnit::kMonths:
      return 30.44 * count;
    case PeriodUnit::kYears:
      return 365.25 * count;
    case PeriodUnit::kWorkingDays:
      return 1.4 * count;
    case PeriodUnit::kEndOfDay:
      return 0.5;
  }
  return 0;
}

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  // Field arithmetic (no normalisation loops): this is on the engine's hot path.
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int64_t total = day.year() * 12 + (day.month() - 1) + months;
  int64_t year = total / 12;
  int month0 = static_cast<int>(total % 12);
  if (month0 < 0) {
    month0 += 12;
    --year;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int last = kDays[month0] + (month0 == 1 && leap ? 1 : 0);
  return absl::CivilDay(year, month0 + 1, std::min(day.day(), last));
}

absl::CivilDay AddCalendarPeriod(absl::CivilDay day, const Period& period) {
  switch (period.unit) {
    case PeriodUnit::kDays:
      return day + period.count;
    case PeriodUnit::kWeeks:
      return day + 7 * period.count;
    case PeriodUnit::kMonths:
      return AddMonths(day, period.count);
    case PeriodUnit::kYears:
      return AddMonths(day, 12 * period.count);
    default:
      return day;
  }
}

std::string FormatDay(absl::CivilDay day) {
  char buf[16];
  long long y = day.year();
  int m = day.month();
  int d = day.day();
  if (y < 0 || y > 9999) return absl::StrCat(y, "-", m, "-", d);
  buf[0] = static_cast<char>('0' + y / 1000);
  buf[1] = static_cast<char>('0' + (y / 100) % 10);
  buf[2] = static_cast<char>('0' + (y / 10) % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  return std::string(buf, 10);
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a date of the form YYYY-MM-DD"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int parts[3];
  absl::string_view fields[3] = {text.substr(0, 4), text.substr(5, 2), text.substr(8, 2)};
  for (int i = 0; i < 3; ++i) {
    auto [ptr, ec] =
        std::from_chars(fields[i].data(), fields[i].data() + fields[i].size(), parts[i]);
    if (ec != std::errc() || ptr != fields[i].data() + fields[i].size()) return bad();
  }
  absl::CivilDay day(parts[0], parts[1], parts[2]);
  if (day.year() != parts[0] || day.month() != parts[1] || day.day() != parts[2]) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a real calendar day"));
  }
  return day;
}

}  // namespace oversight::policy
