#include "oversight/policy/period.h"

#include "gtest/gtest.h"

namespace oversight::policy {
namespace {

TEST(PeriodTest, ParsesEveryUnit) {
  struct Case {
    const char* text;
    PeriodUnit unit;
    int count;
  } cases[] = {
      {"1 month", PeriodUnit::kMonths, 1},
      {"2 months", PeriodUnit::kMonths, 2},
      {"6 weeks", PeriodUnit::kWeeks, 6},
      {"14 days", PeriodUnit::kDays, 14},
      {"1 fortnight", PeriodUnit::kWeeks, 2},
      {"2 working days", PeriodUnit::kWorkingDays, 2},
      {"1 working day", PeriodUnit::kWorkingDays, 1},
      {"48 hours", PeriodUnit::kHours, 48},
      {"90 minutes", PeriodUnit::kMinutes, 90},
      {"3 years", PeriodUnit::kYears, 3},
      {"end of day", PeriodUnit::kEndOfDay, 0},
      {"  72 Hours ", PeriodUnit::kHours, 72},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Period> p = Period::Parse(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status();
    EXPECT_EQ(p->unit, c.unit) << c.text;
    EXPECT_EQ(p->count, c.count) << c.text;
    absl::StatusOr<Period> again = Period::Parse(p->ToString());
    ASSERT_TRUE(again.ok()) << p->ToString();
    EXPECT_EQ(*again, *p);
  }
}

TEST(PeriodTest, RejectsNonsense) {
  for (const char* text : {"", "month", "one month", "1 moon", "-1 day", "1.5 months",
                           "2 working weeks", "end of week", "1 2 3 4"}) {
    absl::StatusOr<Period> p = Period::Parse(text);
    EXPECT_FALSE(p.ok()) << text;
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(PeriodTest, MonthsClampToMonthEnd) {
  struct Case {
    absl::CivilDay from;
    int months;
    absl::CivilDay want;
  } cases[] = {
      {absl::CivilDay(2025, 1, 31), 1, absl::CivilDay(2025, 2, 28)},  // 31st + 1 month
      {absl::CivilDay(2024, 1, 31), 1, absl::CivilDay(2024, 2, 29)},  // leap year
      {absl::CivilDay(2024, 3, 31), 1, absl::CivilDay(2024, 4, 30)},
      {absl::CivilDay(2024, 8, 31), 3, absl::CivilDay(2024, 11, 30)},
      {absl::CivilDay(2024, 12, 15), 1, absl::CivilDay(2025, 1, 15)},  // year end
      {absl::CivilDay(2024, 11, 30), 3, absl::CivilDay(2025, 2, 28)},
      {absl::CivilDay(2024, 2, 29), 12, absl::CivilDay(2025, 2, 28)},  // 29 Feb + 1 year
      {absl::CivilDay(2023, 2, 28), 12, absl::CivilDay(2024, 2, 28)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AddMonths(c.from, c.months), c.want) << c.from << " + " << c.months;
  }
  EXPECT_EQ(AddCalendarPeriod(absl::CivilDay(2024, 2, 29), Period{PeriodUnit::kYears, 1}),
            absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(AddCalendarPeriod(absl::CivilDay(2025, 12, 25), Period{PeriodUnit::kWeeks, 2}),
            absl::CivilDay(2026, 1, 8));
}

TEST(PeriodTest, FormatAndParseDays) {
  EXPECT_EQ(FormatDay(absl::CivilDay(2025, 3, 7)), "2025-03-07");
  EXPECT_EQ(*ParseDay("2024-02-29"), absl::CivilDay(2024, 2, 29));
  EXPECT_FALSE(ParseDay("2025-02-29").ok());  // not a leap year
  EXPECT_FALSE(ParseDay("2025-2-1").ok());
  EXPECT_FALSE(ParseDay("2025-13-01").ok());
}

}  // namespace
}  // namespace oversight::policy
