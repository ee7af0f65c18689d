// Delivery against real parts: a real redis-server, the SMTP catcher (aiosmtpd) and the webhook
// catcher (http.server) on loopback. Time is a manual clock; a worker pass is one RunOnce.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "listeners.h"
#include "notifications_fixture.h"
#include "smtp_sender.h"
#include "webhook_sender.h"

namespace oversight::notifications::testing {
namespace {

namespace sch = ::oversight::scheduling::v1;

constexpr char kSecret[] = "webhook-secret-for-tests";

class DeliveryTest : public NotificationsFixture {
 protected:
  void SetUp() override {
    NotificationsFixture::SetUp();
    auto smtp = SmtpCatcher::Start(smtp_options_);
    ASSERT_TRUE(smtp.ok()) << smtp.status();
    smtp_ = *std::move(smtp);
    JoinTeam();
  }

  SmtpSettings Smtp() const {
    SmtpSettings settings;
    settings.url = smtp_->url();
    settings.from_address = "oversight@devon.example.gov.uk";
    settings.connect_timeout = absl::Seconds(2);
    settings.timeout = absl::Seconds(10);
    return settings;
  }

  // One pass of an email worker (its own connection and sender, as in the binary).
  int EmailPass(int max_attempts = 5) {
    auto connection = Connect();
    SmtpSender sender(Smtp());
    DeliveryWorker worker(*registry_, *connection, sender, clock_, kTopic, Delivery(max_attempts));
    worker.set_random([] { return 0.5; });
    auto claimed = worker.RunOnce();
    EXPECT_TRUE(claimed.ok()) << claimed.status();
    return claimed.ok() ? *claimed : -1;
  }

  std::map<std::string, std::string> DeliveryRecord(const std::string& notification_id,
                                                    v1::Channel channel) {
    DeliveryQueue queue(*connection_, kTopic);
    auto record = queue.Record("devon", DeliveryId(notification_id, channel));
    EXPECT_TRUE(record.ok());
    return record.ok() ? *record : std::map<std::string, std::string>{};
  }

  std::vector<std::string> Recipients() const {
    std::vector<std::string> out;
    for (const auto& m : smtp_->Messages())
      out.insert(out.end(), m.rcpt_tos.begin(), m.rcpt_tos.end());
    std::sort(out.begin(), out.end());
    return out;
  }

  SmtpCatcherOptions smtp_options_;
  std::unique_ptr<SmtpCatcher> smtp_;
};

// Wed 2 Dec 2026, end of the London day.
const absl::Time kDue = Utc(2026, 12, 2, 23, 59) + absl::Seconds(59);

TEST_F(DeliveryTest, ReminderArrivesWithTheRightRecipientSubjectAndBody) {
  Handle(StageEvent<sch::ItemDueSoon>(
      Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "personal_supervision:worker-1", kDue), "s1"));
  EXPECT_EQ(EmailPass(), 2);

  const auto messages = smtp_->Messages();
  ASSERT_EQ(messages.size(), 2u);
  std::map<std::string, ReceivedEmail> by_recipient;
  for (const auto& m : messages) {
    ASSERT_EQ(m.rcpt_tos.size(), 1u);
    by_recipient[m.rcpt_tos[0]] = m;
  }
  const auto& manager = by_recipient.at("manager-1@example.org");
  EXPECT_EQ(manager.mail_from, "oversight@devon.example.gov.uk");
  EXPECT_EQ(manager.to, "Mo Manager <manager-1@example.org>");
  EXPECT_EQ(manager.subject, "Due by Wed 2 Dec 2026: Personal supervision for worker worker-1");
  EXPECT_EQ(manager.content_type, "multipart/alternative");
  EXPECT_NE(manager.text.find("Hello Mo Manager,"), std::string::npos) << manager.text;
  EXPECT_NE(manager.text.find("Rule: D1 of your authority's supervision policy"),
            std::string::npos);
  EXPECT_NE(manager.text.find("https://lcs.example.gov.uk/workers/worker-1"), std::string::npos);
  EXPECT_NE(manager.html.find("<a href=\"https://lcs.example.gov.uk/workers/worker-1\">"),
            std::string::npos)
      << manager.html;
  EXPECT_EQ(manager.headers.at("Auto-Submitted"), "auto-generated");
  const auto& worker = by_recipient.at("worker-1@example.org");
  EXPECT_EQ(worker.subject, "Due by Wed 2 Dec 2026: Your personal supervision");

