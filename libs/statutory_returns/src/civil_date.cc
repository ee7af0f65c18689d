#include "civil_date.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace oversight::statutory_returns::internal {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// `s` holds at most 4 ASCII digits.
int ToInt(std::string_view s) {
  int value = 0;
  for (char c : s)
    value = value * 10 + (c - '0');
  return value;
}

std::optional<absl::CivilDay> MakeDay(std::string_view y, std::string_view m, std::string_view d) {
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return std::nullopt;
  const int year = ToInt(y), month = ToInt(m), day = ToInt(d);
  // Year 0000 is before anything a Timestamp can hold (0001-01-01 to 9999-12-31): its events
  // could not be encoded (protobuf's TimeUtil aborts on it).
  if (year < 1) return std::nullopt;
  absl::CivilDay civil(year, month, day);
  // CivilDay normalises out-of-range fields (2021-02-29 -> 2021-03-01): reject those.
  if (civil.year() != year || civil.month() != month || civil.day() != day) return std::nullopt;
  return civil;
}

}  // namespace

std::optional<absl::CivilDay> ParseIsoDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  return MakeDay(text.substr(0, 4), text.substr(5, 2), text.substr(8, 2));
}

std::optional<absl::CivilDay> ParseUkDay(std::string_view text) {
  if (text.size() != 10 || text[2] != '/' || text[5] != '/') return std::nullopt;
  return MakeDay(text.substr(6, 4), text.substr(3, 2), text.substr(0, 2));
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace oversight::statutory_returns::internal
