#include "webhook_payload.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "oversight/events/outbound.h"

namespace oversight::notifications {
namespace {

TEST(WebhookPayloadTest, HmacMatchesRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookPayloadTest, SignatureCoversTimestampAndBody) {
  const absl::Time t = absl::FromUnixSeconds(1798000000);
  const std::string signature = WebhookSignature("secret-secret-secret", t, "{}");
  EXPECT_EQ(signature, "sha256=" + HmacSha256Hex("secret-secret-secret", "1798000000.{}"));
  EXPECT_NE(signature, WebhookSignature("secret-secret-secret", t + absl::Seconds(1), "{}"));
  EXPECT_NE(signature, WebhookSignature("secret-secret-secret", t, "{ }"));
}

TEST(WebhookPayloadTest, BodyCarriesReferencesAndPlainText) {
  v1::Notification n;
  n.set_notification_id("n1");
  n.set_authority_id("devon");
  n.set_recipient_id("m1");
  n.set_kind("case_discussion_overdue");
  n.set_stage("overdue");
  n.set_subject("Overdue: Case discussion for child C-1");
  n.set_body_text("Hello,\n");
  n.set_rule_id("D9");
  n.set_critical(true);
  n.set_child_id("C-1");
  n.set_link("https://lcs.example/children/C-1");
  events::ToTimestamp(absl::FromUnixSeconds(1798675199), n.mutable_due_at());
  Person mo{"m1", "Mo Manager", "mo@example.org", "", "", "", false};
  auto body = nlohmann::json::parse(WebhookBody(n, &mo, "d1"));
  EXPECT_EQ(body["delivery_id"], "d1");
  EXPECT_EQ(body["recipient"]["email"], "mo@example.org");
  EXPECT_EQ(body["recipient"]["display_name"], "Mo Manager");
  EXPECT_EQ(body["subject"], "Overdue: Case discussion for child C-1");
  EXPECT_EQ(body["rule_id"], "D9");
  EXPECT_EQ(body["critical"], true);
  EXPECT_EQ(body["child_id"], "C-1");
  EXPECT_EQ(body["due_at"], "2026-12-30T23:59:59Z");
  EXPECT_EQ(body["due_day"], "Wed 30 Dec 2026");
  EXPECT_FALSE(body.contains("worker_id"));  // empty fields are left out
}

}  // namespace
}  // namespace oversight::notifications
