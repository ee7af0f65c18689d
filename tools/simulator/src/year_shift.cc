#include "year_shift.h"

#include <algorithm>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/statutory_returns/case_event_type.h"

namespace oversight::simulator {
namespace {

absl::CivilDay ShiftDay(absl::CivilDay day, int years) {
  const int year = static_cast<int>(day.year()) + years;
  int d = day.day();
  if (day.month() == 2 && d == 29 && absl::CivilDay(year, 2, 29).month() != 2) d = 28;
  return absl::CivilDay(year, day.month(), d);
}

void ShiftTimestamp(google::protobuf::Timestamp& ts, int years, const absl::TimeZone& zone) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return;  // unset
  const absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  const absl::Time moved = ShiftYears(t, years, zone);
  ts.set_seconds(absl::ToUnixSeconds(moved));
  ts.set_nanos(ts.nanos());
}

void ShiftDate(common::v1::Date& date, int years) {
  if (date.year() == 0) return;  // unset
  const absl::CivilDay moved =
      ShiftDay(absl::CivilDay(date.year(), date.month(), date.day()), years);
  date.set_year(static_cast<int>(moved.year()));
  date.set_month(moved.month());
  date.set_day(moved.day());
}

void ShiftMessage(google::protobuf::Message& message, int years, const absl::TimeZone& zone) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  if (descriptor == google::protobuf::Timestamp::descriptor()) {
    ShiftTimestamp(static_cast<google::protobuf::Timestamp&>(message), years, zone);
    return;
  }
  if (descriptor == common::v1::Date::descriptor()) {
    ShiftDate(static_cast<common::v1::Date&>(message), years);
    return;
  }
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        ShiftMessage(*reflection->MutableRepeatedMessage(&message, field, i), years, zone);
      }
    } else {
      ShiftMessage(*reflection->MutableMessage(&message, field), years, zone);
    }
  }
}

}  // namespace

ReplayYear ReportingYearOf(absl::CivilDay day) {
  return ReplayYear{static_cast<int>(day.month() >= 4 ? day.year() : day.year() - 1)};
}

absl::Time ShiftYears(absl::Time t, int years, const absl::TimeZone& zone) {
  const absl::CivilSecond local = absl::ToCivilSecond(t, zone);
  const absl::CivilDay day = ShiftDay(absl::CivilDay(local), years);
  const absl::CivilSecond moved(day.year(), day.month(), day.day(), local.hour(), local.minute(),
                                local.second());
  return absl::FromCivil(moved, zone);
}

void ShiftAllDates(google::protobuf::Message& message, int years, const absl::TimeZone& zone) {
  if (years == 0) return;
  ShiftMessage(message, years, zone);
}

int YearsToShift(const std::vector<cases::v1::CaseEvent>& events, ReplayYear target,
                 const absl::TimeZone& zone) {
  std::vector<int64_t> seconds;
  seconds.reserve(events.size());
  for (const cases::v1::CaseEvent& event : events) {
    const common::v1::EventMeta* meta = statutory_returns::EventMetaOf(event);
    if (meta != nullptr) seconds.push_back(meta->occurred_at().seconds());
  }
  if (seconds.empty()) return 0;
  // The 95th percentile rather than the latest: a return's few stray rows past its year end
  // (the samples have some on purpose) must not decide which year is its own.
  const size_t index = (seconds.size() - 1) * 95 / 100;
  std::nth_element(seconds.begin(), seconds.begin() + static_cast<std::ptrdiff_t>(index),
                   seconds.end());
  const absl::CivilDay day(absl::ToCivilSecond(absl::FromUnixSeconds(seconds[index]), zone));
  return target.first_year - ReportingYearOf(day).first_year;
}

}  // namespace oversight::simulator
