// Quiet hours, working days and digests with hand-computed Europe/London times. Working days
// are Monday to Friday except bank holidays of England and Wales (RULES.md, "Working day").
#include "delivery_policy.h"

#include <gtest/gtest.h>

#include "oversight/policy/pack.h"

namespace oversight::notifications {
namespace {

absl::Time Utc(int y, int m, int d, int h, int min = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, min, s), absl::UTCTimeZone());
}

class DeliveryPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto calendar = policy::WorkingCalendar::LoadFile(policy::DefaultCalendarPath());
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_ = new policy::WorkingCalendar(*std::move(calendar));
  }
  static void TearDownTestSuite() { delete calendar_; }

  static v1::Preferences Quiet(int start, int end) {
    v1::Preferences p;
    p.add_channels(v1::CHANNEL_IN_APP);
    p.add_channels(v1::CHANNEL_EMAIL);
    p.set_digest_hour(-1);
    p.set_quiet_start_hour(start);
    p.set_quiet_end_hour(end);
    return p;
  }
  absl::Time Next(absl::Time now, const v1::Preferences& p) {
    return NextSendTime(now, p, *calendar_, rules_);
  }

  static policy::WorkingCalendar* calendar_;
  SendingRules rules_;  // held reminders at 08:00 London
};
policy::WorkingCalendar* DeliveryPolicyTest::calendar_ = nullptr;

TEST_F(DeliveryPolicyTest, QuietHoursWrapMidnight) {
  const auto p = Quiet(18, 8);
  EXPECT_TRUE(InQuietHours(p, 18));
  EXPECT_TRUE(InQuietHours(p, 23));
  EXPECT_TRUE(InQuietHours(p, 0));
  EXPECT_TRUE(InQuietHours(p, 7));
  EXPECT_FALSE(InQuietHours(p, 8));
  EXPECT_FALSE(InQuietHours(p, 17));
  const auto day = Quiet(12, 14);
  EXPECT_TRUE(InQuietHours(day, 12));
  EXPECT_FALSE(InQuietHours(day, 14));
  EXPECT_FALSE(InQuietHours(Quiet(0, 0), 3));  // start == end: none
}

TEST_F(DeliveryPolicyTest, AWorkingDayOutsideQuietHoursSendsNow) {
  // Tue 1 Dec 2026 10:00 GMT.
  EXPECT_EQ(Next(Utc(2026, 12, 1, 10), Quiet(18, 8)), Utc(2026, 12, 1, 10));
}

TEST_F(DeliveryPolicyTest, AnEveningReminderWaitsForTheNextMorning) {
  // Tue 1 Dec 2026 19:30 GMT -> Wed 2 Dec 08:00 GMT.
  EXPECT_EQ(Next(Utc(2026, 12, 1, 19, 30), Quiet(18, 8)), Utc(2026, 12, 2, 8));
  // Before the morning on a working day: the same day's morning.
  EXPECT_EQ(Next(Utc(2026, 12, 2, 6, 15), Quiet(18, 8)), Utc(2026, 12, 2, 8));
}

TEST_F(DeliveryPolicyTest, FridayEveningAndWeekendsWaitForMonday) {
  // Fri 4 Dec 2026 18:00 (quiet from 18:00) -> Mon 7 Dec 08:00.
  EXPECT_EQ(Next(Utc(2026, 12, 4, 18), Quiet(18, 8)), Utc(2026, 12, 7, 8));
  // Sat 5 Dec 12:00 -> Mon 7 Dec 08:00, even without quiet hours.
  EXPECT_EQ(Next(Utc(2026, 12, 5, 12), Quiet(0, 0)), Utc(2026, 12, 7, 8));
}

TEST_F(DeliveryPolicyTest, ChristmasBankHolidaysAreSkipped) {
  // Thu 24 Dec 2026 20:00. Fri 25 Dec is Christmas Day, 26-27 the weekend, and Boxing Day
  // (Saturday) is substituted by Mon 28 Dec: the next working morning is Tue 29 Dec 08:00 GMT.
  EXPECT_EQ(Next(Utc(2026, 12, 24, 20), Quiet(18, 8)), Utc(2026, 12, 29, 8));
  // During the day on the substitute holiday itself: still Tuesday.
  EXPECT_EQ(Next(Utc(2026, 12, 28, 11), Quiet(18, 8)), Utc(2026, 12, 29, 8));
}

TEST_F(DeliveryPolicyTest, EasterWeekendIsSkipped) {
  // Thu 2 Apr 2026 18:30 BST (17:30 UTC). Good Friday 3 Apr and Easter Monday 6 Apr are bank
  // holidays: Tue 7 Apr 08:00 BST = 07:00 UTC.
  EXPECT_EQ(Next(Utc(2026, 4, 2, 17, 30), Quiet(18, 8)), Utc(2026, 4, 7, 7));
}

TEST_F(DeliveryPolicyTest, TheMorningFollowsTheClockChange) {
  // Fri 27 Mar 2026 19:00 GMT; clocks go forward on Sun 29 Mar: Mon 30 Mar 08:00 BST is
  // 07:00 UTC.
  EXPECT_EQ(Next(Utc(2026, 3, 27, 19), Quiet(18, 8)), Utc(2026, 3, 30, 7));
  // Fri 23 Oct 2026 20:00 BST (19:00 UTC); clocks go back on Sun 25 Oct: Mon 26 Oct 08:00 GMT
  // is 08:00 UTC.
  EXPECT_EQ(Next(Utc(2026, 10, 23, 19), Quiet(18, 8)), Utc(2026, 10, 26, 8));
  // Quiet hours are London hours: Thu 1 Oct 2026 17:30 UTC is 18:30 BST, inside 18-8.
  EXPECT_EQ(Next(Utc(2026, 10, 1, 17, 30), Quiet(18, 8)), Utc(2026, 10, 2, 7));
}

