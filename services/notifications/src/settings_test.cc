#include "settings.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace oversight::notifications {
namespace {

TEST(SettingsTest, DefaultsOfferNoPushChannelUntilConfigured) {
  auto config = runtime::Config::FromYaml("");
  const Settings s = ReadSettings(config);
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_FALSE(s.offered().email);
  EXPECT_FALSE(s.offered().webhook);
  EXPECT_EQ(s.defaults.channels, (std::vector<v1::Channel>{v1::CHANNEL_IN_APP, v1::CHANNEL_EMAIL}));
  EXPECT_EQ(s.defaults.quiet_start_hour, 18);
  EXPECT_EQ(s.defaults.quiet_end_hour, 8);
  EXPECT_EQ(s.sending.working_morning_hour, 8);
  EXPECT_EQ(s.delivery.retry.max_attempts, 120);
}

TEST(SettingsTest, TheChartsEnvironmentVariablesConfigureTheChannels) {
  // The Helm chart and the compose file set OVERSIGHT_SMTP_URL and
  // OVERSIGHT_WEBHOOK_HMAC_SECRET.
  auto config = runtime::Config::FromYaml(
      "", {{"OVERSIGHT_SMTP_URL", "smtp://mail:1025"},
           {"OVERSIGHT_SMTP_STARTTLS", "required"},
           {"OVERSIGHT_WEBHOOK_HMAC_SECRET", "oversight-dev-webhook-secret"},
           {"OVERSIGHT_NOTIFICATIONS_DEFAULTS_CHANNELS", "in_app,webhook"}});
  const Settings s = ReadSettings(config);
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
  ASSERT_TRUE(s.smtp.has_value());
  EXPECT_EQ(s.smtp->url, "smtp://mail:1025");
  EXPECT_EQ(s.smtp->starttls, SmtpSettings::StartTls::kRequired);
  EXPECT_EQ(s.smtp->from_address, "oversight@localhost");
  ASSERT_TRUE(s.webhook.has_value());
  EXPECT_EQ(s.defaults.channels,
            (std::vector<v1::Channel>{v1::CHANNEL_IN_APP, v1::CHANNEL_WEBHOOK}));
}

TEST(SettingsTest, ProblemsAreReportedWithTheirKeys) {
  auto config = runtime::Config::FromYaml(R"yaml(
smtp:
  url: http://mail
  starttls: sometimes
webhook:
  hmac_secret: short
notifications:
  defaults:
    channels: in_app,pigeon
  delivery:
    lease: 5s
)yaml");
  ReadSettings(config);
  const std::string errors(config.Validate().message());
  for (const char* key : {"smtp.url", "smtp.starttls", "webhook.hmac_secret",
                          "notifications.defaults.channels", "notifications.delivery.lease"}) {
    EXPECT_TRUE(absl::StrContains(errors, key)) << key << " not in:\n" << errors;
  }
}

}  // namespace
}  // namespace oversight::notifications
