#include "oversight/policy/calendar.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "oversight/policy/period.h"

namespace oversight::policy {
namespace {

absl::Status Invalid(absl::string_view source, absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", field, ": ", problem));
}

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

}  // namespace

absl::StatusOr<WorkingCalendar> WorkingCalendar::FromGovUkJson(absl::string_view json,
                                                               absl::string_view division,
                                                               absl::string_view source) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid(source, "(document)", "not valid JSON");
  if (!doc.is_object()) return Invalid(source, "(document)", "expected an object of divisions");
  std::string div(division);
  auto it = doc.find(div);
  if (it == doc.end() || !it->is_object()) {
    return Invalid(source, div, "no such division in the document");
  }
  auto events = it->find("events");
  if (events == it->end() || !events->is_array()) {
    return Invalid(source, absl::StrCat(div, ".events"), "missing or not a list");
  }
  if (events->empty()) return Invalid(source, absl::StrCat(div, ".events"), "empty");
  WorkingCalendar cal;
  cal.division_ = div;
  for (size_t i = 0; i < events->size(); ++i) {
    const nlohmann::json& ev = (*events)[i];
    std::string field = absl::StrCat(div, ".events[", i, "].date");
    if (!ev.is_object() || !ev.contains("date") || !ev["date"].is_string()) {
      return Invalid(source, field, "missing or not a string");
    }
    absl::StatusOr<absl::CivilDay> day = ParseDay(ev["date"].get<std::string>());
    if (!day.ok()) return Invalid(source, field, day.status().message());
    cal.holidays_.push_back(*day);
  }
  std::sort(cal.holidays_.begin(), cal.holidays_.end());
  cal.holidays_.erase(std::unique(cal.holidays_.begin(), cal.holidays_.end()), cal.holidays_.end());
  cal.first_day_ = absl::CivilDay(cal.holidays_.front().year(), 1, 1);
  cal.last_day_ = absl::CivilDay(cal.holidays_.back().year(), 12, 31);
  const int64_t span = (cal.last_day_ - cal.first_day_) + 1;
  cal.holiday_bits_.assign(static_cast<size_t>((span + 63) / 64), 0);
  for (absl::CivilDay h : cal.holidays_) {
    const int64_t i = h - cal.first_day_;
    cal.holiday_bits_[static_cast<size_t>(i / 64)] |= uint64_t{1} << (i % 64);
  }
  if (!absl::LoadTimeZone("Europe/London", &cal.zone_)) {
    return absl::NotFoundError(
        "time zone Europe/London not found (install tzdata: /usr/share/zoneinfo)");
  }
  cal.id_ = absl::StrCat(div, " ", cal.first_day_.year(), "-", cal.last_day_.year());
  cal.end_of_day_.reserve(static_cast<size_t>(span));
  for (absl::CivilDay d = cal.first_day_; d <= cal.last_day_; ++d) {
    cal.end_of_day_.push_back(
        absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 23, 59, 59), cal.zone_));
  }
  return cal;
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::LoadFile(const std::string& path,
                                                          absl::string_view division) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open calendar file"));
  std::stringstream buf;
  buf << in.rdbuf();
  return FromGovUkJson(buf.str(), division, path);
}

bool WorkingCalendar::IsBankHoliday(absl::CivilDay day) const {
  if (!InHorizon(day)) return false;
  const int64_t i = day - first_day_;
  return (holiday_bits_[static_cast<size_t>(i / 64)] >> (i % 64)) & 1;
}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  return !IsWeekend(day) && !IsBankHoliday(day);
}

CalendarDay WorkingCalendar::AddWorkingDays(absl::CivilDay from, int n) const {
  CalendarDay out{from, false};
  while (n > 0) {
    ++out.day;
    if (!InHorizon(out.day)) out.beyond_horizon = true;
    if (IsWorkingDay(out.day)) --n;
  }
  return out;
}

CalendarDay WorkingCalendar::NextWorkingDayOnOrAfter(absl::CivilDay day) const {
  CalendarDay out{day, !InHorizon(day)};
  while (!IsWorkingDay(out.day)) {
    ++out.day;
    if (!InHorizon(out.day)) out.beyond_horizon = true;
  }
  return out;
}

absl::CivilDay WorkingCalendar::LocalDay(absl::Time t) const {
  return absl::CivilDay(absl::ToCivilSecond(t, zone_));
}

absl::Time WorkingCalendar::EndOfDay(absl::CivilDay day) const {
  if (InHorizon(day)) return end_of_day_[static_cast<size_t>(day - first_day_)];
  // 23:59:59 local. Europe/London changes offset at 01:00 UTC, never near midnight, so the
  // local time always exists and is unique.
  return absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 23, 59, 59), zone_);
}

}  // namespace oversight::policy
