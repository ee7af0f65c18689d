// The gRPC API in process: a real gRPC server and channel, real HS256 bearer tokens, a real
// redis-server, and the workforce handler fed the same Kafka records a consumer would pass it.
#include "recording_grpc.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "inbound_handler.h"
#include "oversight/kafka/event_record.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "record_store.h"
#include "supervision_events.h"
#include "test_records.h"

namespace oversight::recording {
namespace {

using testing::Utc;

constexpr char kSecret[] = "recording-test-secret";

class RecordingGrpcTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = std::move(*server).release();
    auto registry = authorities::AuthorityRegistry::Load(
        policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon", "havering"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry).release();
  }
  static void TearDownTestSuite() {
    delete redis_;
    delete registry_;
  }

  void SetUp() override {
    pool_ = std::make_unique<redis::ConnectionPool>(redis_->connection_options());
    ASSERT_TRUE((*pool_->Acquire()).Command({"FLUSHALL"}).ok());
    auto authenticator = runtime::Authenticator::Create(
        runtime::AuthOptions{runtime::JwtAlgorithm::kHS256, kSecret, "", "", absl::Seconds(30)},
        &clock_);
    ASSERT_TRUE(authenticator.ok()) << authenticator.status();
    authenticator_ = std::move(*authenticator);
    service_ = std::make_unique<RecordingGrpcService>(*registry_, *pool_, *authenticator_, clock_,
                                                      "oversight.supervision-events.v1",
                                                      "oversight.audit.v1");
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::RecordingService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                              grpc::InsecureChannelCredentials()));
    Join("worker-1", "manager-1");
    Join("manager-1", "head-1");
    Join("worker-2", "manager-2");
  }
  void TearDown() override { server_->Shutdown(); }

  // A WorkerJoined record as it arrives from Kafka, handled by the workforce handler.
  void Join(const char* worker, const char* supervisor) {
    workforce::v1::WorkerJoined joined;
    joined.mutable_meta()->set_event_id(std::string("join-") + worker);
    joined.mutable_meta()->set_authority_id("devon");
    joined.mutable_meta()->set_subject(worker);
    events::ToTimestamp(Utc("2026-01-05T09:00:00Z"), joined.mutable_meta()->mutable_occurred_at());
    joined.set_worker_id(worker);
    joined.set_supervisor_id(supervisor);
    auto out = kafka::MakeEventRecord("oversight.workforce-events.v1", worker, joined,
                                      kafka::ContentType::kProtobuf);
    ASSERT_TRUE(out.ok()) << out.status();
    kafka::ConsumedMessage message;
    message.topic = out->topic;
    message.key = out->key;
    message.value = out->value;
    for (const auto& h : out->headers)
      message.headers.Add(h.key, h.value);
    auto lease = pool_->Acquire();
    RecordStore store(*lease, "s", "a");
    InboundHandler handler(*registry_, store, clock_);
    EXPECT_EQ(handler.Handle(message).kind, kafka::HandlerOutcome::Kind::kProcessed);
  }

  std::unique_ptr<grpc::ClientContext> As(const char* subject,
                                          std::vector<std::string> roles = {}) {
    runtime::TokenClaims claims;
    claims.subject = subject;
    claims.roles = std::move(roles);
    claims.authority_id = "devon";
    claims.issued_at = clock_.Now();
    auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, kSecret);
    EXPECT_TRUE(token.ok()) << token.status();
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + *token);
    return context;
  }

  static inline redis::testing::RedisServer* redis_ = nullptr;
  static inline authorities::AuthorityRegistry* registry_ = nullptr;
  runtime::ManualClock clock_{Utc("2026-03-03T09:00:00Z")};
  std::unique_ptr<redis::ConnectionPool> pool_;
  std::unique_ptr<runtime::Authenticator> authenticator_;
  std::unique_ptr<RecordingGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::RecordingService::Stub> stub_;
};

