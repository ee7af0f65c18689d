// "This month" for a team summary, in Europe/London.
#include "team_summary.h"

#include <gtest/gtest.h>

#include "oversight/testing/utc.h"

namespace oversight::triggers {
namespace {

using oversight::testing::Utc;

TEST(MonthContainingTest, FollowsTheLondonCalendarAcrossTheClockChanges) {
  absl::TimeZone london;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &london));
  // 23:30 UTC on 31 Mar 2026 is 00:30 BST on 1 April: April, which starts at 23:00 UTC.
  Month april = MonthContaining(Utc("2026-03-31T23:30:00Z"), london);
  EXPECT_EQ(april.start, Utc("2026-03-31T23:00:00Z"));
  EXPECT_EQ(april.end, Utc("2026-04-30T23:00:00Z"));
  // March began in GMT and ends in BST (the clocks went forward on Sun 29 Mar 2026).
  Month march = MonthContaining(Utc("2026-03-31T22:59:59Z"), london);
  EXPECT_EQ(march.start, Utc("2026-03-01T00:00:00Z"));
  EXPECT_EQ(march.end, Utc("2026-03-31T23:00:00Z"));
  // December runs into the new year at midnight GMT.
  Month december = MonthContaining(Utc("2026-12-31T23:59:59Z"), london);
  EXPECT_EQ(december.end, Utc("2027-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace oversight::triggers
