// The webhook wire format: what a Teams / Slack relay receives and how it checks that the
// request comes from Oversight. Pure; thread-safe.
//
//   POST <url>
//   Content-Type: application/json
//   X-Oversight-Delivery: <delivery id>         the same on every retry of one delivery
//   X-Oversight-Timestamp: <unix seconds>       when this attempt was signed
//   X-Oversight-Signature: sha256=<hex>         HMAC-SHA256(secret, "<timestamp>.<body>")
//
// A receiver recomputes the HMAC over the timestamp header, a '.', and the raw body, compares it
// in constant time, and refuses timestamps older than a few minutes (a replayed request keeps
// its old timestamp, and changing it breaks the signature). The body carries references and
// plain-language text only (no case detail), as an email does.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "directory.h"
#include "oversight/notifications/v1/notifications.pb.h"

namespace oversight::notifications {

inline constexpr char kSignatureHeader[] = "X-Oversight-Signature";
inline constexpr char kTimestampHeader[] = "X-Oversight-Timestamp";
inline constexpr char kDeliveryHeader[] = "X-Oversight-Delivery";

// The JSON body: {"delivery_id", "notification_id", "authority_id", "recipient": {"id",
// "display_name", "email"}, "kind", "stage", "subject", "text", "rule_id", "critical", "item_id",
// "child_id", "worker_id", "due_at" (RFC 3339), "due_day" ("Wed 30 Dec 2026", London), "link",
// "created_at", "digest_of"} (empty fields left out).
std::string WebhookBody(const v1::Notification& notification, const Person* recipient,
                        const std::string& delivery_id);

// "sha256=" + lower-case hex HMAC-SHA256(secret, "<unix seconds>.<body>").
std::string WebhookSignature(const std::string& secret, absl::Time timestamp,
                             const std::string& body);

// Lower-case hex HMAC-SHA256 of `data` with `key` (OpenSSL).
std::string HmacSha256Hex(const std::string& key, const std::string& data);

}  // namespace oversight::notifications
