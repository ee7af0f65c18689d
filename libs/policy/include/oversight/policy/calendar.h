// The working-day calendar: bank holidays of one GOV.UK division, Europe/London days, and
// working-day arithmetic. Pure: loading reads a file only when asked to (LoadFile).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace oversight::policy {

// A day computed by the calendar, and whether computing it needed days beyond the calendar's
// horizon (where bank holidays are unknown and only weekends are skipped).
struct CalendarDay {
  absl::CivilDay day;
  bool beyond_horizon = false;
};

// Bank holidays of one division of a GOV.UK bank-holidays.json document, the time zone
// deadlines are expressed in (Europe/London), and working-day arithmetic on them.
//
// The horizon is 1 January of the first year with an event to 31 December of the last year
// with an event. Outside it weekends are still skipped but bank holidays are unknown: every
// method that can step outside says so in its result, so callers can warn.
//
// Immutable after construction; safe to share between threads. Cheap to query: a bit per day.
class WorkingCalendar {
 public:
  // Parses a GOV.UK bank-holidays.json document ({"<division>": {"division": ..., "events":
  // [{"title", "date": "YYYY-MM-DD", "notes", "bunting"}]}}) and takes `division` from it.
  // `source` names the document in errors (a file path, "inline" ...). Returns INVALID_ARGUMENT
  // naming the source, the JSON field and the problem for a malformed document, an unknown
  // division, an empty event list or a bad date; NOT_FOUND if the Europe/London zone data
  // cannot be loaded.
  static absl::StatusOr<WorkingCalendar> FromGovUkJson(absl::string_view json,
                                                       absl::string_view division,
                                                       absl::string_view source);

  // Reads the file at `path` and calls FromGovUkJson. NOT_FOUND if the file cannot be read.
  static absl::StatusOr<WorkingCalendar> LoadFile(const std::string& path,
                                                  absl::string_view division = "england-and-wales");

  // An identifier for explanations, e.g. "england-and-wales 2018-2030".
  const std::string& id() const { return id_; }
  const std::string& division() const { return division_; }
  absl::CivilDay first_day() const { return first_day_; }
  absl::CivilDay last_day() const { return last_day_; }
  bool InHorizon(absl::CivilDay day) const { return day >= first_day_ && day <= last_day_; }

  // The bank holidays of the division, sorted.
  const std::vector<absl::CivilDay>& holidays() const { return holidays_; }

  // True if `day` is a bank holiday of the division (false outside the horizon).
  bool IsBankHoliday(absl::CivilDay day) const;

  // True on Monday to Friday when the day is not a bank holiday.
  bool IsWorkingDay(absl::CivilDay day) const;

  // The day `n` working days after `from` (n >= 0). Counting starts on the day after `from`, so
  // AddWorkingDays(Friday, 1) is the next Monday unless that is a bank holiday; `from` itself
  // need not be a working day. n == 0 returns `from` unchanged.
  CalendarDay AddWorkingDays(absl::CivilDay from, int n) const;

  // The first working day on or after `day`.
  CalendarDay NextWorkingDayOnOrAfter(absl::CivilDay day) const;

  // The London day containing `t`.
  absl::CivilDay LocalDay(absl::Time t) const;

  // The last second of `day` in Europe/London (23:59:59 local), as an absolute time.
  absl::Time EndOfDay(absl::CivilDay day) const;

  // The time zone (Europe/London).
  const absl::TimeZone& zone() const { return zone_; }

 private:
  WorkingCalendar() = default;

  std::string id_;
  std::string division_;
  absl::TimeZone zone_;
  absl::CivilDay first_day_;
  absl::CivilDay last_day_;
  std::vector<absl::CivilDay> holidays_;
  std::vector<uint64_t> holiday_bits_;  // bit i: first_day_ + i is a bank holiday
  std::vector<absl::Time> end_of_day_;  // i: EndOfDay(first_day_ + i), precomputed
};

}  // namespace oversight::policy
