// The notifications a person has (their in-app inbox), their preferences, and the change that
// records new notifications together with their deliveries. Keys: store_keys.h.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "delivery_policy.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"
#include "store_keys.h"

namespace oversight::notifications {

// What GetPreferences answers for a person who never set any (config keys in config.h).
struct PreferenceDefaults {
  std::vector<v1::Channel> channels = {v1::CHANNEL_IN_APP, v1::CHANNEL_EMAIL};
  int digest_hour = -1;
  int quiet_start_hour = 18;
  int quiet_end_hour = 8;
};

// A routed notification and what to do with it beyond the inbox.
struct PlannedNotification {
  v1::Notification notification;
  DeliveryPlan plan;
};

// Reads and writes notifications' keys over one connection; not thread-safe.
class NotificationStore {
 public:
  NotificationStore(redis::Connection& connection, std::string notifications_topic,
                    PreferenceDefaults defaults = {})
      : connection_(connection),
        notifications_topic_(std::move(notifications_topic)),
        defaults_(std::move(defaults)) {}

  // The change that records `planned` notifications and closes `closed` occurrences, for one
  // inbound event: each notification is stored and listed in its recipient's inbox (kept if
  // one with the same id exists: one per item per stage) with a NotificationSent (in-app)
  // event; each planned push becomes a pending delivery in its channel's queue, due at its
  // time, and a digest entry joins the recipient's digest. Every command is idempotent by
  // construction (SET NX, ZADD NX, HSETNX), so a notification that exists already neither
  // queues a delivery again nor resets one that was sent.
  //
  // A notification with a body (templates.h) is stored with it and without body_text and
  // body_html, which every read below (Get, List, Since, Acknowledge) renders from it again:
  // half the bytes per record. The event carries the renderings and no body.
  absl::StatusOr<redis::ChangeSet> ToChange(const std::string& authority,
                                            std::vector<PlannedNotification> planned,
                                            const std::vector<std::string>& closed,
                                            absl::Time now) const;

  // One notification; NOT_FOUND if unknown.
  absl::StatusOr<v1::Notification> Get(const std::string& authority, const std::string& id);

  // A recipient's notifications, newest first; paged by offset.
  absl::StatusOr<v1::ListNotificationsResponse> List(const v1::ListNotificationsRequest& request);

  // Notifications of `recipient` created strictly after `after_micros`, oldest first.
  absl::StatusOr<std::vector<v1::Notification>> Since(const std::string& authority,
                                                      const std::string& recipient,
                                                      int64_t after_micros);

  // Marks one acknowledged (idempotent: the first time is kept) and emits
  // NotificationAcknowledged the first time. NOT_FOUND if it is not the recipient's.
  absl::StatusOr<v1::Notification> Acknowledge(const v1::AcknowledgeRequest& request,
                                               absl::Time now);

  // The person's preferences, or the defaults if they never set any.
  absl::StatusOr<v1::Preferences> GetPreferences(const std::string& authority,
                                                 const std::string& recipient);
  // The same for many recipients of one authority in one pipelined round trip, by recipient.
  absl::StatusOr<std::map<std::string, v1::Preferences>> GetPreferences(
      const std::string& authority, const std::vector<std::string>& recipients);
  absl::Status SetPreferences(const v1::Preferences& preferences);

  // True if the occurrence was satisfied or cancelled.
  absl::StatusOr<bool> IsClosed(const std::string& authority, const std::string& occurrence);

  // Per (authority, event id): whether notifications applied that event already (its processed
  // marker, redis/outbox.h), in one pipelined round trip.
  absl::StatusOr<std::vector<bool>> AlreadyProcessed(
      const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids);

  const std::string& notifications_topic() const { return notifications_topic_; }

 private:
  v1::Preferences PreferencesFrom(const redis::Reply& reply, const std::string& authority,
                                  const std::string& recipient) const;

  redis::Connection& connection_;
  std::string notifications_topic_;
  PreferenceDefaults defaults_;
};

}  // namespace oversight::notifications
