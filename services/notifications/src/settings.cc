#include "settings.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace oversight::notifications {

Settings ReadSettings(const runtime::Config& config) {
  Settings s;
  s.render.case_system_url = config.GetString("notifications.case_system_url");
  s.sending.working_morning_hour =
      static_cast<int>(config.GetInt("notifications.working_morning_hour", 8, 0, 23));

  s.defaults.channels.clear();
  for (const auto& name : config.GetList("notifications.defaults.channels", {"in_app", "email"})) {
    if (name == "in_app") {
      s.defaults.channels.push_back(v1::CHANNEL_IN_APP);
    } else if (name == "email") {
      s.defaults.channels.push_back(v1::CHANNEL_EMAIL);
    } else if (name == "webhook") {
      s.defaults.channels.push_back(v1::CHANNEL_WEBHOOK);
    } else {
      config.AddError("notifications.defaults.channels",
                      "unknown channel '" + name + "' (in_app, email, webhook)");
    }
  }
  s.defaults.digest_hour =
      static_cast<int>(config.GetInt("notifications.defaults.digest_hour", -1, -1, 23));
  s.defaults.quiet_start_hour =
      static_cast<int>(config.GetInt("notifications.defaults.quiet_start_hour", 18, 0, 23));
  s.defaults.quiet_end_hour =
      static_cast<int>(config.GetInt("notifications.defaults.quiet_end_hour", 8, 0, 23));

  const std::string smtp_url = config.GetString("smtp.url");
  if (!smtp_url.empty()) {
    SmtpSettings smtp;
    smtp.url = smtp_url;
    if (!absl::StartsWith(smtp_url, "smtp://") && !absl::StartsWith(smtp_url, "smtps://")) {
      config.AddError("smtp.url", "must start with smtp:// or smtps://");
    }
    smtp.from_address = config.GetString("smtp.from", "oversight@localhost");
    smtp.from_name = config.GetString("smtp.from_name", "Oversight");
    smtp.username = config.GetString("smtp.username");
    smtp.password = config.GetString("smtp.password");
    const std::string tls =
        config.GetEnum("smtp.starttls", "off", {"off", "opportunistic", "required"});
    smtp.starttls = tls == "required"        ? SmtpSettings::StartTls::kRequired
                    : tls == "opportunistic" ? SmtpSettings::StartTls::kOpportunistic
                                             : SmtpSettings::StartTls::kOff;
    smtp.ca_file = config.GetString("smtp.ca_file");
    smtp.verify_peer = config.GetBool("smtp.verify_peer", true);
    smtp.connect_timeout =
        config.GetDuration("smtp.connect_timeout", absl::Seconds(10), absl::Milliseconds(100));
    smtp.timeout = config.GetDuration("smtp.timeout", absl::Seconds(30), absl::Seconds(1));
    s.smtp = std::move(smtp);
  }

  const std::string secret = config.GetString("webhook.hmac_secret");
  if (!secret.empty()) {
    if (secret.size() < 16) {
      config.AddError("webhook.hmac_secret", "must be at least 16 bytes");
    }
    WebhookSettings webhook;
    webhook.secret = secret;
    webhook.default_url = config.GetString("webhook.url");
    webhook.ca_file = config.GetString("webhook.ca_file");
    webhook.connect_timeout =
        config.GetDuration("webhook.connect_timeout", absl::Seconds(5), absl::Milliseconds(100));
    webhook.timeout = config.GetDuration("webhook.timeout", absl::Seconds(10), absl::Seconds(1));
    s.webhook = std::move(webhook);
  }

  s.poll_interval = config.GetDuration("notifications.delivery.poll_interval",
                                       absl::Milliseconds(500), absl::Milliseconds(10));
  s.delivery.lease =
      config.GetDuration("notifications.delivery.lease", absl::Minutes(2), absl::Seconds(1));
  s.delivery.batch = static_cast<int>(config.GetInt("notifications.delivery.batch", 50, 1, 1000));
  s.delivery.retry.initial_backoff = config.GetDuration("notifications.delivery.initial_backoff",
                                                        absl::Seconds(30), absl::Milliseconds(1));
  s.delivery.retry.max_backoff = config.GetDuration("notifications.delivery.max_backoff",
                                                    absl::Hours(1), absl::Milliseconds(1));
  s.delivery.retry.max_attempts =
      static_cast<int>(config.GetInt("notifications.delivery.max_attempts", 120, 1, 10000));
  const absl::Duration send_time =
      s.smtp ? s.smtp->connect_timeout + s.smtp->timeout : absl::ZeroDuration();
  const absl::Duration post_time =
      s.webhook ? s.webhook->connect_timeout + s.webhook->timeout : absl::ZeroDuration();
  if (s.delivery.lease <= std::max(send_time, post_time)) {
    config.AddError("notifications.delivery.lease",
                    "must be longer than a send can take (connect timeout + timeout of smtp.* "
                    "and webhook.*), or two replicas may send the same attempt");
  }
  s.stream_poll_interval = config.GetDuration("notifications.stream_poll_interval",
                                              absl::Milliseconds(200), absl::Milliseconds(10));
  return s;
}

}  // namespace oversight::notifications
