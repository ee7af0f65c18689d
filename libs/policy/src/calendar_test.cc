#include "oversight/policy/calendar.h"

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "oversight/policy/pack.h"

namespace oversight::policy {
namespace {

const WorkingCalendar& Calendar() {
  static const WorkingCalendar* cal = [] {
    absl::StatusOr<WorkingCalendar> c = WorkingCalendar::LoadFile(DefaultCalendarPath());
    EXPECT_TRUE(c.ok()) << c.status();
    return new WorkingCalendar(*std::move(c));
  }();
  return *cal;
}

// Easter Sunday by the anonymous Gregorian algorithm: an independent check of the data file.
absl::CivilDay Easter(int y) {
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
  int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
  return absl::CivilDay(y, (h + l - 7 * m + 114) / 31, (h + l - 7 * m + 114) % 31 + 1);
}

TEST(CalendarTest, HorizonCoversRequiredYears) {
  EXPECT_EQ(Calendar().first_day(), absl::CivilDay(2018, 1, 1));
  EXPECT_EQ(Calendar().last_day(), absl::CivilDay(2030, 12, 31));
  EXPECT_EQ(Calendar().id(), "england-and-wales 2018-2030");
  EXPECT_EQ(Calendar().holidays().size(), 107u);  // 8 a year for 13 years + 3 one-off days
}

TEST(CalendarTest, EasterDatesMatchTheAlgorithmAndKnownDates) {
  // Known Easter Sundays, written by hand.
  EXPECT_EQ(Easter(2019), absl::CivilDay(2019, 4, 21));
  EXPECT_EQ(Easter(2024), absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(Easter(2025), absl::CivilDay(2025, 4, 20));
  EXPECT_EQ(Easter(2027), absl::CivilDay(2027, 3, 28));
  for (int y = 2018; y <= 2030; ++y) {
    EXPECT_TRUE(Calendar().IsBankHoliday(Easter(y) - 2)) << "Good Friday " << y;
    EXPECT_TRUE(Calendar().IsBankHoliday(Easter(y) + 1)) << "Easter Monday " << y;
  }
}

TEST(CalendarTest, SpecialAndSubstituteDays) {
  struct Case {
    absl::CivilDay day;
    bool holiday;
  } cases[] = {
      {absl::CivilDay(2020, 5, 8), true},    // VE day
      {absl::CivilDay(2020, 5, 4), false},   // the usual early May Monday, moved
      {absl::CivilDay(2022, 6, 2), true},    // spring bank holiday moved
      {absl::CivilDay(2022, 6, 3), true},    // Platinum Jubilee
      {absl::CivilDay(2022, 5, 30), false},  // the usual last Monday of May
      {absl::CivilDay(2022, 9, 19), true},   // State Funeral
      {absl::CivilDay(2023, 5, 8), true},    // Coronation
      {absl::CivilDay(2022, 1, 3), true},    // New Year substitute (1 Jan was a Saturday)
      {absl::CivilDay(2023, 1, 2), true},    // New Year substitute (Sunday)
      {absl::CivilDay(2021, 12, 27), true},  // Christmas on Saturday
      {absl::CivilDay(2021, 12, 28), true},
      {absl::CivilDay(2022, 12, 26), true},  // Christmas on Sunday: Boxing Day Monday
      {absl::CivilDay(2022, 12, 27), true},  //   and Christmas substitute Tuesday
      {absl::CivilDay(2020, 12, 28), true},  // Boxing Day on Saturday
      {absl::CivilDay(2026, 8, 31), true},   // summer bank holiday
      {absl::CivilDay(2026, 5, 25), true},   // spring bank holiday
      {absl::CivilDay(2026, 5, 4), true},    // early May
      {absl::CivilDay(2026, 12, 28), true},  // Boxing Day on Saturday 2026
      {absl::CivilDay(2025, 7, 14), false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Calendar().IsBankHoliday(c.day), c.holiday) << c.day;
  }
}

TEST(CalendarTest, WorkingDayArithmetic) {
  const WorkingCalendar& cal = Calendar();
  struct Case {
    absl::CivilDay from;
    int n;
    absl::CivilDay want;
  } cases[] = {
      {absl::CivilDay(2025, 3, 7), 1, absl::CivilDay(2025, 3, 10)},  // Friday -> Monday
      {absl::CivilDay(2025, 3, 8), 1, absl::CivilDay(2025, 3, 10)},  // Saturday -> Monday
      {absl::CivilDay(2025, 3, 10), 0, absl::CivilDay(2025, 3, 10)},
      {absl::CivilDay(2025, 4, 17), 2, absl::CivilDay(2025, 4, 23)},    // Easter: Fri+Mon off
      {absl::CivilDay(2025, 12, 23), 3, absl::CivilDay(2025, 12, 30)},  // 25, 26 Dec off
      {absl::CivilDay(2026, 12, 23), 2, absl::CivilDay(2026, 12, 29)},  // 25 Fri, 28 Mon off
      {absl::CivilDay(2022, 5, 31), 2, absl::CivilDay(2022, 6, 6)},     // Jubilee weekend
      {absl::CivilDay(2025, 8, 22), 1, absl::CivilDay(2025, 8, 26)},    // summer bank holiday
      {absl::CivilDay(2025, 1, 27), 10, absl::CivilDay(2025, 2, 10)},
  };
  for (const Case& c : cases) {
    CalendarDay d = cal.AddWorkingDays(c.from, c.n);
    EXPECT_EQ(d.day, c.want) << c.from << " + " << c.n;
    EXPECT_FALSE(d.beyond_horizon);
  }
}

TEST(CalendarTest, BeyondHorizonIsFlagged) {
  CalendarDay d = Calendar().AddWorkingDays(absl::CivilDay(2030, 12, 30), 3);
  EXPECT_TRUE(d.beyond_horizon);
  EXPECT_EQ(d.day, absl::CivilDay(2031, 1, 2));  // 31 Dec, then 1 and 2 Jan (unknown holidays)
  EXPECT_FALSE(Calendar().AddWorkingDays(absl::CivilDay(2030, 12, 20), 3).beyond_horizon);
}

TEST(CalendarTest, EndOfDayIsLondonTime) {
  // Winter: GMT = UTC.
  EXPECT_EQ(Calendar().EndOfDay(absl::CivilDay(2025, 1, 15)),
            absl::FromCivil(absl::CivilSecond(2025, 1, 15, 23, 59, 59), absl::UTCTimeZone()));
  // Summer: BST = UTC+1, so 23:59:59 London is 22:59:59 UTC.
  EXPECT_EQ(Calendar().EndOfDay(absl::CivilDay(2025, 7, 15)),
            absl::FromCivil(absl::CivilSecond(2025, 7, 15, 22, 59, 59), absl::UTCTimeZone()));
  // 23:30 UTC on 15 July is already 16 July in London.
  EXPECT_EQ(Calendar().LocalDay(
                absl::FromCivil(absl::CivilSecond(2025, 7, 15, 23, 30, 0), absl::UTCTimeZone())),
            absl::CivilDay(2025, 7, 16));
}

TEST(CalendarTest, AcceptsTheGovUkShapeAndRejectsBadDocuments) {
  const char* good = R"({"england-and-wales": {"division": "england-and-wales", "events": [
      {"title": "Christmas Day", "date": "2031-12-25", "notes": "", "bunting": true}]},
      "scotland": {"division": "scotland", "events": []}})";
  absl::StatusOr<WorkingCalendar> cal =
      WorkingCalendar::FromGovUkJson(good, "england-and-wales", "newer.json");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_TRUE(cal->IsBankHoliday(absl::CivilDay(2031, 12, 25)));
  EXPECT_EQ(cal->id(), "england-and-wales 2031-2031");

  struct Bad {
    const char* json;
    const char* division;
    const char* expect;
  } bad[] = {
      {"{", "england-and-wales", "newer.json: (document): not valid JSON"},
      {good, "wales", "newer.json: wales: no such division"},
      {R"({"e": {"events": []}})", "e", "newer.json: e.events: empty"},
      {R"({"e": {"events": [{"date": "2025-02-30"}]}})", "e", "newer.json: e.events[0].date"},
      {R"({"e": {"events": [{"title": "x"}]}})", "e", "e.events[0].date: missing"},
  };
  for (const Bad& b : bad) {
    absl::StatusOr<WorkingCalendar> c =
        WorkingCalendar::FromGovUkJson(b.json, b.division, "newer.json");
    ASSERT_FALSE(c.ok()) << b.json;
    EXPECT_NE(c.status().message().find(b.expect), std::string::npos) << c.status();
  }
}

TEST(CalendarTest, DataFileHasTheGovUkShape) {
  std::ifstream in(DefaultCalendarPath());
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(buf.str());
  const auto& div = doc.at("england-and-wales");
  EXPECT_EQ(div.at("division"), "england-and-wales");
  for (const auto& ev : div.at("events")) {
    EXPECT_TRUE(ev.at("title").is_string());
    EXPECT_TRUE(ev.at("date").is_string());
    EXPECT_TRUE(ev.at("notes").is_string());
    EXPECT_TRUE(ev.at("bunting").is_boolean());
  }
}

}  // namespace
}  // namespace oversight::policy
