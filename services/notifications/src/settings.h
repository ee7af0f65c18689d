// The configuration of notifications (runtime::Config keys; env OVERSIGHT_<KEY>):
//
//   notifications.case_system_url           base of links in messages (default: the
//                                           "{{case_system_url}}" placeholder is kept)
//   notifications.working_morning_hour      Europe/London hour held reminders go out (8)
//   notifications.defaults.channels         channels of people without preferences
//                                           ("in_app,email"; values in_app, email, webhook)
//   notifications.defaults.digest_hour      -1 (no digest) or 0-23 (-1)
//   notifications.defaults.quiet_start_hour / quiet_end_hour   (18 / 8)
//   smtp.url                                "smtp://host:port" or "smtps://host:port"; empty:
//                                           email is not offered (email preferences skipped)
//   smtp.from                               sender address ("oversight@localhost")
//   smtp.from_name                          ("Oversight")
//   smtp.username / smtp.password           AUTH (default: none)
//   smtp.starttls                           off | opportunistic | required (off)
//   smtp.ca_file                            CA bundle for TLS (default: the system's)
//   smtp.verify_peer                        (true)
//   smtp.connect_timeout / smtp.timeout     (10s / 30s)
//   webhook.hmac_secret                     HMAC-SHA256 key (at least 16 bytes); empty:
//                                           webhooks are not offered
//   webhook.url                             default target for people without their own
//   webhook.ca_file, connect_timeout, timeout   (-, 5s, 10s)
//   notifications.delivery.poll_interval    how often the delivery and digest workers look
//                                           for due work (500ms)
//   notifications.delivery.lease            how long a claimed attempt is reserved (2m; must
//                                           be longer than connect timeout + timeout)
//   notifications.delivery.batch            claimed per authority per pass (50)
//   notifications.delivery.initial_backoff / max_backoff / max_attempts   (30s / 1h / 120)
//   notifications.stream_poll_interval      how often a live stream looks for new ones (200ms)
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "delivery_policy.h"
#include "delivery_worker.h"
#include "notification_store.h"
#include "oversight/runtime/config.h"
#include "smtp_sender.h"
#include "templates.h"
#include "webhook_sender.h"

namespace oversight::notifications {

struct Settings {
  RenderOptions render;
  SendingRules sending;
  PreferenceDefaults defaults;
  std::optional<SmtpSettings> smtp;        // unset: email not offered
  std::optional<WebhookSettings> webhook;  // unset: webhooks not offered
  DeliverySettings delivery;
  absl::Duration poll_interval = absl::Milliseconds(500);
  absl::Duration stream_poll_interval = absl::Milliseconds(200);

  PushChannels offered() const { return {smtp.has_value(), webhook.has_value()}; }
};

// Reads the keys above; problems are recorded in `config` (reported by its Validate()).
Settings ReadSettings(const runtime::Config& config);

}  // namespace oversight::notifications
