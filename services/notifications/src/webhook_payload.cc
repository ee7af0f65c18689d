#include "webhook_payload.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "oversight/events/outbound.h"
#include "templates.h"

namespace oversight::notifications {
namespace {

std::string Rfc3339(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", events::FromTimestamp(t), absl::UTCTimeZone());
}

void SetIfGiven(nlohmann::json& json, const char* key, const std::string& value) {
  if (!value.empty()) json[key] = value;
}

}  // namespace

std::string WebhookBody(const v1::Notification& n, const Person* recipient,
                        const std::string& delivery_id) {
  nlohmann::json body;
  body["delivery_id"] = delivery_id;
  body["notification_id"] = n.notification_id();
  body["authority_id"] = n.authority_id();
  nlohmann::json who;
  who["id"] = n.recipient_id();
  if (recipient != nullptr) {
    SetIfGiven(who, "display_name", recipient->display_name);
    SetIfGiven(who, "email", recipient->email);
  } else {
    SetIfGiven(who, "display_name", n.recipient_name());
  }
  body["recipient"] = who;
  SetIfGiven(body, "kind", n.kind());
  SetIfGiven(body, "stage", n.stage());
  body["subject"] = n.subject();
  body["text"] = n.body_text();
  SetIfGiven(body, "rule_id", n.rule_id());
  body["critical"] = n.critical();
  SetIfGiven(body, "item_id", n.item_id());
  SetIfGiven(body, "child_id", n.child_id());
  SetIfGiven(body, "worker_id", n.worker_id());
  if (n.has_due_at()) {
    body["due_at"] = Rfc3339(n.due_at());
    body["due_day"] = LondonDay(events::FromTimestamp(n.due_at()));
  }
  SetIfGiven(body, "link", n.link());
  if (n.has_created_at()) body["created_at"] = Rfc3339(n.created_at());
  if (n.digest_of_size() > 0) {
    body["digest_of"] = std::vector<std::string>(n.digest_of().begin(), n.digest_of().end());
  }
  return body.dump();
}

std::string HmacSha256Hex(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string WebhookSignature(const std::string& secret, absl::Time timestamp,
                             const std::string& body) {
  return "sha256=" + HmacSha256Hex(secret, absl::StrCat(absl::ToUnixSeconds(timestamp), ".", body));
}

}  // namespace oversight::notifications
