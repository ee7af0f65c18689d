// Where notifications keeps its state in Redis. Keys (all carry the authority's hash tag):
//
//   ovs:{A}:ntf:n:<id>              serialized oversight.notifications.v1.Notification
//   ovs:{A}:ntf:inbox:<recipient>   sorted set of notification ids by creation (microseconds)
//   ovs:{A}:ntf:prefs:<recipient>   serialized oversight.notifications.v1.Preferences
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"

namespace oversight::notifications {

inline constexpr char kServiceName[] = "notifications";

// Reads and writes notifications' keys over one connection; not thread-safe.
class NotificationStore {
 public:
  NotificationStore(redis::Connection& connection, std::string notifications_topic)
      : connection_(connection), notifications_topic_(std::move(notifications_topic)) {}

  // The change that stores new in-app notifications (kept if one with the same id exists:
  // one per item per stage) and emits a NotificationSent event for each.
  absl::StatusOr<redis::ChangeSet> ToChange(const std::string& authority,
                                            const std::vector<v1::Notification>& created,
                                            absl::Time now) const;

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

  absl::StatusOr<v1::Preferences> GetPreferences(const std::string& authority,
                                                 const std::string& recipient);
  absl::Status SetPreferences(const v1::Preferences& preferences);

 private:
  redis::Connection& connection_;
  std::string notifications_topic_;
};

}  // namespace oversight::notifications
