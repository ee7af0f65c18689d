#include "delivery_policy.h"

#include <algorithm>

#include "absl/time/civil_time.h"

namespace oversight::notifications {
namespace {

// Far enough to cross any run of non-working days (Christmas, a calendar horizon).
constexpr int kMaxDaysAhead = 370;

absl::Time AtHour(absl::CivilDay day, int hour, const absl::TimeZone& zone) {
  return absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), hour), zone);
}

bool HasQuietHours(const v1::Preferences& preferences) {
  return preferences.quiet_start_hour() != preferences.quiet_end_hour();
}

bool MaySend(absl::Time t, const v1::Preferences& preferences,
             const policy::WorkingCalendar& calendar) {
  const absl::CivilHour local = absl::ToCivilHour(t, calendar.zone());
  return calendar.IsWorkingDay(absl::CivilDay(local)) && !InQuietHours(preferences, local.hour());
}

}  // namespace

bool InQuietHours(const v1::Preferences& preferences, int hour) {
  const int start = preferences.quiet_start_hour();
  const int end = preferences.quiet_end_hour();
  if (start == end) return false;
  if (start < end) return hour >= start && hour < end;
  return hour >= start || hour < end;  // wraps midnight
}

absl::Time NextSendTime(absl::Time now, const v1::Preferences& preferences,
                        const policy::WorkingCalendar& calendar, const SendingRules& rules) {
  if (MaySend(now, preferences, calendar)) return now;
  const absl::CivilDay today = calendar.LocalDay(now);
  for (int i = 0; i < kMaxDaysAhead; ++i) {
    const absl::CivilDay day = today + i;
    if (!calendar.IsWorkingDay(day)) continue;
    std::vector<absl::Time> candidates = {AtHour(day, rules.working_morning_hour, calendar.zone())};
    if (HasQuietHours(preferences)) {
      candidates.push_back(AtHour(day, preferences.quiet_end_hour(), calendar.zone()));
    }
    std::sort(candidates.begin(), candidates.end());
    for (absl::Time candidate : candidates) {
      if (candidate >= now && MaySend(candidate, preferences, calendar)) return candidate;
    }
  }
  // Quiet all day, every day: the person's own choice cannot silence a reminder for ever.
  return AtHour(calendar.NextWorkingDayOnOrAfter(today + 1).day, rules.working_morning_hour,
                calendar.zone());
}

absl::Time NextDigestTime(absl::Time now, int digest_hour,
                          const policy::WorkingCalendar& calendar) {
  const absl::CivilDay today = calendar.LocalDay(now);
  for (int i = 0; i < kMaxDaysAhead; ++i) {
    const absl::CivilDay day = today + i;
    if (!calendar.IsWorkingDay(day)) continue;
    const absl::Time at = AtHour(day, digest_hour, calendar.zone());
    if (at >= now) return at;
  }
  return now;
}

DeliveryPlan PlanDelivery(const v1::Notification& notification, const v1::Preferences& preferences,
                          PushChannels offered, const policy::WorkingCalendar& calendar,
                          const SendingRules& rules, absl::Time now) {
  DeliveryPlan plan;
  std::vector<v1::Channel> channels;
  for (int value : preferences.channels()) {
    const auto channel = static_cast<v1::Channel>(value);
    if (channel != v1::CHANNEL_EMAIL && channel != v1::CHANNEL_WEBHOOK) continue;
    if (std::find(channels.begin(), channels.end(), channel) != channels.end()) continue;
    const bool available = channel == v1::CHANNEL_EMAIL ? offered.email : offered.webhook;
    if (!available) {
      plan.skipped.push_back(channel);
      continue;
    }
    channels.push_back(channel);
  }
  if (channels.empty()) return plan;
  if (!notification.critical() && preferences.digest_hour() >= 0) {
    plan.digest_at = NextDigestTime(now, preferences.digest_hour(), calendar);
    return plan;
  }
  const absl::Time at =
      notification.critical() ? now : NextSendTime(now, preferences, calendar, rules);
  for (v1::Channel channel : channels)
    plan.pushes.push_back({channel, at});
  return plan;
}

}  // namespace oversight::notifications