  // Each delivery is recorded as sent and published once (NotificationSent, channel email).
  std::set<std::string> sent_deliveries;
  for (const auto& sent :
       Outbox<v1::NotificationSent>("oversight.notifications.v1.NotificationSent")) {
    if (sent.channel() == v1::CHANNEL_EMAIL) sent_deliveries.insert(sent.delivery_id());
  }
  EXPECT_EQ(sent_deliveries.size(), 2u);
  // The Message-ID is the delivery's: "<delivery id>@oversight.devon".
  const std::string& message_id = manager.message_id;
  ASSERT_TRUE(absl::EndsWith(message_id, "@oversight.devon>")) << message_id;
  EXPECT_EQ(sent_deliveries.count(message_id.substr(1, message_id.find('@') - 1)), 1u)
      << message_id;
}

TEST_F(DeliveryTest, ARedeliveredEventSendsNothingTwice) {
  const auto item =
      Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "personal_supervision:worker-1", kDue);
  const auto event = StageEvent<sch::ItemDue>(item, "due-1");
  Handle(event);
  EXPECT_EQ(EmailPass(), 2);
  // Kafka redelivers the record (same event id), and scheduling fires the same stage again
  // under another id (a replayed outbox): both map to the same notifications and deliveries.
  Handle(event);
  Handle(StageEvent<sch::ItemDue>(item, "due-1-replayed"));
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(EmailPass(), 0);
  EXPECT_EQ(smtp_->Messages().size(), 2u);
  EXPECT_EQ(Recipients(),
            (std::vector<std::string>{"manager-1@example.org", "worker-1@example.org"}));
}

TEST_F(DeliveryTest, QuietHoursHoldAReminderUntilTheNextWorkingMorningButLetACriticalOneThrough) {
  // Thu 24 Dec 2026 20:00 GMT: quiet hours (18-08), and Christmas Day and the Boxing Day
  // substitute (Mon 28 Dec) ahead.
  clock_.Set(Utc(2026, 12, 24, 20));
  const absl::Time due = Utc(2026, 12, 24, 23, 59) + absl::Seconds(59);
  Handle(StageEvent<sch::ItemDue>(Item(sch::ITEM_KIND_OBSERVATION, "observation:worker-1", due),
                                  "obs-due"));
  auto escalated_item = Item(sch::ITEM_KIND_CASE_DISCUSSION, "case_discussion:C-9", due);
  escalated_item.set_child_id("C-9");
  escalated_item.set_escalation_level(1);
  auto escalated = StageEvent<sch::ItemEscalated>(escalated_item, "cd-escalated");
  escalated.set_escalate_to_id("head-1");
  Handle(escalated);

  EXPECT_EQ(EmailPass(), 2);  // the escalation: head-1 and manager-1, at once
  EXPECT_EQ(Recipients(),
            (std::vector<std::string>{"head-1@example.org", "manager-1@example.org"}));
  for (const auto& m : smtp_->Messages()) {
    EXPECT_TRUE(absl::StartsWith(m.subject, "Escalated")) << m.subject;
    EXPECT_EQ(m.headers.at("Importance"), "high");
  }

  // Christmas Day and the bank holiday Monday: still held.
  clock_.Set(Utc(2026, 12, 25, 10));
  EXPECT_EQ(EmailPass(), 0);
  clock_.Set(Utc(2026, 12, 28, 12));
  EXPECT_EQ(EmailPass(), 0);
  EXPECT_EQ(smtp_->Messages().size(), 2u);
  // Tue 29 Dec 08:00 GMT: the held observation reminder goes to manager-1 and worker-1.
  clock_.Set(Utc(2026, 12, 29, 8));
  EXPECT_EQ(EmailPass(), 2);
  const auto messages = smtp_->Messages();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[2].subject.rfind("Due today: ", 0), 0u) << messages[2].subject;
}

