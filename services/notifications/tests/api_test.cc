// The Kafka handler's contract (dead letters, the directory) and the gRPC API (called over a
// real loopback channel) against a real redis-server.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "notifications_fixture.h"
#include "notifications_grpc.h"
#include "oversight/notifications/v1/notifications.grpc.pb.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/runtime/auth.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "smtp_sender.h"

namespace oversight::notifications::testing {
namespace {

namespace sch = ::oversight::scheduling::v1;

constexpr char kJwtSecret[] = "notifications-api-test-secret-32bytes!";

TEST_F(NotificationsFixture, MalformedAndForeignRecordsAreDeadLettered) {
  kafka::ConsumedMessage garbage;
  garbage.value = "\xff not protobuf";
  garbage.headers.Add("ce_specversion", "1.0");
  garbage.headers.Add("ce_id", "x1");
  garbage.headers.Add("ce_source", "test");
  garbage.headers.Add("ce_type", "oversight.scheduling.v1.ItemDue");
  garbage.headers.Add("content-type", "application/protobuf");
  auto outcome = handler_->Handle(garbage);
  EXPECT_EQ(outcome.kind, kafka::HandlerOutcome::Kind::kDeadLetter);
  EXPECT_EQ(outcome.reason, "undecodable_payload");

  auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, "ps:w", Utc(2026, 12, 2, 23, 59));
  auto event = StageEvent<sch::ItemDue>(item, "e1");
  event.mutable_meta()->set_authority_id("atlantis");
  outcome = handler_->Handle(Record(event));
  EXPECT_EQ(outcome.kind, kafka::HandlerOutcome::Kind::kDeadLetter);
  EXPECT_EQ(outcome.reason, "unknown_authority");
}

TEST_F(NotificationsFixture, WorkforceEventsFillTheDirectory) {
  JoinTeam();
  workforce::v1::SupervisorChanged moved;
  *moved.mutable_meta() = Meta("moved-1");
  moved.mutable_meta()->set_subject("worker-1");
  moved.set_worker_id("worker-1");
  moved.set_supervisor_id("head-1");
  Handle(moved);
  auto fields = connection_->Command({"HGETALL", DirectoryKey("devon", "worker-1")});
  ASSERT_TRUE(fields.ok());
  std::map<std::string, std::string> got;
  for (size_t i = 0; i + 1 < fields->elements().size(); i += 2)
    got[fields->elements()[i].str()] = fields->elements()[i + 1].str();
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"name", "Wanda Worker"},
                                                     {"email", "worker-1@example.org"},
                                                     {"manager", "head-1"},
                                                     {"team", "team-a"},
                                                     {"left", "0"}}));
}

class ApiTest : public NotificationsFixture {
 protected:
  void SetUp() override {
    NotificationsFixture::SetUp();
    pool_ = std::make_unique<redis::ConnectionPool>(server_->connection_options());
    auto authenticator = runtime::Authenticator::Create(
        runtime::AuthOptions{runtime::JwtAlgorithm::kHS256, kJwtSecret, "", "", absl::Seconds(30)},
        &clock_);
    ASSERT_TRUE(authenticator.ok()) << authenticator.status();
    authenticator_ = std::move(*authenticator);
    service_ = std::make_unique<NotificationsGrpcService>(*registry_, *pool_, *authenticator_,
                                                          clock_, kTopic, PreferenceDefaults{},
                                                          absl::Milliseconds(50));
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_grpc_ = builder.BuildAndStart();
    ASSERT_NE(server_grpc_, nullptr);
    stub_ = v1::NotificationsService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
    JoinTeam();
  }
  void TearDown() override {
    server_grpc_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  void Authorize(grpc::ClientContext& context, const std::string& subject) {
    runtime::TokenClaims claims;
    claims.subject = subject;
    claims.issued_at = clock_.Now();
    auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, kJwtSecret);
    ASSERT_TRUE(token.ok());
    context.AddMetadata("authorization", "Bearer " + *token);
  }

  triggers::v1::TaskOpened Task(const std::string& id) {
    triggers::v1::TaskOpened opened;
    *opened.mutable_meta() = Meta("opened-" + id);
    opened.mutable_meta()->set_subject("C-1");
    auto* task = opened.mutable_task();
    task->set_task_id(id);
    task->set_child_id("C-1");
    task->set_owner_id("manager-1");
    task->set_worker_id("worker-1");
    task->set_rule_id("D14.4");
    events::ToTimestamp(Utc(2026, 12, 3, 23, 59), task->mutable_due_at());
    return opened;
  }

  std::unique_ptr<redis::ConnectionPool> pool_;
  std::unique_ptr<runtime::Authenticator> authenticator_;
  std::unique_ptr<NotificationsGrpcService> service_;
  std::unique_ptr<grpc::Server> server_grpc_;
  std::unique_ptr<v1::NotificationsService::Stub> stub_;
};

TEST_F(ApiTest, TheStreamDeliversANewNotificationWithinOneSecond) {
  grpc::ClientContext context;
  Authorize(context, "manager-1");
  v1::StreamNotificationsRequest request;
  request.set_authority_id("devon");
  request.set_recipient_id("manager-1");
  auto reader = stub_->StreamNotifications(&context, request);
  reader->WaitForInitialMetadata();  // the stream is live

  std::mutex mu;
  std::condition_variable arrived;
  std::vector<v1::Notification> received;
  std::thread reading([&] {
    v1::Notification n;
    while (reader->Read(&n)) {
      std::lock_guard lock(mu);
      received.push_back(n);
      arrived.notify_all();
    }
  });

  clock_.Advance(absl::Seconds(1));
  const auto created = std::chrono::steady_clock::now();
  Handle(Task("task-1"));
  {
    std::unique_lock lock(mu);
    const bool in_time = arrived.wait_until(lock, created + std::chrono::seconds(1),
                                            [&] { return !received.empty(); });
    EXPECT_TRUE(in_time) << "no notification within 1 s";
    if (in_time) {
      EXPECT_EQ(received[0].item_id(), "task-1");
      EXPECT_EQ(received[0].recipient_id(), "manager-1");
    }
  }
  context.TryCancel();
  reading.join();
}

