// Webhooks with libcurl: an HTTP POST of the notification as JSON, signed with HMAC-SHA256
// (wire format: webhook_payload.h), to the person's webhook URL or the deployment's.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "channel_sender.h"

namespace oversight::notifications {

struct WebhookSettings {
  std::string default_url;  // used for people without a webhook_url of their own
  std::string secret;       // the HMAC key (required to offer the channel)
  std::string ca_file;      // empty: the system's CA store
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(10);
};

// 2xx sent; 408, 429 and 5xx temporary; other statuses (4xx, redirects, which are not followed)
// permanent; no response (connection refused, timeout) temporary; a malformed URL or a scheme
// other than http/https permanent. Pure.
AttemptResult ClassifyHttp(int curl_code, long http_status, const std::string& detail);

// Not thread-safe: one per worker thread.
class WebhookSender final : public ChannelSender {
 public:
  explicit WebhookSender(WebhookSettings settings);
  v1::Channel channel() const override { return v1::CHANNEL_WEBHOOK; }
  // No URL for the person and no default: a temporary failure (the directory may learn one).
  AttemptResult Send(const v1::Notification& notification, const Person* recipient,
                     const std::string& delivery_id, absl::Time now) override;

 private:
  WebhookSettings settings_;
};

}  // namespace oversight::notifications