TEST_F(DeliveryTest, AHeldReminderOfASatisfiedItemIsNeverSent) {
  clock_.Set(Utc(2026, 12, 4, 19));  // Friday evening
  const auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "personal_supervision:worker-1",
                         Utc(2026, 12, 4, 23, 59));
  const auto due = StageEvent<sch::ItemDue>(item, "ps-due");
  Handle(due);
  EXPECT_EQ(EmailPass(), 0);
  // The session is held over the weekend; scheduling reports the item satisfied.
  clock_.Set(Utc(2026, 12, 5, 11));
  Handle(StageEvent<sch::ItemSatisfied>(item, "ps-satisfied"));
  clock_.Set(Utc(2026, 12, 7, 8));  // Monday morning
  EXPECT_EQ(EmailPass(), 2);        // claimed, then superseded
  EXPECT_TRUE(smtp_->Messages().empty());
  RoutingContext context{Directory(), registry_->Find("devon")->pack.scheduling.escalation, {}};
  const auto routed = Route(due, due.meta(), context, clock_.Now());
  ASSERT_FALSE(routed.notifications.empty());
  EXPECT_EQ(DeliveryRecord(routed.notifications[0].notification_id(), v1::CHANNEL_EMAIL)["state"],
            "superseded");
}

TEST_F(DeliveryTest, StoppingTheSmtpServerDelaysMailAndStartingItAgainDeliversEverythingOnce) {
  ASSERT_TRUE(smtp_->Stop().ok());
  for (int i = 0; i < 3; ++i) {
    const std::string id = "personal_supervision:worker-" + std::to_string(i);
    auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, id, kDue + absl::Hours(24 * i));
    Handle(StageEvent<sch::ItemDueSoon>(item, "soon-" + std::to_string(i)));
  }
  // Connection refused: every attempt is a temporary failure, retried with backoff.
  EXPECT_EQ(EmailPass(), 6);
  EXPECT_EQ(EmailPass(), 0);  // nothing is due again before its backoff
  const auto failures =
      Outbox<v1::NotificationFailed>("oversight.notifications.v1.NotificationFailed");
  ASSERT_EQ(failures.size(), 6u);
  for (const auto& failed : failures) {
    EXPECT_FALSE(failed.final());
    EXPECT_EQ(failed.attempts(), 1);
    EXPECT_EQ(failed.channel(), v1::CHANNEL_EMAIL);
  }
  // Still down 10 minutes later: a second attempt each (backoff: 1 min, then 2 min, x 0.5).
  clock_.Advance(absl::Minutes(10));
  EXPECT_EQ(EmailPass(), 6);

  ASSERT_TRUE(smtp_->Restart().ok());
  clock_.Advance(absl::Minutes(10));
  EXPECT_EQ(EmailPass(), 6);
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(EmailPass(), 0);
  const auto messages = smtp_->Messages();
  ASSERT_EQ(messages.size(), 6u);
  std::set<std::string> ids;
  for (const auto& m : messages)
    ids.insert(m.message_id);
  EXPECT_EQ(ids.size(), 6u);  // six different messages, each once
  int sent = 0;
  for (const auto& s :
       Outbox<v1::NotificationSent>("oversight.notifications.v1.NotificationSent")) {
    if (s.channel() == v1::CHANNEL_EMAIL) {
      ++sent;
      EXPECT_EQ(s.attempts(), 3);
    }
  }
  EXPECT_EQ(sent, 6);
}

class TemporaryFailureTest : public DeliveryTest {
 protected:
  TemporaryFailureTest() { smtp_options_.tempfail = 1; }
};

