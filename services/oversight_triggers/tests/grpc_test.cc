// The gRPC API in-process over a real loopback gRPC server, with real bearer tokens (HS256), a
// real redis-server and tasks made by the Kafka handlers: list filters and paging, a task's
// history, who may reassign and what it publishes, and the team summary against a manual clock.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "event_handlers.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/event_record.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/testing/utc.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "task_store.h"
#include "triggers_grpc.h"

namespace oversight::triggers {
namespace {

constexpr char kSecret[] = "grpc-test-secret-that-is-long-enough-for-hs256";

using oversight::testing::Utc;

class GrpcTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = server->release();
    auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                         policy::DefaultCalendarPath(), {"devon"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
  }
  static void TearDownTestSuite() {
    delete redis_;
    delete registry_;
  }

  void SetUp() override {
    auto connection = redis::Connection::Connect(redis_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    connection_ = std::move(*connection);
    ASSERT_TRUE(connection_->Command({"FLUSHALL"}).ok());
    store_ = std::make_unique<TaskStore>(*connection_, "tasks");
    handlers_ = std::make_unique<EventHandlers>(*registry_, *store_, clock_);

    auto authenticator = runtime::Authenticator::Create({.key = kSecret}, &clock_);
    ASSERT_TRUE(authenticator.ok()) << authenticator.status();
    authenticator_ = *std::move(authenticator);
    // Not used by these calls (only IngestCaseEvent produces); it connects on first use.
    auto producer = kafka::Producer::Create({.client = {.bootstrap_servers = "127.0.0.1:1"}});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
    pool_ = std::make_unique<redis::ConnectionPool>(redis_->connection_options());
    service_ = std::make_unique<TriggersGrpcService>(
        *registry_, *pool_, *producer_, *authenticator_, clock_, "case-events", "tasks");
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::OversightTriggersService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

    // The directory: workers -> managers -> head-1.
    Handle(Joined("worker-1", "manager-1", "team-a"));
    Handle(Joined("worker-2", "manager-2", "team-b"));
    Handle(Joined("manager-1", "head-1", "team-a"));
    Handle(Joined("manager-2", "head-1", "team-b"));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  template <typename Event>
  Event Meta(const std::string& id, const std::string& subject, absl::Time at) {
    Event event;
    event.mutable_meta()->set_event_id(id);
    event.mutable_meta()->set_authority_id("devon");
    event.mutable_meta()->set_subject(subject);
    events::ToTimestamp(at, event.mutable_meta()->mutable_occurred_at());
    return event;
  }
  void Handle(const google::protobuf::Message& event) {
    const std::string package = event.GetDescriptor()->file()->package();
    const ConsumedTopics topics;
    const std::string topic = package == "oversight.cases.v1"       ? topics.case_events
                              : package == "oversight.workforce.v1" ? topics.workforce_events
                                                                    : topics.supervision_events;
    auto record = kafka::MakeEventRecord(topic, "k", event, kafka::ContentType::kProtobuf);
    ASSERT_TRUE(record.ok());
    kafka::ConsumedMessage consumed{.topic = record->topic,
                                    .key = record->key,
                                    .value = record->value,
                                    .headers = record->headers};
    auto outcome = handlers_->Handle(consumed);
    ASSERT_EQ(outcome.kind, kafka::HandlerOutcome::Kind::kProcessed) << outcome.detail;
  }
  workforce::v1::WorkerJoined Joined(const std::string& worker, const std::string& supervisor,
                                     const std::string& team) {
    auto e = Meta<workforce::v1::WorkerJoined>("hr-" + worker, worker, Utc("2026-01-05T09:00:00Z"));
    e.set_worker_id(worker);
    e.set_supervisor_id(supervisor);
    e.set_team_id(team);
    return e;
  }
  // Allocates `child` (D8: due 2 working days later) and returns its task.
  v1::OversightTask Allocate(const std::string& child, const std::string& worker,
                             const std::string& team, const char* at) {
    auto e = Meta<cases::v1::CaseAllocated>("alloc-" + child, child, Utc(at));
    e.set_child_id(child);
    e.set_worker_id(worker);
    e.set_team_id(team);
    Handle(e);
    v1::ListTasksRequest request;
    request.set_authority_id("devon");
    request.set_child_id(child);
    auto listed = store_->ListTasks(request);
    EXPECT_TRUE(listed.ok() && listed->tasks_size() == 1);
    return listed->tasks(0);
  }
  void Record(const v1::OversightTask& task, const char* held_at) {
    auto e =
        Meta<recording::v1::OversightRecorded>("rec-" + task.task_id(), "record", Utc(held_at));
    e.set_record_id("record-" + task.task_id());
    e.set_child_id(task.child_id());
    e.set_task_id(task.task_id());
    Handle(e);
  }

  std::string Token(const std::string& subject, std::vector<std::string> roles = {},
                    const std::string& team = "") {
    runtime::TokenClaims claims{.subject = subject, .roles = std::move(roles), .team_id = team};
    claims.issued_at = clock_.Now();
    auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, kSecret);
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }
  template <typename Request, typename Response, typename Method>
  grpc::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    return (stub_.get()->*method)(&context, request, response);
  }
  grpc::Status List(const v1::ListTasksRequest& request, v1::ListTasksResponse* response) {
    return Call(&v1::OversightTriggersService::Stub::ListTasks, Token("reader"), request, response);
  }
  grpc::Status Reassign(const std::string& token, const std::string& task_id,
                        const std::string& owner, v1::OversightTask* response) {
    v1::ReassignTaskRequest request;
    request.set_authority_id("devon");
    request.set_task_id(task_id);
    request.set_owner_id(owner);
    request.set_reason("covering leave");
    return Call(&v1::OversightTriggersService::Stub::ReassignTask, token, request, response);
  }
  v1::TeamSummary Summary(const std::string& team) {
    v1::TeamSummaryRequest request;
    request.set_authority_id("devon");
    request.set_team_id(team);
    v1::TeamSummary summary;
    grpc::Status status = Call(&v1::OversightTriggersService::Stub::GetTeamSummary, Token("reader"),
                               request, &summary);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return summary;
  }

