// The oversight-notifications binary as a process: a real redis-server, the embedded Kafka
// broker, the SMTP catcher and the webhook catcher on loopback, a manual clock. HR events fill
// the directory, schedule events become emails, webhooks and in-app notifications; a
// redelivered event sends nothing twice; SIGTERM exits cleanly.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "listeners.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/notifications/v1/notifications.grpc.pb.h"
#include "oversight/redis/connection.h"
#include "oversight/runtime/auth.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/testing/wait_until.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::notifications::testing {
namespace {

namespace sch = ::oversight::scheduling::v1;
using e2e::System;

constexpr char kSecret[] = "binary-test-webhook-secret";

absl::Time Utc(int y, int m, int d, int h, int min = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, min, s), absl::UTCTimeZone());
}

// Tue 1 Dec 2026 10:00 GMT: a working morning.
const absl::Time kStart = Utc(2026, 12, 1, 10);

// A token valid at the service's (manual) time.
std::string Token(const std::string& subject) {
  runtime::TokenClaims claims;
  claims.subject = subject;
  claims.issued_at = kStart - absl::Minutes(1);
  claims.lifetime = absl::Hours(24);
  auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, e2e::kTestJwtSecret);
  return token.ok() ? *token : "";
}

workforce::v1::WorkerJoined Joined(const std::string& id, const std::string& name,
                                   const std::string& manager) {
  workforce::v1::WorkerJoined e;
  e.mutable_meta()->set_event_id("hr-joined-" + id);
  e.mutable_meta()->set_authority_id("devon");
  e.mutable_meta()->set_subject(id);
  events::ToTimestamp(kStart, e.mutable_meta()->mutable_occurred_at());
  e.set_worker_id(id);
  e.set_display_name(name);
  e.set_email(id + "@example.org");
  e.set_supervisor_id(manager);
  e.set_team_id("team-a");
  return e;
}

sch::DueItem Item() {
  sch::DueItem item;
  item.set_item_id("personal_supervision:worker-1");
  item.set_authority_id("devon");
  item.set_kind(sch::ITEM_KIND_PERSONAL_SUPERVISION);
  item.set_worker_id("worker-1");
  item.set_supervisor_id("manager-1");
  item.set_team_id("team-a");
  item.mutable_explanation()->set_rule_id("D1");
  events::ToTimestamp(Utc(2026, 12, 4, 23, 59, 59), item.mutable_due_at());  // Fri 4 Dec
  return item;
}

template <typename Event>
Event Stage(const std::string& event_id, sch::DueItem item) {
  Event e;
  e.mutable_meta()->set_event_id(event_id);
  e.mutable_meta()->set_authority_id("devon");
  e.mutable_meta()->set_subject("worker-1");
  e.mutable_meta()->set_source("oversight/scheduling");
  events::ToTimestamp(kStart, e.mutable_meta()->mutable_occurred_at());
  *e.mutable_item() = std::move(item);
  return e;
}