TEST_F(TemporaryFailureTest, An451IsRetriedAndThenDelivered) {
  auto item = Item(sch::ITEM_KIND_GROUP_SUPERVISION, "group_supervision:team-a", kDue);
  Handle(StageEvent<sch::ItemDue>(item, "g1"));
  EXPECT_EQ(EmailPass(), 1);
  EXPECT_TRUE(smtp_->Messages().empty());
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(EmailPass(), 1);
  ASSERT_EQ(smtp_->Messages().size(), 1u);
  EXPECT_EQ(smtp_->Messages()[0].rcpt_tos, std::vector<std::string>{"manager-1@example.org"});
}

// A server like a real relay: STARTTLS required, then AUTH. The catcher's certificate is
// self-signed for 127.0.0.1 and given to curl as the CA.
class StartTlsTest : public DeliveryTest {
 protected:
  void SetUp() override {
    auto files = SelfSignedCertificate(certificates_.path());
    ASSERT_TRUE(files.ok()) << files.status();
    smtp_options_.tls_cert = files->first;
    smtp_options_.tls_key = files->second;
    smtp_options_.require_starttls = true;
    smtp_options_.auth = "oversight:relay-password";
    DeliveryTest::SetUp();
  }
  oversight::testing::TempDir certificates_{"smtp-tls-"};
};

TEST_F(StartTlsTest, MailGoesOverStartTlsWithAuthentication) {
  Handle(StageEvent<sch::ItemDue>(
      Item(sch::ITEM_KIND_GROUP_SUPERVISION, "group_supervision:team-a", kDue), "g1"));
  // Without TLS the server refuses (530): our set-up is wrong, so the mail waits, not dies.
  EXPECT_EQ(EmailPass(), 1);
  EXPECT_TRUE(smtp_->Messages().empty());
  DeliveryQueue queue(*connection_, kTopic);
  EXPECT_TRUE(queue.DeadLetters("devon")->empty());

  auto settings = Smtp();
  settings.starttls = SmtpSettings::StartTls::kRequired;
  settings.ca_file = smtp_options_.tls_cert;
  settings.username = "oversight";
  settings.password = "relay-password";
  clock_.Advance(absl::Minutes(5));
  auto connection = Connect();
  SmtpSender sender(settings);
  DeliveryWorker worker(*registry_, *connection, sender, clock_, kTopic, Delivery());
  EXPECT_EQ(*worker.RunOnce(), 1);
  ASSERT_EQ(smtp_->Messages().size(), 1u);
  EXPECT_EQ(smtp_->Messages()[0].rcpt_tos, std::vector<std::string>{"manager-1@example.org"});
}

class PermanentFailureTest : public DeliveryTest {
 protected:
  PermanentFailureTest() { smtp_options_.reject = {"manager-1@"}; }
};

TEST_F(PermanentFailureTest, ARejectedRecipientIsDeadLetteredAndTheOthersStillArrive) {
  Handle(StageEvent<sch::ItemDueSoon>(
      Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "personal_supervision:worker-1", kDue), "s1"));
  EXPECT_EQ(EmailPass(), 2);
  EXPECT_EQ(Recipients(), std::vector<std::string>{"worker-1@example.org"});
  clock_.Advance(absl::Hours(3));
  EXPECT_EQ(EmailPass(), 0);  // a permanent failure is not retried

  DeliveryQueue queue(*connection_, kTopic);
  auto dead = queue.DeadLetters("devon");
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  auto record = queue.Record("devon", (*dead)[0]);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->at("state"), "dead");
  EXPECT_EQ(record->at("r"), "manager-1");
  EXPECT_NE(record->at("error").find("550"), std::string::npos) << record->at("error");
  const auto failed =
      Outbox<v1::NotificationFailed>("oversight.notifications.v1.NotificationFailed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_TRUE(failed[0].final());
  EXPECT_TRUE(failed[0].permanent());
  EXPECT_EQ(failed[0].recipient_id(), "manager-1");
  EXPECT_EQ(failed[0].delivery_id(), (*dead)[0]);
}