  static redis::testing::RedisServer* redis_;
  static authorities::AuthorityRegistry* registry_;
  runtime::ManualClock clock_{Utc("2026-05-11T08:00:00Z")};
  std::unique_ptr<redis::Connection> connection_;
  std::unique_ptr<TaskStore> store_;
  std::unique_ptr<EventHandlers> handlers_;
  std::unique_ptr<runtime::Authenticator> authenticator_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<redis::ConnectionPool> pool_;
  std::unique_ptr<TriggersGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::OversightTriggersService::Stub> stub_;
};
redis::testing::RedisServer* GrpcTest::redis_ = nullptr;
authorities::AuthorityRegistry* GrpcTest::registry_ = nullptr;

TEST_F(GrpcTest, ListTasksFiltersByEveryFieldAndPagesWithoutGapsOrRepeats) {
  for (int i = 0; i < 7; ++i) {
    Allocate("a-" + std::to_string(i), "worker-1", "team-a", "2026-05-11T09:00:00Z");
  }
  for (int i = 0; i < 3; ++i) {
    Allocate("b-" + std::to_string(i), "worker-2", "team-b", "2026-05-12T09:00:00Z");
  }
  auto incident =
      Meta<cases::v1::SignificantIncident>("inc-a-0", "a-0", Utc("2026-05-11T10:00:00Z"));
  incident.set_child_id("a-0");
  Handle(incident);

  auto ids = [&](v1::ListTasksRequest request) {
    std::vector<std::string> out;
    v1::ListTasksResponse response;
    grpc::Status status = List(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& task : response.tasks())
      out.push_back(task.task_id());
    return out;
  };
  v1::ListTasksRequest request;
  request.set_authority_id("devon");
  EXPECT_EQ(ids(request).size(), 11u);
  request.set_owner_id("manager-2");
  EXPECT_EQ(ids(request).size(), 3u);
  request.clear_owner_id();
  request.set_team_id("team-a");
  EXPECT_EQ(ids(request).size(), 8u);
  request.set_trigger_id("significant_incident");
  EXPECT_EQ(ids(request).size(), 1u);
  request.clear_team_id();
  request.clear_trigger_id();
  request.set_child_id("a-0");
  EXPECT_EQ(ids(request).size(), 2u);
  request.set_status(v1::TASK_STATUS_COMPLETED);
  EXPECT_TRUE(ids(request).empty());

  // Pages of 3 over all 11, by due date: 3, 3, 3, 2, every task once, the last page says so.
  v1::ListTasksRequest paged;
  paged.set_authority_id("devon");
  paged.mutable_page()->set_page_size(3);
  std::vector<std::string> seen;
  std::vector<int> sizes;
  absl::Time last_due = absl::InfinitePast();
  for (int page = 0; page < 10; ++page) {
    v1::ListTasksResponse response;
    ASSERT_TRUE(List(paged, &response).ok());
    sizes.push_back(response.tasks_size());
    for (const auto& task : response.tasks()) {
      seen.push_back(task.task_id());
      EXPECT_GE(events::FromTimestamp(task.due_at()), last_due);
      last_due = events::FromTimestamp(task.due_at());
    }
    if (response.page().next_page_token().empty()) break;
    paged.mutable_page()->set_page_token(response.page().next_page_token());
  }
  EXPECT_EQ(sizes, (std::vector<int>{3, 3, 3, 2}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 11u);
  EXPECT_EQ(seen.size(), 11u);
  // With a filter too: team-b's three in pages of two.
  paged.clear_page();
  paged.mutable_page()->set_page_size(2);
  paged.set_team_id("team-b");
  v1::ListTasksResponse first;
  ASSERT_TRUE(List(paged, &first).ok());
  EXPECT_EQ(first.tasks_size(), 2);
  paged.mutable_page()->set_page_token(first.page().next_page_token());
  v1::ListTasksResponse second;
  ASSERT_TRUE(List(paged, &second).ok());
  EXPECT_EQ(second.tasks_size(), 1);
  EXPECT_TRUE(second.page().next_page_token().empty());

  // Bad arguments say what is wrong.
  v1::ListTasksResponse ignored;
  paged.mutable_page()->set_page_token("not-a-token");
  grpc::Status bad_token = List(paged, &ignored);
  EXPECT_EQ(bad_token.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_token.error_message().find("page_token"), std::string::npos);
  paged.clear_page();
  paged.set_status(static_cast<v1::TaskStatus>(42));
  EXPECT_EQ(List(paged, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  paged.set_status(v1::TASK_STATUS_UNSPECIFIED);
  paged.mutable_page()->set_page_size(-1);
  EXPECT_EQ(List(paged, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListTasksRequest other_authority;
  other_authority.set_authority_id("atlantis");
  EXPECT_EQ(List(other_authority, &ignored).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GrpcTest, ListTasksPagesOnFromTheLastTaskListedWhateverOpensMeanwhile) {
  // Six tasks of team-a due the same second (D8: two working days after the allocation), two
  // of team-b, one of a child allocated without a team: an unfiltered listing merges the
  // teams' indexes and the one of tasks without a team.
  std::set<std::string> before;
  for (int i = 0; i < 6; ++i) {
    before.insert(
        Allocate("a-" + std::to_string(i), "worker-1", "team-a", "2026-05-11T09:00:00Z").task_id());
  }
  for (int i = 0; i < 2; ++i) {
    before.insert(
        Allocate("b-" + std::to_string(i), "worker-2", "team-b", "2026-05-12T09:00:00Z").task_id());
  }
  const v1::OversightTask unteamed = Allocate("n-0", "worker-1", "", "2026-05-13T09:00:00Z");
  EXPECT_TRUE(unteamed.team_id().empty());
  before.insert(unteamed.task_id());

  v1::ListTasksRequest paged;
  paged.set_authority_id("devon");
  paged.mutable_page()->set_page_size(2);
  std::vector<v1::OversightTask> seen;
  for (int page = 0; page < 20; ++page) {
    v1::ListTasksResponse response;
    ASSERT_TRUE(List(paged, &response).ok());
    for (const auto& task : response.tasks())
      seen.push_back(task);
    if (page == 0) {
      // Tasks that sort before the cursor (due a day earlier) open between the first and
      // the second page: a page that counted positions would list two tasks again.
      for (int i = 0; i < 3; ++i) {
        Allocate("early-" + std::to_string(i), i == 0 ? "worker-2" : "worker-1",
                 i == 0 ? "team-b" : "team-a", "2026-05-08T09:00:00Z");
      }
    }
    if (response.page().next_page_token().empty()) break;
    paged.mutable_page()->set_page_token(response.page().next_page_token());
  }
  std::vector<std::string> ids;
  for (const auto& task : seen)
    ids.push_back(task.task_id());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), before);
  EXPECT_EQ(ids.size(), before.size());  // none twice
  for (size_t k = 1; k < seen.size(); ++k) {
    const auto previous = std::make_pair(seen[k - 1].due_at().seconds(), seen[k - 1].task_id());
    const auto next = std::make_pair(seen[k].due_at().seconds(), seen[k].task_id());
    EXPECT_LT(previous, next) << "by due time, then id";
  }
  // Listed from the start again, the three tasks opened meanwhile come first.
  paged.clear_page();
  paged.mutable_page()->set_page_size(3);
  v1::ListTasksResponse first;
  ASSERT_TRUE(List(paged, &first).ok());
  for (const auto& task : first.tasks())
    EXPECT_EQ(task.child_id().rfind("early-", 0), 0u) << task.child_id();
}

TEST_F(GrpcTest, OnlyTheOwnersLineManagerOrTheRolesMayReassignAndTheChangeIsPublished) {
  const v1::OversightTask task = Allocate("child-r", "worker-1", "team-a", "2026-05-11T09:00:00Z");
  ASSERT_EQ(task.owner_id(), "manager-1");
  v1::OversightTask result;
  EXPECT_EQ(Reassign("", task.task_id(), "manager-2", &result).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  for (const std::string& token : {Token("manager-1"), Token("manager-2"), Token("worker-1"),
                                   Token("tm", {"team_manager"}, "team-b")}) {
    grpc::Status denied = Reassign(token, task.task_id(), "manager-2", &result);
    EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(denied.error_message().find("line manager"), std::string::npos);
  }
  EXPECT_EQ(Reassign(Token("head-1"), task.task_id(), "nobody", &result).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reassign(Token("head-1"), "no-such-task", "manager-2", &result).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // manager-1's line manager moves it to manager-2.
  grpc::Status moved = Reassign(Token("head-1"), task.task_id(), "manager-2", &result);
  ASSERT_TRUE(moved.ok()) << moved.error_message();
  EXPECT_EQ(result.owner_id(), "manager-2");
  v1::ListTasksRequest by_owner;
  by_owner.set_authority_id("devon");
  by_owner.set_owner_id("manager-1");
  v1::ListTasksResponse listed;
  ASSERT_TRUE(List(by_owner, &listed).ok());
  EXPECT_EQ(listed.tasks_size(), 0);
  by_owner.set_owner_id("manager-2");
  ASSERT_TRUE(List(by_owner, &listed).ok());
  EXPECT_EQ(listed.tasks_size(), 1);
  // The same call again changes nothing and publishes nothing more.
  ASSERT_TRUE(Reassign(Token("head-1"), task.task_id(), "manager-2", &result).ok());
  // A team manager of the task's team, and an administrator, may too.
  ASSERT_TRUE(
      Reassign(Token("tm", {"team_manager"}, "team-a"), task.task_id(), "manager-1", &result).ok());
  ASSERT_TRUE(
      Reassign(Token("admin", {"oversight_admin"}), task.task_id(), "manager-2", &result).ok());

  // TaskReassigned events in the outbox, in order, one per change.
  auto entries =
      connection_->Command({"XRANGE", redis::OutboxKey("devon", kServiceName), "-", "+"});
  std::vector<std::string> owners;
  for (const auto& entry : entries->elements()) {
    auto record = redis::ParseOutboxEntry("outbox", entry);
    ASSERT_TRUE(record.ok());
    if (std::find(record->headers.begin(), record->headers.end(),
                  std::make_pair(std::string("ce_type"),
                                 std::string("oversight.triggers.v1.TaskReassigned"))) ==
        record->headers.end()) {
      continue;
    }
    v1::TaskReassigned reassigned;
    ASSERT_TRUE(reassigned.ParseFromString(record->value));
    owners.push_back(reassigned.previous_owner_id() + ">" + reassigned.owner_id());
  }
  EXPECT_EQ(owners, (std::vector<std::string>{"manager-1>manager-2", "manager-2>manager-1",
                                              "manager-1>manager-2"}));

  // GetTask shows the history: opened, then each reassignment with who did it and why.
  v1::GetTaskRequest get;
  get.set_authority_id("devon");
  get.set_task_id(task.task_id());
  v1::OversightTask got;
  ASSERT_TRUE(Call(&v1::OversightTriggersService::Stub::GetTask, Token("reader"), get, &got).ok());
  ASSERT_EQ(got.history_size(), 4);
  EXPECT_NE(got.history(0).note().find("opened (D8)"), std::string::npos);
  EXPECT_EQ(got.history(1).note(), "reassigned by head-1: covering leave");
  EXPECT_EQ(got.history(1).owner_id(), "manager-2");
  EXPECT_EQ(got.history(3).note(), "reassigned by admin: covering leave");

  // A completed task keeps its owner.
  Record(got, "2026-05-12T09:00:00Z");
  grpc::Status closed = Reassign(Token("head-1"), task.task_id(), "manager-1", &result);
  EXPECT_EQ(closed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(closed.error_message().find("only open tasks"), std::string::npos);
}

TEST_F(GrpcTest, TeamSummaryCountsOpenOverdueAndThisLondonMonthsCompletions) {
  // D8 tasks: allocated Mon 11 May 2026 -> due end of Wed 13 May (BST); Thu 28 May -> due end
  // of Mon 1 Jun (the weekend between).
  const auto early = Allocate("s-1", "worker-1", "team-a", "2026-05-11T09:00:00Z");
  const auto on_time = Allocate("s-2", "worker-1", "team-a", "2026-05-11T09:00:00Z");
  const auto late = Allocate("s-3", "worker-1", "team-a", "2026-05-11T09:00:00Z");
  Allocate("s-4", "worker-1", "team-a", "2026-05-28T09:00:00Z");
  Allocate("s-5", "worker-2", "team-b", "2026-05-11T09:00:00Z");
  ASSERT_EQ(events::FromTimestamp(early.due_at()), Utc("2026-05-13T22:59:59Z"));

  clock_.Set(Utc("2026-05-13T22:59:59Z"));  // the last second of the due day: not overdue
  v1::TeamSummary summary = Summary("team-a");
  EXPECT_EQ(summary.open(), 4);
  EXPECT_EQ(summary.overdue(), 0);
  clock_.Set(Utc("2026-05-14T08:00:00Z"));
  EXPECT_EQ(Summary("team-a").overdue(), 3);

  Record(on_time, "2026-05-13T16:00:00Z");  // held before the due time: on time
  Record(late, "2026-05-14T09:00:00Z");     // held the next morning: late
  // Held at 00:30 BST on 1 June (23:30Z on 31 May): June in London, not May.
  Record(early, "2026-05-31T23:30:00Z");
  clock_.Set(Utc("2026-05-31T12:00:00Z"));
  summary = Summary("team-a");
  EXPECT_EQ(summary.open(), 1);
  EXPECT_EQ(summary.overdue(), 0);
  EXPECT_EQ(summary.completed_on_time_this_month(), 1);
  EXPECT_EQ(summary.completed_late_this_month(), 1);
  EXPECT_EQ(Summary("team-b").open(), 1);

  clock_.Set(Utc("2026-06-02T08:00:00Z"));  // June: s-4 is overdue; one late completion in June
  summary = Summary("team-a");
  EXPECT_EQ(summary.overdue(), 1);
  EXPECT_EQ(summary.completed_on_time_this_month(), 0);
  EXPECT_EQ(summary.completed_late_this_month(), 1);

  v1::TeamSummaryRequest no_team;
  no_team.set_authority_id("devon");
  v1::TeamSummary ignored;
  EXPECT_EQ(
      Call(&v1::OversightTriggersService::Stub::GetTeamSummary, Token("reader"), no_team, &ignored)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

// Hostile calls (issue #10): IngestCaseEvent names nothing about the request to a caller
// without a valid token, refuses a token for another authority, and takes only what the
// case-events consumer would (a timestamp out of range, an unknown enum value, a payload over the
// consumer's 64 KiB are INVALID_ARGUMENT, not produced); a 1 MiB id is refused, not echoed.
TEST_F(GrpcTest, IngestCaseEventAuthenticatesFirstAndTakesOnlyWhatTheConsumerWould) {
  v1::IngestCaseEventRequest empty;
  v1::IngestCaseEventResponse response;
  grpc::Status status =
      Call(&v1::OversightTriggersService::Stub::IngestCaseEvent, "", empty, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();

  auto allocated =
      Meta<cases::v1::CaseAllocated>("lcs-ingest-1", "child-9", Utc("2026-05-11T07:00:00Z"));
  allocated.set_child_id("child-9");
  allocated.set_worker_id("worker-1");
  v1::IngestCaseEventRequest request;
  *request.mutable_event()->mutable_case_allocated() = allocated;
  runtime::TokenClaims claims{.subject = "lcs", .authority_id = "havering"};
  claims.issued_at = clock_.Now();
  const std::string havering = *runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, kSecret);
  status = Call(&v1::OversightTriggersService::Stub::IngestCaseEvent, havering, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();

  struct Case {
    const char* name;
    std::function<void(cases::v1::CaseAllocated&)> spoil;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"occurred in year 10000",
       [](auto& e) { e.mutable_meta()->mutable_occurred_at()->set_seconds(253402300800); },
       "event.case_allocated.meta.occurred_at: not a valid timestamp"},
      {"unknown case type",
       [](auto& e) { e.set_case_type(static_cast<common::v1::CaseType>(9999)); },
       "event.case_allocated.case_type: 9999 is not a oversight.common.v1.CaseType value"},
      {"a 1 MiB worker id", [](auto& e) { e.set_worker_id(std::string(1 << 20, 'w')); },
       "event.case_allocated.worker_id: at most 256 characters (got 1048576)"},
      {"over the consumer's 64 KiB",
       [](auto& e) { e.mutable_meta()->set_source(std::string(70000, 's')); },
       "(payload_too_large)"},
      {"subject another child", [](auto& e) { e.mutable_meta()->set_subject("child-8"); },
       "(contract_violation)"},
  };
  for (const Case& c : cases) {
    auto spoiled = allocated;
    c.spoil(spoiled);
    *request.mutable_event()->mutable_case_allocated() = spoiled;
    status = Call(&v1::OversightTriggersService::Stub::IngestCaseEvent, Token("lcs"), request,
                  &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_NE(status.error_message().find(c.message), std::string::npos)
        << c.name << ": " << status.error_message();
  }

  v1::GetTaskRequest get;
  get.set_authority_id("devon");
  get.set_task_id(std::string(1 << 20, 't'));
  v1::OversightTask task;
  status = Call(&v1::OversightTriggersService::Stub::GetTask, Token("reader"), get, &task);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "task_id: at most 256 characters (got 1048576)");
}

}  // namespace
}  // namespace oversight::triggers