// A token for another authority is refused before anything is looked up: the same
// PERMISSION_DENIED for a record that exists and one that does not, for reads and writes
// (it was NOT_FOUND for an unknown record, telling another authority which records exist).
TEST_F(RecordingGrpcTest, ATokenForAnotherAuthorityIsRefusedBeforeAnyLookup) {
  v1::CreateRecordRequest create;
  *create.mutable_record() = testing::PersonalSupervision("devon", "2026-03-02T10:00:00Z");
  v1::Record created;
  ASSERT_TRUE(stub_->CreateRecord(As("manager-1").get(), create, &created).ok());

  runtime::TokenClaims claims;
  claims.subject = "manager-1";
  claims.roles = {"senior_manager"};
  claims.authority_id = "havering";
  claims.issued_at = clock_.Now();
  const std::string havering = *runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, kSecret);
  auto as_havering = [&] {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + havering);
    return context;
  };
  for (const char* id : {"rec-1", "rec-that-does-not-exist"}) {
    v1::GetRecordRequest get;
    get.set_authority_id("devon");
    get.set_record_id(id);
    v1::Record record;
    grpc::Status status = stub_->GetRecord(as_havering().get(), get, &record);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << id;
    EXPECT_EQ(status.error_message(), "the token is for authority \"havering\", not \"devon\"");
    v1::SignRecordRequest sign;
    sign.set_authority_id("devon");
    sign.set_record_id(id);
    sign.set_party(v1::PARTY_SUPERVISOR);
    EXPECT_EQ(stub_->SignRecord(as_havering().get(), sign, &record).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << id;
  }
  v1::Record copy;
  create.mutable_record()->set_record_id("rec-2");
  EXPECT_EQ(stub_->CreateRecord(as_havering().get(), create, &copy).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// Hostile requests (issue #10): a 1 MiB id and a page token no call issued are INVALID_ARGUMENT
// naming the field, without echoing the value.
TEST_F(RecordingGrpcTest, HugeIdsAndGarbagePageTokensAreInvalid) {
  v1::GetRecordRequest get;
  get.set_authority_id("devon");
  get.set_record_id(std::string(1 << 20, 'r'));
  v1::Record record;
  grpc::Status status = stub_->GetRecord(As("manager-1").get(), get, &record);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "record_id: at most 256 characters (got 1048576)");

  v1::ListRecordsRequest list;
  list.set_authority_id("devon");
  list.set_supervisee_id("worker-1");
  list.mutable_page()->set_page_token("%not-a-page-token%");
  v1::ListRecordsResponse listed;
  status = stub_->ListRecords(As("manager-1").get(), list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page.page_token: not a token this call issued"),
            std::string::npos)
      << status.error_message();
}

TEST_F(RecordingGrpcTest, CallsWithoutATokenAreUnauthenticated) {
  grpc::ClientContext context;
  v1::GetRecordRequest request;
  request.set_authority_id("devon");
  request.set_record_id("rec-1");
  v1::Record response;
  EXPECT_EQ(stub_->GetRecord(&context, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RecordingGrpcTest, LifecycleOverGrpcWithRefusalsThatChangeNothing) {
  v1::CreateRecordRequest create;
  *create.mutable_record() = testing::PersonalSupervision();
  create.mutable_record()->clear_notes();
  v1::Record record;
  auto status = stub_->CreateRecord(As("manager-1").get(), create, &record);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("notes"), std::string::npos) << status.error_message();

  *create.mutable_record() = testing::PersonalSupervision();
  status = stub_->CreateRecord(As("manager-1").get(), create, &record);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(record.status(), v1::RECORD_STATUS_RECORDED);

  v1::GetRecordRequest get;
  get.set_authority_id("devon");
  get.set_record_id(record.record_id());
  v1::Record read;
  status = stub_->GetRecord(As("worker-2").get(), get, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("H16"), std::string::npos) << status.error_message();
  EXPECT_TRUE(stub_->GetRecord(As("head-1").get(), get, &read).ok());  // line manager chain

  v1::CirculateRecordRequest circulate;
  circulate.set_authority_id("devon");
  circulate.set_record_id(record.record_id());
  ASSERT_TRUE(stub_->CirculateRecord(As("manager-1").get(), circulate, &record).ok());

  v1::SignRecordRequest sign;
  sign.set_authority_id("devon");
  sign.set_record_id(record.record_id());
  sign.set_party(v1::PARTY_SUPERVISEE);
  EXPECT_EQ(stub_->SignRecord(As("worker-2").get(), sign, &record).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->SignRecord(As("worker-1").get(), sign, &record).ok());
  sign.set_party(v1::PARTY_SUPERVISOR);
  ASSERT_TRUE(stub_->SignRecord(As("manager-1").get(), sign, &record).ok());
  EXPECT_EQ(record.status(), v1::RECORD_STATUS_SIGNED);

  v1::UpdateRecordRequest update;
  *update.mutable_record() = record;
  update.mutable_record()->set_notes("Changed after signing");
  v1::Record updated;
  status = stub_->UpdateRecord(As("manager-1").get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  v1::VerifyRecordRequest verify;
  verify.set_authority_id("devon");
  verify.set_record_id(record.record_id());
  v1::VerifyRecordResponse verified;
  ASSERT_TRUE(stub_->VerifyRecord(As("worker-1").get(), verify, &verified).ok());
  EXPECT_TRUE(verified.intact()) << verified.detail();

  v1::GetAgendaRequest agenda;
  agenda.set_authority_id("devon");
  agenda.set_supervisee_id("worker-1");
  v1::GetAgendaResponse open;
  ASSERT_TRUE(stub_->GetAgenda(As("worker-1").get(), agenda, &open).ok());
  ASSERT_EQ(open.open_actions_size(), 1);
  v1::CompleteActionRequest complete;
  complete.set_authority_id("devon");
  complete.set_action_id(open.open_actions(0).action_id());
  v1::SmartAction done;
  ASSERT_TRUE(stub_->CompleteAction(As("worker-1").get(), complete, &done).ok());
  EXPECT_TRUE(done.completed());
}

}  // namespace
}  // namespace oversight::recording