TEST_F(DeliveryTest, TheLastTryIsDeadLettered) {
  ASSERT_TRUE(smtp_->Stop().ok());
  Handle(StageEvent<sch::ItemDue>(
      Item(sch::ITEM_KIND_RECORD_DEADLINE, "record_deadline:r1:record", kDue), "r1"));
  EXPECT_EQ(EmailPass(/*max_attempts=*/2), 1);
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(EmailPass(/*max_attempts=*/2), 1);
  clock_.Advance(absl::Hours(5));
  EXPECT_EQ(EmailPass(/*max_attempts=*/2), 0);
  const auto failed =
      Outbox<v1::NotificationFailed>("oversight.notifications.v1.NotificationFailed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_FALSE(failed[0].final());
  EXPECT_TRUE(failed[1].final());
  EXPECT_FALSE(failed[1].permanent());
  EXPECT_EQ(failed[1].attempts(), 2);
  DeliveryQueue queue(*connection_, kTopic);
  EXPECT_EQ(queue.DeadLetters("devon")->size(), 1u);
}

TEST_F(DeliveryTest, TwoWorkersNeverSendTheSameAttempt) {
  constexpr int kItems = 20;  // x 2 recipients
  for (int i = 0; i < kItems; ++i) {
    Handle(StageEvent<sch::ItemDue>(
        Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "ps:" + std::to_string(i), kDue),
        "e" + std::to_string(i)));
  }
  std::atomic<int> claimed{0};
  auto run = [&] {
    auto connection = Connect();
    SmtpSender sender(Smtp());
    auto settings = Delivery();
    settings.batch = 3;  // many small claims, interleaved between the two workers
    DeliveryWorker worker(*registry_, *connection, sender, clock_, kTopic, settings);
    auto n = worker.RunOnce();
    EXPECT_TRUE(n.ok()) << n.status();
    claimed += n.ok() ? *n : 0;
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
  EXPECT_EQ(claimed.load(), 2 * kItems);
  const auto messages = smtp_->Messages();
  EXPECT_EQ(messages.size(), static_cast<size_t>(2 * kItems));
  std::set<std::string> ids;
  for (const auto& m : messages)
    ids.insert(m.message_id);
  EXPECT_EQ(ids.size(), static_cast<size_t>(2 * kItems));
}

TEST_F(DeliveryTest, ADigestGroupsWhatIsDueAtTheChosenHour) {
  v1::Preferences preferences;
  preferences.set_authority_id("devon");
  preferences.set_recipient_id("manager-1");
  preferences.add_channels(v1::CHANNEL_IN_APP);
  preferences.add_channels(v1::CHANNEL_EMAIL);
  preferences.set_digest_hour(16);
  preferences.set_quiet_start_hour(18);
  preferences.set_quiet_end_hour(8);
  ASSERT_TRUE(store_->SetPreferences(preferences).ok());

  // Three supervisor-only items at 10:00; one of them is satisfied before the digest.
  Handle(StageEvent<sch::ItemDueSoon>(
      Item(sch::ITEM_KIND_GROUP_SUPERVISION, "group_supervision:team-a", kDue), "a"));
  Handle(StageEvent<sch::ItemDue>(
      Item(sch::ITEM_KIND_RECORD_DEADLINE, "record_deadline:r1:record", Utc(2026, 12, 1, 23, 59)),
      "b"));
  const auto overdue = Item(sch::ITEM_KIND_CIRCULATE_DEADLINE, "circulate_deadline:r0:circulate",
                            Utc(2026, 11, 30, 23, 59));
  Handle(StageEvent<sch::ItemOverdue>(overdue, "c"));
  const auto gone = Item(sch::ITEM_KIND_ASSESSMENT_CHECKPOINT, "assessment_checkpoint:x",
                         Utc(2026, 12, 3, 23, 59));
  Handle(StageEvent<sch::ItemDueSoon>(gone, "d"));
  EXPECT_EQ(EmailPass(), 0);  // nothing one by one

  auto digest_pass = [&] {
    auto connection = Connect();
    DigestWorker digests(*registry_, *connection, clock_, kTopic, {}, {true, false}, render_,
                         Delivery());
    auto built = digests.RunOnce();
    EXPECT_TRUE(built.ok()) << built.status();
    return built.ok() ? *built : -1;
  };
  EXPECT_EQ(digest_pass(), 0);  // 10:00: not yet
  clock_.Set(Utc(2026, 12, 1, 14));
  Handle(StageEvent<sch::ItemSatisfied>(gone, "d-satisfied"));
  clock_.Set(Utc(2026, 12, 1, 16));
  EXPECT_EQ(digest_pass(), 1);
  EXPECT_EQ(EmailPass(), 1);
  const auto messages = smtp_->Messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& digest = messages[0];
  EXPECT_EQ(digest.rcpt_tos, std::vector<std::string>{"manager-1@example.org"});
  EXPECT_EQ(digest.subject,
            "Your Oversight reminders for Tue 1 Dec 2026: 1 overdue, 1 due today, 1 due soon");
  EXPECT_NE(digest.text.find("Overdue\n- Overdue: Supervision notes to circulate for worker "
                             "worker-1 (was due Mon 30 Nov 2026) (rule D1)"),
            std::string::npos)
      << digest.text;
  EXPECT_NE(digest.text.find("Due today\n- Due today: Supervision record to write up"),
            std::string::npos);
  EXPECT_NE(digest.text.find("Due soon\n- Due by Wed 2 Dec 2026: Group supervision for team "
                             "team-a"),
            std::string::npos);
  EXPECT_EQ(digest.text.find("Assessment checkpoint"), std::string::npos);
  EXPECT_NE(digest.html.find("<h3>Overdue</h3>"), std::string::npos);

  // The next day nothing new is waiting: no second digest.
  clock_.Set(Utc(2026, 12, 2, 16));
  EXPECT_EQ(digest_pass(), 0);
  EXPECT_EQ(EmailPass(), 0);
  EXPECT_EQ(smtp_->Messages().size(), 1u);
}

TEST_F(DeliveryTest, WebhookSignaturesVerify) {
  auto catcher = WebhookCatcher::Start(kSecret);
  ASSERT_TRUE(catcher.ok()) << catcher.status();
  // head-1 wants webhooks (their own target), manager-1 the deployment's default target.
  workforce::v1::ContactDetailsChanged contact;
  *contact.mutable_meta() = Meta("contact-head-1");
  contact.mutable_meta()->set_subject("head-1");
  contact.set_worker_id("head-1");
  contact.set_webhook_url((*catcher)->url("/teams/hana"));
  Handle(contact);
  for (const char* who : {"head-1", "manager-1"}) {
    v1::Preferences preferences;
    preferences.set_authority_id("devon");
    preferences.set_recipient_id(who);
    preferences.add_channels(v1::CHANNEL_WEBHOOK);
    preferences.set_digest_hour(-1);
    ASSERT_TRUE(store_->SetPreferences(preferences).ok());
  }
  auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "personal_supervision:worker-1", kDue);
  item.set_escalation_level(1);
  auto escalated = StageEvent<sch::ItemEscalated>(item, "esc");
  escalated.set_escalate_to_id("head-1");
  Handle(escalated);

  auto connection = Connect();
  WebhookSender sender(
      {(*catcher)->url("/default"), kSecret, "", absl::Seconds(2), absl::Seconds(10)});
  DeliveryWorker worker(*registry_, *connection, sender, clock_, kTopic, Delivery());
  auto claimed = worker.RunOnce();
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_EQ(*claimed, 2);

  const auto requests = (*catcher)->Requests();
  ASSERT_EQ(requests.size(), 2u);
  std::map<std::string, ReceivedRequest> by_path;
  for (const auto& r : requests)
    by_path[r.path] = r;
  const auto& hana = by_path.at("/teams/hana");
  EXPECT_TRUE(hana.signature_valid) << hana.headers.at("X-Oversight-Signature");
  EXPECT_EQ(hana.status, 204);
  EXPECT_EQ(hana.headers.at("X-Oversight-Timestamp"),
            std::to_string(absl::ToUnixSeconds(clock_.Now())));
  EXPECT_EQ(hana.json["recipient"]["id"], "head-1");
  EXPECT_EQ(hana.json["recipient"]["email"], "head-1@example.org");
  EXPECT_EQ(hana.json["critical"], true);
  EXPECT_EQ(hana.json["rule_id"], "D1");
  EXPECT_EQ(hana.json["subject"],
            "Escalated to you: Personal supervision for worker worker-1 is overdue (was due Wed "
            "2 Dec 2026)");
  EXPECT_EQ(hana.json["delivery_id"], hana.headers.at("X-Oversight-Delivery"));
  const auto& mo = by_path.at("/default");
  EXPECT_TRUE(mo.signature_valid);
  EXPECT_EQ(mo.json["recipient"]["id"], "manager-1");
}

