// Email over SMTP with libcurl: one message (multipart/alternative, text and HTML) per attempt,
// STARTTLS and authentication by configuration.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "channel_sender.h"

namespace oversight::notifications {

struct SmtpSettings {
  std::string url;  // "smtp://mail.example.gov.uk:587" or "smtps://...:465"
  std::string from_address;
  std::string from_name = "Oversight";
  std::string username;  // empty: no AUTH
  std::string password;
  enum class StartTls { kOff, kOpportunistic, kRequired };
  StartTls starttls = StartTls::kOff;
  std::string ca_file;      // empty: the system's CA store
  bool verify_peer = true;  // false only for test servers with self-signed certificates
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);  // the whole SMTP transaction
};

// Which failures of a transfer are temporary: an SMTP reply code 4xx, no reply at all
// (connection refused, timeout, TLS handshake), and refusals of our own set-up that an operator
// fixes (530 authentication or STARTTLS required, 534/535/538 credentials refused): the mail
// waits for the fix instead of being lost. Other 5xx replies (recipient rejected, message
// refused) and a malformed configuration are permanent. `curl_code` is
// the CURLcode of curl_easy_perform, `smtp_code` the last SMTP reply code (0 if none). Pure.
AttemptResult ClassifySmtp(int curl_code, long smtp_code, const std::string& detail);

// Not thread-safe: one per worker thread (each send uses its own curl handle).
class SmtpSender final : public ChannelSender {
 public:
  explicit SmtpSender(SmtpSettings settings);
  v1::Channel channel() const override { return v1::CHANNEL_EMAIL; }
  // A recipient without an email address yet is a temporary failure (the directory may learn
  // it from a later workforce event); an implausible one is permanent.
  AttemptResult Send(const v1::Notification& notification, const Person* recipient,
                     const std::string& delivery_id, absl::Time now) override;

 private:
  SmtpSettings settings_;
};

}  // namespace oversight::notifications
