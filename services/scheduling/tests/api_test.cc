// The Kafka handler and the gRPC service against a real redis-server: CloudEvents records in
// (encoded as a producer encodes them), gRPC answers out; bad records become dead letters.
#include <gtest/gtest.h>

#include "event_handlers.h"
#include "item_store.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/event_record.h"
#include "oversight/kafka/testing/publish.h"
#include "oversight/kafka/topics.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "scheduler.h"
#include "scheduling_grpc.h"

namespace oversight::scheduling {
namespace {

namespace wf = ::oversight::workforce::v1;

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                         policy::DefaultCalendarPath(), {"devon"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete registry_;
  }
  void SetUp() override {
    auto connection = redis::Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    connection_ = std::move(*connection);
    ASSERT_TRUE(connection_->Command({"FLUSHALL"}).ok());
    store_ = std::make_unique<ItemStore>(*connection_, std::string(kafka::kScheduleEventsTopic));
    scheduler_ = std::make_unique<Scheduler>(*registry_, *store_, clock_);
    handlers_ = std::make_unique<EventHandlers>(*registry_, *scheduler_);
    pool_ = std::make_unique<redis::ConnectionPool>(server_->connection_options());
    api_ = std::make_unique<SchedulingGrpcService>(*registry_, *pool_, *authenticator_, clock_,
                                                   std::string(kafka::kScheduleEventsTopic));
  }

  kafka::ConsumedMessage Record(const google::protobuf::Message& event, const std::string& key) {
    auto consumed =
        kafka::testing::AsConsumedEvent(std::string(kafka::kWorkforceEventsTopic), key, event);
    EXPECT_TRUE(consumed.ok()) << consumed.status();
    return consumed.ok() ? *std::move(consumed) : kafka::ConsumedMessage{};
  }

  wf::WorkerJoined Joined(const std::string& authority) {
    wf::WorkerJoined e;
    e.mutable_meta()->set_event_id("join-1");
    e.mutable_meta()->set_authority_id(authority);
    e.mutable_meta()->set_subject("worker-1");
    events::ToTimestamp(clock_.Now(), e.mutable_meta()->mutable_occurred_at());
    e.set_worker_id("worker-1");
    e.set_supervisor_id("manager-1");
    e.set_team_id("team-a");
    e.mutable_start_date()->set_year(2025);
    e.mutable_start_date()->set_month(1);
    e.mutable_start_date()->set_day(6);
    return e;
  }