TEST_F(DeliveryTest, AWrongSecretFailsVerificationAndIsDeadLettered) {
  auto catcher = WebhookCatcher::Start(kSecret);
  ASSERT_TRUE(catcher.ok()) << catcher.status();
  v1::Preferences preferences;
  preferences.set_authority_id("devon");
  preferences.set_recipient_id("manager-1");
  preferences.add_channels(v1::CHANNEL_WEBHOOK);
  preferences.set_digest_hour(-1);
  ASSERT_TRUE(store_->SetPreferences(preferences).ok());
  Handle(StageEvent<sch::ItemDue>(
      Item(sch::ITEM_KIND_GROUP_SUPERVISION, "group_supervision:team-a", kDue), "g"));
  auto connection = Connect();
  WebhookSender sender(
      {(*catcher)->url(), "not-the-shared-secret", "", absl::Seconds(2), absl::Seconds(10)});
  DeliveryWorker worker(*registry_, *connection, sender, clock_, kTopic, Delivery());
  ASSERT_TRUE(worker.RunOnce().ok());
  const auto requests = (*catcher)->Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].signature_valid);
  EXPECT_EQ(requests[0].status, 401);  // refused: a permanent failure
  DeliveryQueue queue(*connection_, kTopic);
  EXPECT_EQ(queue.DeadLetters("devon")->size(), 1u);
}