TEST_F(DeliveryPolicyTest, QuietHoursEndingAfterTheMorningWin) {
  // Quiet until 09:00, later than the 08:00 morning: Wed 2 Dec 07:00 -> 09:00.
  EXPECT_EQ(Next(Utc(2026, 12, 2, 7), Quiet(22, 9)), Utc(2026, 12, 2, 9));
  // A quiet lunch hour ends within the day: Wed 2 Dec 12:10 -> 13:00.
  EXPECT_EQ(Next(Utc(2026, 12, 2, 12, 10), Quiet(12, 13)), Utc(2026, 12, 2, 13));
}

TEST_F(DeliveryPolicyTest, DigestIsAtTheChosenHourOnTheNextWorkingDay) {
  EXPECT_EQ(NextDigestTime(Utc(2026, 12, 1, 10), 16, *calendar_), Utc(2026, 12, 1, 16));
  EXPECT_EQ(NextDigestTime(Utc(2026, 12, 1, 16), 16, *calendar_), Utc(2026, 12, 1, 16));
  EXPECT_EQ(NextDigestTime(Utc(2026, 12, 1, 16, 0, 1), 16, *calendar_), Utc(2026, 12, 2, 16));
  // Christmas: Thu 24 Dec 17:00 -> Tue 29 Dec 16:00.
  EXPECT_EQ(NextDigestTime(Utc(2026, 12, 24, 17), 16, *calendar_), Utc(2026, 12, 29, 16));
  // Fri 27 Mar 2026 17:00 GMT, digest at 09:00: Mon 30 Mar 09:00 BST = 08:00 UTC.
  EXPECT_EQ(NextDigestTime(Utc(2026, 3, 27, 17), 9, *calendar_), Utc(2026, 3, 30, 8));
}

TEST_F(DeliveryPolicyTest, PlanHoldsNonCriticalAndSendsCriticalAtOnce) {
  const PushChannels both{true, true};
  auto p = Quiet(18, 8);
  p.add_channels(v1::CHANNEL_WEBHOOK);
  v1::Notification n;
  // Sat 26 Dec 2026 10:00.
  const absl::Time saturday = Utc(2026, 12, 26, 10);
  auto held = PlanDelivery(n, p, both, *calendar_, rules_, saturday);
  ASSERT_EQ(held.pushes.size(), 2u);
  EXPECT_EQ(held.pushes[0].channel, v1::CHANNEL_EMAIL);
  EXPECT_EQ(held.pushes[0].send_at, Utc(2026, 12, 29, 8));
  EXPECT_EQ(held.pushes[1].channel, v1::CHANNEL_WEBHOOK);
  EXPECT_FALSE(held.digest_at.has_value());

  n.set_critical(true);
  auto now = PlanDelivery(n, p, both, *calendar_, rules_, saturday);
  ASSERT_EQ(now.pushes.size(), 2u);
  EXPECT_EQ(now.pushes[0].send_at, saturday);
  EXPECT_EQ(now.pushes[1].send_at, saturday);
}

TEST_F(DeliveryPolicyTest, DigestTakesNonCriticalOnly) {
  auto p = Quiet(18, 8);
  p.set_digest_hour(16);
  v1::Notification n;
  auto grouped = PlanDelivery(n, p, {true, false}, *calendar_, rules_, Utc(2026, 12, 1, 10));
  EXPECT_TRUE(grouped.pushes.empty());
  ASSERT_TRUE(grouped.digest_at.has_value());
  EXPECT_EQ(*grouped.digest_at, Utc(2026, 12, 1, 16));

  n.set_critical(true);
  auto urgent = PlanDelivery(n, p, {true, false}, *calendar_, rules_, Utc(2026, 12, 1, 10));
  ASSERT_EQ(urgent.pushes.size(), 1u);
  EXPECT_FALSE(urgent.digest_at.has_value());
}

TEST_F(DeliveryPolicyTest, ChannelsNotOfferedAreSkippedAndInAppIsNotPlanned) {
  auto p = Quiet(18, 8);
  p.add_channels(v1::CHANNEL_WEBHOOK);
  p.add_channels(v1::CHANNEL_EMAIL);  // a repeat is ignored
  v1::Notification n;
  auto plan = PlanDelivery(n, p, {true, false}, *calendar_, rules_, Utc(2026, 12, 1, 10));
  ASSERT_EQ(plan.pushes.size(), 1u);
  EXPECT_EQ(plan.pushes[0].channel, v1::CHANNEL_EMAIL);
  EXPECT_EQ(plan.skipped, std::vector<v1::Channel>{v1::CHANNEL_WEBHOOK});

  v1::Preferences in_app_only;
  in_app_only.add_channels(v1::CHANNEL_IN_APP);
  in_app_only.set_digest_hour(16);
  auto none = PlanDelivery(n, in_app_only, {true, true}, *calendar_, rules_, Utc(2026, 12, 1, 10));
  EXPECT_TRUE(none.pushes.empty());
  EXPECT_FALSE(none.digest_at.has_value());
}

}  // namespace
}  // namespace oversight::notifications