  static redis::testing::RedisServer* server_;
  static authorities::AuthorityRegistry* registry_;
  std::unique_ptr<runtime::Authenticator> authenticator_ = runtime::Authenticator::Anonymous();
  runtime::ManualClock clock_{
      absl::FromCivil(absl::CivilSecond(2025, 1, 6, 12, 0, 0), absl::UTCTimeZone())};
  std::unique_ptr<redis::Connection> connection_;
  std::unique_ptr<ItemStore> store_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<EventHandlers> handlers_;
  std::unique_ptr<redis::ConnectionPool> pool_;
  std::unique_ptr<SchedulingGrpcService> api_;
};
redis::testing::RedisServer* ApiTest::server_ = nullptr;
authorities::AuthorityRegistry* ApiTest::registry_ = nullptr;

TEST_F(ApiTest, ConsumedWorkerJoinedShowsInTheWorkerScheduleAndExplains) {
  auto outcome = handlers_->Handle(Record(Joined("devon"), "worker-1"));
  ASSERT_EQ(outcome.kind, kafka::HandlerOutcome::Kind::kProcessed) << outcome.detail;

  grpc::ServerContext context;
  v1::GetWorkerScheduleRequest request;
  request.set_authority_id("devon");
  request.set_worker_id("worker-1");
  v1::Schedule schedule;
  ASSERT_TRUE(api_->GetWorkerSchedule(&context, &request, &schedule).ok());
  bool found = false;
  for (const auto& item : schedule.items()) {
    if (item.kind() != v1::ITEM_KIND_PERSONAL_SUPERVISION) continue;
    found = true;
    // D2: induction weekly from Mon 6 Jan 2025: 13 Jan, end of the London day (GMT in January).
    EXPECT_EQ(events::FromTimestamp(item.due_at()),
              absl::FromCivil(absl::CivilSecond(2025, 1, 13, 23, 59, 59), absl::UTCTimeZone()));
  }
  EXPECT_TRUE(found);

  grpc::ServerContext explain_context;
  v1::ExplainItemRequest explain;
  explain.set_authority_id("devon");
  explain.set_item_id("personal_supervision:worker-1");
  v1::DueItem item;
  ASSERT_TRUE(api_->ExplainItem(&explain_context, &explain, &item).ok());
  EXPECT_EQ(item.explanation().rule_id(), "D2");
  EXPECT_FALSE(item.explanation().calendar().empty());
  EXPECT_FALSE(item.explanation().facts().empty());

  grpc::ServerContext list_context;
  v1::ListDueItemsRequest list;
  list.set_authority_id("devon");
  list.set_supervisor_id("manager-1");
  list.mutable_page()->set_page_size(1);
  v1::ListDueItemsResponse page;
  ASSERT_TRUE(api_->ListDueItems(&list_context, &list, &page).ok());
  ASSERT_EQ(page.items_size(), 1);
  EXPECT_EQ(page.items(0).item_id(), "personal_supervision:worker-1");  // the earliest due
  EXPECT_EQ(page.page().next_page_token(), "1");

  // Redelivery of the same record: processed, nothing new in the outbox.
  const int64_t outbox =
      connection_->Command({"XLEN", redis::OutboxKey("devon", kServiceName)})->integer();
  EXPECT_EQ(handlers_->Handle(Record(Joined("devon"), "worker-1")).kind,
            kafka::HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(connection_->Command({"XLEN", redis::OutboxKey("devon", kServiceName)})->integer(),
            outbox);
}

TEST_F(ApiTest, BadRecordsAreDeadLettersAndBadRequestsInvalid) {
  auto outcome = handlers_->Handle(Record(Joined("nowhere"), "worker-1"));
  EXPECT_EQ(outcome.kind, kafka::HandlerOutcome::Kind::kDeadLetter);
  EXPECT_EQ(outcome.reason, "unknown_authority");

  kafka::ConsumedMessage garbage = Record(Joined("devon"), "worker-1");
  garbage.value = "not a protobuf";
  EXPECT_EQ(handlers_->Handle(garbage).kind, kafka::HandlerOutcome::Kind::kDeadLetter);

  grpc::ServerContext context;
  v1::GetWorkerScheduleRequest request;
  request.set_authority_id("devon");
  v1::Schedule schedule;
  EXPECT_EQ(api_->GetWorkerSchedule(&context, &request, &schedule).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ServerContext list_context;
  v1::ListDueItemsRequest list;
  list.set_authority_id("devon");
  list.set_supervisor_id("m");
  list.set_team_id("t");
  v1::ListDueItemsResponse response;
  EXPECT_EQ(api_->ListDueItems(&list_context, &list, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ServerContext explain_context;
  v1::ExplainItemRequest explain;
  explain.set_authority_id("devon");
  explain.set_item_id("personal_supervision:nobody");
  v1::DueItem item;
  EXPECT_EQ(api_->ExplainItem(&explain_context, &explain, &item).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Hostile requests (issue #10): a 1 MiB id, an out-of-range timestamp and a page token no call
// issued are INVALID_ARGUMENT naming the field, without echoing the value.
TEST_F(ApiTest, HugeIdsBadTimestampsAndGarbagePageTokensAreInvalid) {
  grpc::ServerContext context;
  v1::GetWorkerScheduleRequest request;
  request.set_authority_id("devon");
  request.set_worker_id(std::string(1 << 20, 'w'));
  v1::Schedule schedule;
  grpc::Status status = api_->GetWorkerSchedule(&context, &request, &schedule);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "worker_id: at most 256 characters (got 1048576)");

  grpc::ServerContext compliance_context;
  v1::ComplianceRequest compliance;
  compliance.set_authority_id("devon");
  compliance.mutable_period_end()->set_seconds(253402300800);  // year 10000
  v1::ComplianceResponse figures;
  status = api_->GetCompliance(&compliance_context, &compliance, &figures);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("period_end: not a valid timestamp"), std::string::npos)
      << status.error_message();

  grpc::ServerContext list_context;
  v1::ListDueItemsRequest list;
  list.set_authority_id("devon");
  list.mutable_page()->set_page_token("%not-a-page-token%");
  v1::ListDueItemsResponse response;
  status = api_->ListDueItems(&list_context, &list, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page.page_token: not a token this call issued"),
            std::string::npos)
      << status.error_message();
}

TEST_F(ApiTest, ComplianceOverAMonthAndBadPeriods) {
  ASSERT_EQ(handlers_->Handle(Record(Joined("devon"), "worker-1")).kind,
            kafka::HandlerOutcome::Kind::kProcessed);
  // D2: the induction session due Mon 13 Jan 2025 was not held by Mon 20 Jan.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2025, 1, 20, 12, 0, 0), absl::UTCTimeZone()));
  v1::ComplianceRequest request;
  request.set_authority_id("devon");
  request.set_team_id("team-a");
  events::ToTimestamp(absl::FromCivil(absl::CivilDay(2025, 1, 1), absl::UTCTimeZone()),
                      request.mutable_period_start());
  events::ToTimestamp(absl::FromCivil(absl::CivilDay(2025, 2, 1), absl::UTCTimeZone()),
                      request.mutable_period_end());
  grpc::ServerContext context;
  v1::ComplianceResponse figures;
  ASSERT_TRUE(api_->GetCompliance(&context, &request, &figures).ok());
  EXPECT_EQ(figures.total().sessions_due(), 1);
  EXPECT_EQ(figures.total().sessions_on_time(), 0);
  EXPECT_EQ(figures.total().open_overdue(), 1);
  ASSERT_EQ(figures.teams_size(), 1);
  EXPECT_EQ(figures.teams(0).scope_id(), "team-a");
  ASSERT_EQ(figures.workers_size(), 1);
  EXPECT_EQ(figures.workers(0).scope_id(), "worker-1");

  std::swap(*request.mutable_period_start(), *request.mutable_period_end());
  grpc::ServerContext backwards;
  auto status = api_->GetCompliance(&backwards, &request, &figures);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "period_end is before period_start");
  request.set_authority_id("nowhere");
  grpc::ServerContext unknown;
  EXPECT_NE(api_->GetCompliance(&unknown, &request, &figures).error_code(), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace oversight::scheduling
