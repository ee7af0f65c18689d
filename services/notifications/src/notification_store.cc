#include "notification_store.h"

#include "absl/strings/str_cat.h"
#include "delivery_queue.h"
#include "oversight/events/outbound.h"
#include "oversight/pipeline/outbox_event.h"
#include "oversight/redis/outbox.h"
#include "oversight/runtime/request_checks.h"
#include "plain_message.h"

namespace oversight::notifications {

namespace {

// The stored record of `notification`: with its body (the message before rendering) and
// without the two renderings of it. `notification` is changed only while it is serialized.
std::string StoredForm(v1::Notification& notification) {
  if (!notification.has_body()) return notification.SerializeAsString();
  std::string text = std::move(*notification.mutable_body_text());
  std::string html = std::move(*notification.mutable_body_html());
  notification.clear_body_text();
  notification.clear_body_html();
  std::string stored = notification.SerializeAsString();
  notification.set_body_text(std::move(text));
  notification.set_body_html(std::move(html));
  return stored;
}

// A stored record as it was written; false if there is none (or it does not parse).
bool ParseRecord(const redis::Reply& reply, v1::Notification& out) {
  return reply.is_string() && out.ParseFromString(reply.str());
}

// A stored record as readers see it: body_text and body_html rendered from its body (records
// without one, digests and those written before bodies were stored, carry both already).
void Render(v1::Notification& notification) {
  if (!notification.has_body()) return;
  const PlainMessage message = PlainMessage::FromProto(notification.body());
  notification.set_body_text(message.Text());
  notification.set_body_html(message.Html());
  notification.clear_body();
}

bool ParseStored(const redis::Reply& reply, v1::Notification& out) {
  if (!ParseRecord(reply, out)) return false;
  Render(out);
  return true;
}

}  // namespace

absl::StatusOr<redis::ChangeSet> NotificationStore::ToChange(
    const std::string& authority, std::vector<PlannedNotification> planned,
    const std::vector<std::string>& closed, absl::Time now) const {
  redis::ChangeSet change;
  for (auto& [notification, plan] : planned) {
    const std::string id = notification.notification_id();
    const std::string recipient = notification.recipient_id();
    const int64_t created = CreatedMicros(notification);
    const std::string key = NotificationKey(authority, id);
    change.Write(key, {"SET", key, StoredForm(notification), "NX"});
    const std::string inbox = InboxKey(authority, recipient);
    change.Write(inbox, {"ZADD", inbox, "NX", std::to_string(created), id});
    v1::NotificationSent sent;
    *sent.mutable_meta() =
        events::DerivedMeta(kServiceName, authority, recipient, id, "sent:in_app", now, now);
    *sent.mutable_notification() = std::move(notification);
    sent.mutable_notification()->clear_body();  // events carry the renderings
    sent.set_channel(v1::CHANNEL_IN_APP);
    if (auto s = pipeline::EmitEvent(change, notifications_topic_, recipient, sent); !s.ok()) {
      return s;
    }
    for (const auto& push : plan.pushes)
      AddDelivery(change, authority, id, recipient, push.channel, push.send_at, now);
    if (plan.digest_at.has_value()) {
      AddToDigest(change, authority, recipient, id, created, *plan.digest_at);
    }
  }
  for (const auto& occurrence : closed)
    CloseOccurrence(change, authority, occurrence);
  return change;
}

absl::StatusOr<v1::Notification> NotificationStore::Get(const std::string& authority,
                                                        const std::string& id) {
  auto reply =
      connection_.Command({"GET", NotificationKey(authority, id)}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  v1::Notification notification;
  if (!ParseStored(*reply, notification)) {
    return absl::NotFoundError(absl::StrCat("no notification ", id, " in authority ", authority));
  }
  return notification;
}

absl::StatusOr<bool> NotificationStore::IsClosed(const std::string& authority,
                                                 const std::string& occurrence) {
  if (occurrence.empty()) return false;
  auto reply = connection_.Command({"EXISTS", ClosedKey(authority, occurrence)},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return reply->integer() > 0;
}

absl::StatusOr<v1::ListNotificationsResponse> NotificationStore::List(
    const v1::ListNotificationsRequest& request) {
  auto parsed_offset = runtime::ParseOffsetPageToken(request.page().page_token());
  if (!parsed_offset.ok()) return parsed_offset.status();
  const size_t offset = *parsed_offset;
  const std::string& a = request.authority_id();
  auto ids = connection_.Command({"ZREVRANGE", InboxKey(a, request.recipient_id()), "0", "-1"},
                                 redis::Idempotency::kIdempotent);
  if (!ids.ok()) return ids.status();
  const int page_size =
      request.page().page_size() <= 0 ? 50 : std::min(request.page().page_size(), 500);
  redis::Pipeline pipeline;
  for (const auto& id : ids->elements())
    pipeline.Add({"GET", NotificationKey(a, id.str())});
  auto replies = connection_.Execute(pipeline, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  v1::ListNotificationsResponse response;
  size_t matched = 0;
  for (const auto& reply : *replies) {
    v1::Notification notification;
    if (!ParseStored(reply, notification)) continue;
    if (request.unacknowledged_only() && notification.has_acknowledged_at()) continue;
    if (matched++ < offset) continue;
    if (response.notifications_size() == page_size) {
      response.mutable_page()->set_next_page_token(std::to_string(offset + page_size));
      break;
    }
    *response.add_notifications() = std::move(notification);
  }
  return response;
}

absl::StatusOr<std::vector<v1::Notification>> NotificationStore::Since(const std::string& authority,
                                                                       const std::string& recipient,
                                                                       int64_t after_micros) {
  auto ids = connection_.Command(
      {"ZRANGEBYSCORE", InboxKey(authority, recipient), absl::StrCat("(", after_micros), "+inf"},
      redis::Idempotency::kIdempotent);
  if (!ids.ok()) return ids.status();
  std::vector<v1::Notification> out;
  for (const auto& id : ids->elements()) {
    auto reply = connection_.Command({"GET", NotificationKey(authority, id.str())},
                                     redis::Idempotency::kIdempotent);
    if (!reply.ok()) return reply.status();
    v1::Notification notification;
    if (ParseStored(*reply, notification)) {
      out.push_back(std::move(notification));
    }
  }
  return out;
}

absl::StatusOr<v1::Notification> NotificationStore::Acknowledge(
    const v1::AcknowledgeRequest& request, absl::Time now) {
  const std::string& a = request.authority_id();
  const std::string key = NotificationKey(a, request.notification_id());
  auto reply = connection_.Command({"GET", key}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  v1::Notification notification;
  if (!ParseRecord(*reply, notification) || notification.recipient_id() != request.recipient_id()) {
    return absl::NotFoundError(absl::StrCat("no notification ", request.notification_id(), " for ",
                                            request.recipient_id()));
  }
  if (notification.has_acknowledged_at()) {
    Render(notification);
    return notification;
  }
  events::ToTimestamp(now, notification.mutable_acknowledged_at());
  redis::ChangeSet change;
  change.Write(key, {"SET", key, notification.SerializeAsString()});
  v1::NotificationAcknowledged acknowledged;
  *acknowledged.mutable_meta() =
      events::DerivedMeta(kServiceName, a, request.recipient_id(), notification.notification_id(),
                          "acknowledged", now, now);
  acknowledged.set_notification_id(notification.notification_id());
  acknowledged.set_recipient_id(request.recipient_id());
  if (auto s =
          pipeline::EmitEvent(change, notifications_topic_, request.recipient_id(), acknowledged);
      !s.ok()) {
    return s;
  }
  auto applied = change.Apply(connection_, a, kServiceName, acknowledged.meta().event_id());
  if (!applied.ok()) return applied.status();
  Render(notification);
  return notification;
}

absl::StatusOr<v1::Preferences> NotificationStore::GetPreferences(const std::string& authority,
                                                                  const std::string& recipient) {
  auto reply =
      connection_.Command({"GET", PrefsKey(authority, recipient)}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return PreferencesFrom(*reply, authority, recipient);
}

absl::StatusOr<std::map<std::string, v1::Preferences>> NotificationStore::GetPreferences(
    const std::string& authority, const std::vector<std::string>& recipients) {
  std::map<std::string, v1::Preferences> preferences;
  if (recipients.empty()) return preferences;
  redis::Pipeline reads;
  for (const auto& recipient : recipients)
    reads.Add({"GET", PrefsKey(authority, recipient)});
  auto replies = connection_.Execute(reads, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < recipients.size(); ++i) {
    preferences[recipients[i]] = PreferencesFrom((*replies)[i], authority, recipients[i]);
  }
  return preferences;
}

v1::Preferences NotificationStore::PreferencesFrom(const redis::Reply& reply,
                                                   const std::string& authority,
                                                   const std::string& recipient) const {
  v1::Preferences preferences;
  if (reply.is_string() && preferences.ParseFromString(reply.str())) return preferences;
  preferences.set_authority_id(authority);
  preferences.set_recipient_id(recipient);
  for (v1::Channel channel : defaults_.channels)
    preferences.add_channels(channel);
  preferences.set_digest_hour(defaults_.digest_hour);
  preferences.set_quiet_start_hour(defaults_.quiet_start_hour);
  preferences.set_quiet_end_hour(defaults_.quiet_end_hour);
  return preferences;
}

absl::StatusOr<std::vector<bool>> NotificationStore::AlreadyProcessed(
    const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids) {
  return redis::AlreadyProcessed(connection_, kServiceName, authority_and_event_ids);
}

absl::Status NotificationStore::SetPreferences(const v1::Preferences& preferences) {
  auto reply =
      connection_.Command({"SET", PrefsKey(preferences.authority_id(), preferences.recipient_id()),
                           preferences.SerializeAsString()},
                          redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return reply->ToStatus();
}

}  // namespace oversight::notifications