TEST_F(ApiTest, ListAcknowledgeAndTheEmailOfAnAcknowledgedNotificationIsNotSent) {
  clock_.Set(Utc(2026, 12, 4, 20));  // Friday evening: the email is held until Monday
  Handle(Task("task-1"));
  v1::ListNotificationsResponse listed;
  {
    grpc::ClientContext context;
    Authorize(context, "manager-1");
    v1::ListNotificationsRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    ASSERT_TRUE(stub_->ListNotifications(&context, request, &listed).ok());
  }
  ASSERT_EQ(listed.notifications_size(), 1);
  const auto& n = listed.notifications(0);
  EXPECT_EQ(n.link(), "https://lcs.example.gov.uk/children/C-1");
  {
    grpc::ClientContext context;
    Authorize(context, "manager-1");
    v1::AcknowledgeRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    request.set_notification_id(n.notification_id());
    v1::Notification acknowledged;
    ASSERT_TRUE(stub_->Acknowledge(&context, request, &acknowledged).ok());
    EXPECT_TRUE(acknowledged.has_acknowledged_at());
  }
  EXPECT_EQ(
      Outbox<v1::NotificationAcknowledged>("oversight.notifications.v1.NotificationAcknowledged")
          .size(),
      1u);

  // Monday morning: the held email is superseded by the acknowledgement, not sent. (No SMTP
  // server is needed: a send would fail and be retried instead.)
  clock_.Set(Utc(2026, 12, 7, 8));
  auto connection = Connect();
  SmtpSettings smtp;
  smtp.url = "smtp://127.0.0.1:1";
  smtp.from_address = "oversight@example.org";
  SmtpSender sender(smtp);
  DeliveryWorker worker(*registry_, *connection, sender, clock_, kTopic, Delivery());
  EXPECT_EQ(*worker.RunOnce(), 1);
  DeliveryQueue queue(*connection_, kTopic);
  auto record = queue.Record("devon", DeliveryId(n.notification_id(), v1::CHANNEL_EMAIL));
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->at("state"), "superseded");
  EXPECT_EQ(record->at("error"), "acknowledged in-app");
}

TEST_F(ApiTest, PreferencesDefaultToInAppAndEmailAndAreValidated) {
  v1::Preferences got;
  {
    grpc::ClientContext context;
    Authorize(context, "worker-1");
    v1::GetPreferencesRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("worker-1");
    ASSERT_TRUE(stub_->GetPreferences(&context, request, &got).ok());
  }
  EXPECT_EQ(got.channels_size(), 2);
  EXPECT_EQ(got.channels(0), v1::CHANNEL_IN_APP);
  EXPECT_EQ(got.channels(1), v1::CHANNEL_EMAIL);
  EXPECT_EQ(got.digest_hour(), -1);
  EXPECT_EQ(got.quiet_start_hour(), 18);
  EXPECT_EQ(got.quiet_end_hour(), 8);

  v1::Preferences bad = got;
  bad.set_digest_hour(24);
  {
    grpc::ClientContext context;
    Authorize(context, "worker-1");
    v1::Preferences response;
    auto status = stub_->SetPreferences(&context, bad, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("digest_hour"), std::string::npos);
  }
  v1::Preferences wanted = got;
  wanted.clear_channels();
  wanted.add_channels(v1::CHANNEL_WEBHOOK);
  wanted.set_digest_hour(9);
  {
    grpc::ClientContext context;
    Authorize(context, "worker-1");
    v1::Preferences response;
    ASSERT_TRUE(stub_->SetPreferences(&context, wanted, &response).ok());
  }
  {
    grpc::ClientContext context;
    Authorize(context, "manager-1");  // someone else's preferences
    v1::Preferences response;
    EXPECT_EQ(stub_->SetPreferences(&context, wanted, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  auto stored = store_->GetPreferences("devon", "worker-1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->digest_hour(), 9);
  EXPECT_EQ(stored->channels_size(), 1);
}

// Hostile requests (issue #10): a 1 MiB notification id, an unknown channel value and a page
// token no call issued are INVALID_ARGUMENT naming the field, without echoing the value.
TEST_F(ApiTest, HugeIdsUnknownChannelsAndGarbagePageTokensAreInvalid) {
  {
    grpc::ClientContext context;
    Authorize(context, "manager-1");
    v1::AcknowledgeRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    request.set_notification_id(std::string(1 << 20, 'n'));
    v1::Notification response;
    auto status = stub_->Acknowledge(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), "notification_id: at most 256 characters (got 1048576)");
  }
  {
    grpc::ClientContext context;
    Authorize(context, "manager-1");
    v1::Preferences request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    request.add_channels(static_cast<v1::Channel>(9999));
    v1::Preferences response;
    auto status = stub_->SetPreferences(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(),
              "channels[0]: 9999 is not a oversight.notifications.v1.Channel value");
  }
  {
    grpc::ClientContext context;
    Authorize(context, "manager-1");
    v1::ListNotificationsRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    request.mutable_page()->set_page_token("%not-a-page-token%");
    v1::ListNotificationsResponse response;
    auto status = stub_->ListNotifications(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("page.page_token: not a token this call issued"),
              std::string::npos)
        << status.error_message();
  }
}

}  // namespace
}  // namespace oversight::notifications::testing
