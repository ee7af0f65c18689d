// Where notifications keeps its state in Redis. Every key carries the authority's hash tag {A},
// so one authority's keys share a Redis Cluster slot and one script may touch them together.
//
//   ovs:{A}:ntf:n:<id>              serialized oversight.notifications.v1.Notification, with its
//                                   body and without body_text / body_html (rendered from the
//                                   body when read, notification_store.h)
//   ovs:{A}:ntf:inbox:<recipient>   sorted set: notification ids by creation (microseconds)
//   ovs:{A}:ntf:prefs:<recipient>   serialized oversight.notifications.v1.Preferences
//   ovs:{A}:ntf:dir:<person>        hash: the directory entry (fields of directory.h: name,
//                                   email, webhook, manager, team, left)
//   ovs:{A}:ntf:dq:<channel>        sorted set (channel "email" / "webhook"): delivery ids by
//                                   the time of their next attempt (unix milliseconds); a
//                                   claimed delivery is moved to the end of its lease
//   ovs:{A}:ntf:d:<delivery>        hash: one delivery (a notification on one channel): n
//                                   (notification id), r (recipient), ch (channel), state
//                                   (pending, sent, dead, superseded), attempts, token (of the
//                                   claim in progress), error (last failure), created, updated
//                                   (unix ms). Kept 35 days once sent or superseded; dead ones
//                                   are kept (the dead-letter record)
//   ovs:{A}:ntf:dead                sorted set: dead-lettered delivery ids by time (unix ms)
//   ovs:{A}:ntf:digest:<recipient>  sorted set: notification ids waiting for the person's digest
//   ovs:{A}:ntf:digests             sorted set: recipients by the time of their next digest
//                                   (unix ms); a claimed digest is moved to the end of its lease
//   ovs:{A}:ntf:closed:<occurrence> "1" for 40 days: the item occurrence was satisfied or
//                                   cancelled, so its held deliveries and digest entries are
//                                   dropped
//
// plus the outbox stream and processed-event markers of libs/redis (outbox.h).
#pragma once

#include <string>

#include "absl/time/time.h"
#include "oversight/notifications/v1/notifications.pb.h"

namespace oversight::notifications {

inline constexpr char kServiceName[] = "notifications";

// How long a finished delivery record and a closed-occurrence marker are kept: longer than the
// processed-event markers (14 days), so an event redelivered after its marker expired still
// finds the delivery finished.
inline constexpr absl::Duration kFinishedDeliveryTtl = absl::Hours(24 * 35);
inline constexpr absl::Duration kClosedOccurrenceTtl = absl::Hours(24 * 40);

std::string NotificationKey(const std::string& authority, const std::string& id);
std::string InboxKey(const std::string& authority, const std::string& recipient);
std::string PrefsKey(const std::string& authority, const std::string& recipient);
std::string DirectoryKey(const std::string& authority, const std::string& person);
std::string QueueKey(const std::string& authority, v1::Channel channel);
std::string DeliveryKey(const std::string& authority, const std::string& delivery_id);
std::string DeadLettersKey(const std::string& authority);
std::string DigestKey(const std::string& authority, const std::string& recipient);
std::string DigestsKey(const std::string& authority);
std::string ClosedKey(const std::string& authority, const std::string& occurrence);

// "email", "webhook", "in_app" (metric labels, queue keys, delivery records).
std::string ChannelName(v1::Channel channel);

// The delivery of `notification_id` on `channel`: one per notification and channel.
std::string DeliveryId(const std::string& notification_id, v1::Channel channel);

int64_t UnixMillis(absl::Time t);
int64_t CreatedMicros(const v1::Notification& notification);

}  // namespace oversight::notifications