TEST(NotificationsBinaryTest, ScheduleEventsBecomeEmailsWebhooksAndInAppNotificationsOnce) {
  auto system = System::Create(kafka::testing::BrokerKind::kEmbedded);
  ASSERT_TRUE(system.ok()) << system.status();
  auto smtp = SmtpCatcher::Start();
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  auto webhooks = WebhookCatcher::Start(kSecret);
  ASSERT_TRUE(webhooks.ok()) << webhooks.status();

  auto started = (*system)->StartService(
      e2e::kNotifications,
      {{"OVERSIGHT_CLOCK_MODE", "manual"},
       {"OVERSIGHT_CLOCK_START", "2026-12-01T10:00:00Z"},
       {"OVERSIGHT_SMTP_URL", (*smtp)->url()},
       {"OVERSIGHT_SMTP_FROM", "oversight@devon.example.gov.uk"},
       {"OVERSIGHT_WEBHOOK_HMAC_SECRET", kSecret},
       {"OVERSIGHT_WEBHOOK_URL", (*webhooks)->url("/relay")},
       {"OVERSIGHT_NOTIFICATIONS_CASE_SYSTEM_URL", "https://lcs.example.gov.uk"},
       {"OVERSIGHT_NOTIFICATIONS_DELIVERY_POLL_INTERVAL", "50ms"}});
  ASSERT_TRUE(started.ok()) << started.status();
  e2e::ServiceProcess& service = **started;

  // HR publishes the line-management chain; notifications keeps it as its directory.
  for (const auto& [id, name, manager] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"worker-1", "Wanda Worker", "manager-1"},
           {"manager-1", "Mo Manager", "head-1"},
           {"head-1", "Hana Head", ""}}) {
    ASSERT_TRUE((*system)->Publish("workforce_events", id, Joined(id, name, manager)).ok());
  }
  auto redis = redis::Connection::Connect((*system)->redis().connection_options());
  ASSERT_TRUE(redis.ok()) << redis.status();
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] {
        for (const char* id : {"worker-1", "manager-1", "head-1"}) {
          auto exists = (*redis)->Command({"EXISTS", std::string("ovs:{devon}:ntf:dir:") + id});
          if (!exists.ok() || exists->integer() != 1) return false;
        }
        return true;
      },
      absl::Seconds(60), absl::Milliseconds(100)))
      << service.ReadLog();

  // head-1 also wants webhooks.
  auto stub = v1::NotificationsService::NewStub(service.Channel());
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token("head-1"));
    v1::Preferences preferences;
    preferences.set_authority_id("devon");
    preferences.set_recipient_id("head-1");
    preferences.add_channels(v1::CHANNEL_IN_APP);
    preferences.add_channels(v1::CHANNEL_EMAIL);
    preferences.add_channels(v1::CHANNEL_WEBHOOK);
    preferences.set_digest_hour(-1);
    preferences.set_quiet_start_hour(18);
    preferences.set_quiet_end_hour(8);
    v1::Preferences response;
    grpc::Status status = stub->SetPreferences(&context, preferences, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Due soon: the supervisor and the supervisee are emailed.
  const auto due_soon = Stage<sch::ItemDueSoon>("sch-due-soon-1", Item());
  ASSERT_TRUE((*system)->Publish("schedule_events", "worker-1", due_soon).ok());
  ASSERT_TRUE(oversight::testing::WaitUntil([&] { return (*smtp)->Messages().size() >= 2; },
                                            absl::Seconds(60), absl::Milliseconds(50)))
      << service.ReadLog();

  // The same event again (a redelivery), then the escalation on the same partition.
  ASSERT_TRUE((*system)->Publish("schedule_events", "worker-1", due_soon).ok());
  auto item = Item();
  item.set_escalation_level(1);
  item.set_critical(true);
  auto escalated = Stage<sch::ItemEscalated>("sch-escalated-1", item);
  escalated.set_escalate_to_id("head-1");
  ASSERT_TRUE((*system)->Publish("schedule_events", "worker-1", escalated).ok());
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] { return (*smtp)->Messages().size() >= 4 && !(*webhooks)->Requests().empty(); },
      absl::Seconds(60), absl::Milliseconds(50)))
      << service.ReadLog();

  std::multiset<std::string> subjects;
  for (const auto& m : (*smtp)->Messages()) {
    ASSERT_EQ(m.rcpt_tos.size(), 1u);
    subjects.insert(m.rcpt_tos[0] + " | " + m.subject);
    EXPECT_NE(m.text.find("https://lcs.example.gov.uk/workers/worker-1"), std::string::npos);
  }
  EXPECT_EQ(subjects,
            (std::multiset<std::string>{
                "manager-1@example.org | Due by Fri 4 Dec 2026: Personal supervision for worker "
                "worker-1",
                "worker-1@example.org | Due by Fri 4 Dec 2026: Your personal supervision",
                "head-1@example.org | Escalated to you: Personal supervision for worker worker-1 "
                "is overdue (was due Fri 4 Dec 2026)",
                "manager-1@example.org | Escalated: Personal supervision for worker worker-1 is "
                "overdue (was due Fri 4 Dec 2026)"}));

  const auto requests = (*webhooks)->Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].signature_valid);
  EXPECT_EQ(requests[0].path, "/relay");
  EXPECT_EQ(requests[0].json["recipient"]["id"], "head-1");
  EXPECT_EQ(requests[0].json["critical"], true);

  // In-app: manager-1 has the reminder and the escalation, once each.
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token("manager-1"));
    v1::ListNotificationsRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    v1::ListNotificationsResponse listed;
    grpc::Status status = stub->ListNotifications(&context, request, &listed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::set<std::string> stages;
    for (const auto& n : listed.notifications())
      stages.insert(n.stage());
    EXPECT_EQ(listed.notifications_size(), 2);
    EXPECT_EQ(stages, (std::set<std::string>{"due_soon", "escalated:1"}));
  }

  // The metrics the dashboards use.
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] {
        auto text = service.ScrapeMetrics();
        return text.ok() &&
               text->find("oversight_notifications_total{channel=\"email\",outcome=\"sent\"} 4") !=
                   std::string::npos;
      },
      absl::Seconds(10), absl::Milliseconds(100)));
  auto metrics = service.ScrapeMetrics();
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->find("oversight_notifications_total{channel=\"webhook\",outcome=\"sent\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics->find("oversight_notification_delivery_attempts_total{channel=\"email\","
                          "result=\"sent\"} 4"),
            std::string::npos);
  EXPECT_NE(metrics->find("oversight_notification_queue_depth{channel=\"email\"} 0"),
            std::string::npos);

  EXPECT_EQ((*smtp)->Messages().size(), 4u);  // nothing more came of the redelivery
  auto code = service.Terminate();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << service.ReadLog();
}

}  // namespace
}  // namespace oversight::notifications::testing
