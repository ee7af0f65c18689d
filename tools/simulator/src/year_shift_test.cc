#include "year_shift.h"

#include <gtest/gtest.h>

#include "google/protobuf/util/time_util.h"
#include "oversight/testing/utc.h"

namespace oversight::simulator {
namespace {

absl::TimeZone London() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &zone));
  return zone;
}

using oversight::testing::Utc;

cases::v1::CaseEvent EnteredCare(const char* id, const char* occurred) {
  cases::v1::CaseEvent event;
  auto* e = event.mutable_child_entered_care();
  e->mutable_meta()->set_event_id(id);
  e->mutable_meta()->set_subject("c1");
  e->mutable_meta()->set_source("import://ssda903");
  *e->mutable_meta()->mutable_occurred_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(Utc(occurred)));
  e->set_child_id("c1");
  return event;
}

TEST(YearShift, KeepsTheLondonWallClockAcrossYearsAndSummerTime) {
  const absl::TimeZone zone = London();
  // Midnight of 13 February 2017 (GMT) -> midnight of 13 February 2025 (GMT).
  EXPECT_EQ(ShiftYears(Utc("2017-02-13T00:00:00Z"), 8, zone), Utc("2025-02-13T00:00:00Z"));
  // Midnight of 1 June 2017 in London is 23:00 UTC the day before (BST); so is 2025's.
  EXPECT_EQ(ShiftYears(Utc("2017-05-31T23:00:00Z"), 8, zone), Utc("2025-05-31T23:00:00Z"));
  // 29 February 2016 has no twin in 2017: the 28th.
  EXPECT_EQ(ShiftYears(Utc("2016-02-29T12:00:00Z"), 1, zone), Utc("2017-02-28T12:00:00Z"));
  EXPECT_EQ(ShiftYears(Utc("2016-02-29T12:00:00Z"), 4, zone), Utc("2020-02-29T12:00:00Z"));
}

TEST(YearShift, MovesEveryTimestampAndDateInsideAnEvent) {
  const absl::TimeZone zone = London();
  cases::v1::CaseEvent event;
  auto* direction = event.mutable_court_direction();
  *direction->mutable_meta()->mutable_occurred_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(Utc("2017-03-01T00:00:00Z")));
  direction->mutable_comply_by()->set_year(2017);
  direction->mutable_comply_by()->set_month(3);
  direction->mutable_comply_by()->set_day(15);
  ShiftAllDates(event, 8, zone);
  EXPECT_EQ(direction->meta().occurred_at().seconds(),
            absl::ToUnixSeconds(Utc("2025-03-01T00:00:00Z")));
  EXPECT_EQ(direction->comply_by().year(), 2025);
  EXPECT_EQ(direction->comply_by().month(), 3);
  EXPECT_EQ(direction->comply_by().day(), 15);
  // Unset fields stay unset.
  EXPECT_FALSE(direction->meta().has_recorded_at());
}

TEST(YearShift, ReportingYearsRunFromAprilToMarch) {
  EXPECT_EQ(ReportingYearOf(absl::CivilDay(2018, 3, 31)).first_year, 2017);
  EXPECT_EQ(ReportingYearOf(absl::CivilDay(2018, 4, 1)).first_year, 2018);
  const ReplayYear year{2025};
  EXPECT_EQ(year.first_day(), absl::CivilDay(2025, 4, 1));
  EXPECT_EQ(year.end_day(), absl::CivilDay(2026, 4, 1));
  EXPECT_TRUE(year.Contains(absl::CivilDay(2026, 3, 31)));
  EXPECT_FALSE(year.Contains(absl::CivilDay(2026, 4, 1)));
}

TEST(YearShift, AReturnsOwnYearIgnoresAFewStrayRowsAfterIt) {
  const absl::TimeZone zone = London();
  std::vector<cases::v1::CaseEvent> events;
  // 40 events in the 2017-18 year, 1 stray on 1 April 2018 (as in the DfE sample).
  for (int i = 0; i < 40; ++i)
    events.push_back(EnteredCare("e", "2017-09-01T00:00:00Z"));
  events.push_back(EnteredCare("stray", "2018-03-31T23:00:00Z"));  // 1 April 2018, London
  EXPECT_EQ(YearsToShift(events, ReplayYear{2025}, zone), 8);
  EXPECT_EQ(YearsToShift({}, ReplayYear{2025}, zone), 0);
}

}  // namespace
}  // namespace oversight::simulator
