#include "store_keys.h"

#include "oversight/events/outbound.h"

namespace oversight::notifications {
namespace {

std::string Tag(const std::string& a) {
  return "ovs:{" + a + "}:ntf:";
}

}  // namespace

std::string NotificationKey(const std::string& a, const std::string& id) {
  return Tag(a) + "n:" + id;
}
std::string InboxKey(const std::string& a, const std::string& recipient) {
  return Tag(a) + "inbox:" + recipient;
}
std::string PrefsKey(const std::string& a, const std::string& recipient) {
  return Tag(a) + "prefs:" + recipient;
}
std::string DirectoryKey(const std::string& a, const std::string& person) {
  return Tag(a) + "dir:" + person;
}
std::string QueueKey(const std::string& a, v1::Channel channel) {
  return Tag(a) + "dq:" + ChannelName(channel);
}
std::string DeliveryKey(const std::string& a, const std::string& delivery_id) {
  return Tag(a) + "d:" + delivery_id;
}
std::string DeadLettersKey(const std::string& a) {
  return Tag(a) + "dead";
}
std::string DigestKey(const std::string& a, const std::string& recipient) {
  return Tag(a) + "digest:" + recipient;
}
std::string DigestsKey(const std::string& a) {
  return Tag(a) + "digests";
}
std::string ClosedKey(const std::string& a, const std::string& occurrence) {
  return Tag(a) + "closed:" + occurrence;
}

std::string ChannelName(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      return "email";
    case v1::CHANNEL_WEBHOOK:
      return "webhook";
    case v1::CHANNEL_IN_APP:
      return "in_app";
    default:
      return "unspecified";
  }
}

std::string DeliveryId(const std::string& notification_id, v1::Channel channel) {
  return events::DeriveId({notification_id, ChannelName(channel)});
}

int64_t UnixMillis(absl::Time t) {
  return absl::ToUnixMillis(t);
}

int64_t CreatedMicros(const v1::Notification& n) {
  return n.created_at().seconds() * 1'000'000 + n.created_at().nanos() / 1000;
}

}  // namespace oversight::notifications
