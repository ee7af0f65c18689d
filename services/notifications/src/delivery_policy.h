// When and how a notification reaches a person beyond the in-app inbox: the rules of "no spam,
// no silence", without I/O. Times are absolute; the person's hours are Europe/London hours of
// the authority's working calendar (libs/policy), so a bank holiday or a change between GMT and
// BST moves them correctly.
//
//  - Critical notifications (an escalation, an overdue child-protection item) go at once, on
//    every pushing channel the person chose, whatever the hour or day.
//  - Others are sent only on working days (Monday to Friday, not a bank holiday of England and
//    Wales) outside the person's quiet hours. One that falls outside is held until the next
//    working morning (the deployment's morning hour, 08:00 by default, or the end of the
//    person's quiet hours when that is later).
//  - A person with a daily digest gets non-critical reminders grouped into it, at their digest
//    hour on the next working day, instead of one message each.
#pragma once

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "directory.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/policy/calendar.h"

namespace oversight::notifications {

// Deployment-wide sending rules (config keys in config.h).
struct SendingRules {
  int working_morning_hour = 8;  // Europe/London hour at which held reminders go out
};

// The channels this deployment can push on (configured with a server and, for webhooks, a
// signing secret).
struct PushChannels {
  bool email = false;
  bool webhook = false;
};

// True if `hour` (0-23, Europe/London) is inside the person's quiet hours [start, end), which
// wrap midnight when start > end. start == end means no quiet hours.
bool InQuietHours(const v1::Preferences& preferences, int hour);

// The first instant at or after `now` at which a non-critical message may be sent to a person
// with these preferences: `now` itself when it is on a working day outside quiet hours, else
// the next working day's morning hour (or the end of the quiet hours, whichever is the first
// allowed), in Europe/London.
absl::Time NextSendTime(absl::Time now, const v1::Preferences& preferences,
                        const policy::WorkingCalendar& calendar, const SendingRules& rules);

// The first instant at or after `now` that is `digest_hour`:00 Europe/London on a working day.
absl::Time NextDigestTime(absl::Time now, int digest_hour, const policy::WorkingCalendar& calendar);

// What to do with one new notification for its recipient.
struct DeliveryPlan {
  struct Push {
    v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
    absl::Time send_at;
  };
  std::vector<Push> pushes;             // deliveries to queue, each due at send_at
  std::optional<absl::Time> digest_at;  // set: the notification joins the person's digest then
  std::vector<v1::Channel> skipped;     // channels chosen but not offered by this deployment
};

// The plan for `notification` (already routed to its recipient): pushing channels are the
// person's preferred email / webhook channels that this deployment offers (others are
// skipped); see the rules at the top of this file. The in-app inbox is not part of the plan:
// every notification is listed there at once. Pure; thread-safe.
DeliveryPlan PlanDelivery(const v1::Notification& notification, const v1::Preferences& preferences,
                          PushChannels offered, const policy::WorkingCalendar& calendar,
                          const SendingRules& rules, absl::Time now);

}  // namespace oversight::notifications
