// Moving statutory-return events onto the replayed year: every date and instant inside an event
// is moved by a whole number of years in Europe/London civil time, so 13 February 2017 becomes
// 13 February 2025 (a 29 February becomes the 28th). Pure.
#pragma once

#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "oversight/cases/v1/case_events.pb.h"

namespace oversight::simulator {

// A reporting year of the statutory returns: 1 April to 31 March.
struct ReplayYear {
  int first_year = 2025;  // the year of its 1 April

  absl::CivilDay first_day() const { return absl::CivilDay(first_year, 4, 1); }
  // The day after its last day (1 April of the next year).
  absl::CivilDay end_day() const { return absl::CivilDay(first_year + 1, 4, 1); }
  bool Contains(absl::CivilDay day) const { return day >= first_day() && day < end_day(); }
};

// The reporting year (1 April - 31 March) containing `day`.
ReplayYear ReportingYearOf(absl::CivilDay day);

// `t` moved by `years` in `zone`'s civil time (same month, day and wall-clock time).
absl::Time ShiftYears(absl::Time t, int years, const absl::TimeZone& zone);

// Moves every google.protobuf.Timestamp and oversight.common.v1.Date inside `message`
// (recursively, repeated fields included) by `years`.
void ShiftAllDates(google::protobuf::Message& message, int years, const absl::TimeZone& zone);

// How many years the events of one return must move so that its own reporting year becomes
// `target`. Its own year is the one holding the 95th percentile of its event dates (stray rows
// after the year end do not count); 0 for no events.
int YearsToShift(const std::vector<cases::v1::CaseEvent>& events, ReplayYear target,
                 const absl::TimeZone& zone);

}  // namespace oversight::simulator