TEST_F(DeliveryTest, AWebhookAnswering503IsRetried) {
  auto catcher = WebhookCatcher::Start(kSecret, /*fail_first=*/1, 503);
  ASSERT_TRUE(catcher.ok()) << catcher.status();
  v1::Preferences preferences;
  preferences.set_authority_id("devon");
  preferences.set_recipient_id("manager-1");
  preferences.add_channels(v1::CHANNEL_WEBHOOK);
  preferences.set_digest_hour(-1);
  ASSERT_TRUE(store_->SetPreferences(preferences).ok());
  Handle(StageEvent<sch::ItemDue>(
      Item(sch::ITEM_KIND_GROUP_SUPERVISION, "group_supervision:team-a", kDue), "g"));
  auto connection = Connect();
  WebhookSender sender({(*catcher)->url(), kSecret, "", absl::Seconds(2), absl::Seconds(10)});
  DeliveryWorker worker(*registry_, *connection, sender, clock_, kTopic, Delivery());
  worker.set_random([] { return 0.5; });
  EXPECT_EQ(*worker.RunOnce(), 1);
  clock_.Advance(absl::Seconds(30));  // the backoff: 1 min x 0.5
  EXPECT_EQ(*worker.RunOnce(), 1);
  const auto requests = (*catcher)->Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 503);
  EXPECT_EQ(requests[1].status, 204);
  // The same delivery both times, each attempt signed afresh.
  EXPECT_EQ(requests[0].headers.at("X-Oversight-Delivery"),
            requests[1].headers.at("X-Oversight-Delivery"));
  EXPECT_NE(requests[0].headers.at("X-Oversight-Timestamp"),
            requests[1].headers.at("X-Oversight-Timestamp"));
  EXPECT_TRUE(requests[1].signature_valid);
}

}  // namespace
}  // namespace oversight::notifications::testing
