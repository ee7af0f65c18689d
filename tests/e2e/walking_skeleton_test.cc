// End to end on the real Apache Kafka broker (ctest fixture kafka_real) and a real redis-server:
// the four services as processes, a case event in, an oversight task and a notification out.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "absl/strings/str_join.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/e2e/sample_events.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/admin.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/notifications/v1/notifications.grpc.pb.h"
#include "oversight/testing/wait_until.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::e2e {
namespace {

using kafka::testing::BrokerKind;

// Decoded TaskOpened events of a tasks topic, by task id.
std::map<std::string, triggers::v1::TaskOpened> OpenedTasks(
    const std::vector<kafka::ConsumedMessage>& records, int* duplicates = nullptr) {
  std::map<std::string, triggers::v1::TaskOpened> opened;
  for (const auto& record : records) {
    if (record.headers.Get("ce_type") !=
        std::optional<std::string_view>("oversight.triggers.v1.TaskOpened")) {
      continue;
    }
    triggers::v1::TaskOpened event;
    if (!event.ParseFromString(record.value)) continue;
    if (!opened.emplace(event.task().task_id(), event).second && duplicates != nullptr) {
      ++*duplicates;
    }
  }
  return opened;
}

int CountOpened(const std::vector<kafka::ConsumedMessage>& records) {
  int duplicates = 0;
  return static_cast<int>(OpenedTasks(records, &duplicates).size()) + duplicates;
}

class WalkingSkeletonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto system = System::Create(BrokerKind::kReal);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = *std::move(system);
  }
  std::unique_ptr<System> system_;
};

TEST_F(WalkingSkeletonTest, CaseAllocatedBecomesATaskAndANotificationForTheSupervisor) {
  for (const char* service : {kScheduling, kRecording, kTriggers, kNotifications}) {
    auto started = system_->StartService(service);
    ASSERT_TRUE(started.ok()) << service << ": " << started.status();
    EXPECT_EQ((*started)->Health(), "SERVING") << service;
  }

  // The services created their topics on the real broker with the admin API. (The broker's
  // metadata may list a topic created a moment ago only shortly after: poll briefly.)
  absl::StatusOr<std::vector<std::string>> topics;
  auto listed_all = [&] {
    topics = kafka::Admin::ListTopics(system_->broker().client_config());
    if (!topics.ok()) return false;
    for (const char* name :
         {"case_events", "workforce_events", "tasks", "notifications", "dead_letters"}) {
      if (std::find(topics->begin(), topics->end(), system_->Topic(name)) == topics->end()) {
        return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(testing::WaitUntil(listed_all, absl::Seconds(10), absl::Milliseconds(200)))
      << (topics.ok() ? absl::StrJoin(*topics, ", ") : topics.status().ToString());

  ASSERT_TRUE(
      system_->Publish("workforce_events", "worker-1", WorkerJoinedEvent("worker-1", "manager-1"))
          .ok());
  ASSERT_TRUE(system_
                  ->Publish("case_events", "child-1",
                            CaseAllocatedEvent("child-1", "worker-1", "lcs-alloc-1"), /*json=*/true)
                  .ok());

  // oversight-triggers opens the D8 allocation task (Devon) for the child.
  kafka::testing::TopicCollector tasks(system_->broker().client_config(), system_->Topic("tasks"));
  auto records =
      tasks.CollectUntil([](const auto& got) { return CountOpened(got) >= 1; }, absl::Seconds(60));
  ASSERT_TRUE(records.ok()) << records.status();
  auto opened = OpenedTasks(*records);
  ASSERT_EQ(opened.size(), 1u);
  const auto& task = opened.begin()->second.task();
  EXPECT_EQ(task.child_id(), "child-1");
  EXPECT_EQ(task.rule_id(), "D8");
  EXPECT_EQ(task.caused_by_event_id(), "lcs-alloc-1");

  // notifications turns it into an in-app notification for the supervisor (whether the
  // directory knew the supervisor when the task opened, or assigned it when it learnt it).
  auto stub =
      notifications::v1::NotificationsService::NewStub(system_->service(kNotifications)->Channel());
  // Scheduling's reminders (the worker's first supervision, agreement ...) reach manager-1 too:
  // look for the task's notification among them.
  notifications::v1::ListNotificationsResponse listed;
  const notifications::v1::Notification* about_task = nullptr;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline && about_task == nullptr) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + System::Token("manager-1"));
    notifications::v1::ListNotificationsRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    grpc::Status status = stub->ListNotifications(&context, request, &listed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& n : listed.notifications()) {
      if (n.item_id() == task.task_id()) about_task = &n;
    }
    if (about_task == nullptr) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_NE(about_task, nullptr) << "no notification about task " << task.task_id();
  // "opened" when triggers knew worker-1's supervisor as the task opened; "reassigned" when
  // the case event was handled before the join (two topics, no order between them) and the
  // ownerless task was given to manager-1 once the join arrived.
  EXPECT_THAT(about_task->stage(), ::testing::AnyOf("opened", "reassigned"));
  EXPECT_NE(about_task->subject().find("child-1"), std::string::npos);

  // Another person's notifications are refused; a call without a token too.
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + System::Token("worker-1"));
    notifications::v1::ListNotificationsRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    EXPECT_EQ(stub->ListNotifications(&context, request, &listed).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    notifications::v1::ListNotificationsRequest request;
    request.set_authority_id("devon");
    request.set_recipient_id("manager-1");
    EXPECT_EQ(stub->ListNotifications(&context, request, &listed).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }

  // Every service exposes Prometheus metrics, with RED metrics for the RPCs it served.
  for (const char* service : {kScheduling, kRecording, kTriggers, kNotifications}) {
    auto metrics = system_->service(service)->ScrapeMetrics();
    ASSERT_TRUE(metrics.ok()) << service << ": " << metrics.status();
    EXPECT_NE(metrics->find("# TYPE"), std::string::npos) << service;
  }
  auto notification_metrics = system_->service(kNotifications)->ScrapeMetrics();
  EXPECT_NE(notification_metrics->find("oversight_grpc_requests_total"), std::string::npos);
  EXPECT_NE(notification_metrics->find("oversight_events_consumed_total"), std::string::npos);
  // The domain counters: the D8 task counted once, the notification counted as sent in-app.
  // (Counted just after the change is applied, so poll briefly.)
  auto metric_shows = [&](const char* service, const std::string& line) {
    return testing::WaitUntil(
        [&] {
          auto text = system_->service(service)->ScrapeMetrics();
          return text.ok() && text->find(line) != std::string::npos;
        },
        absl::Seconds(10), absl::Milliseconds(100));
  };
  EXPECT_TRUE(metric_shows(kTriggers, "oversight_tasks_opened_total{rule_id=\"D8\"} 1\n"));
  EXPECT_TRUE(metric_shows(kNotifications,
                           "oversight_notifications_total{channel=\"in_app\",outcome=\"sent\"} "));

  // SIGTERM: every service drains and exits 0.
  for (const char* service : {kScheduling, kRecording, kTriggers, kNotifications}) {
    auto code = system_->service(service)->Terminate();
    ASSERT_TRUE(code.ok()) << service << ": " << code.status();
    EXPECT_EQ(*code, 0) << service << " log:\n" << system_->service(service)->ReadLog();
  }
}

TEST_F(WalkingSkeletonTest, MalformedCaseEventIsDeadLetteredAndTheNextOneProcessed) {
  ASSERT_TRUE(system_->StartService(kTriggers).ok());
  // One child key, so both records land on one partition in this order.
  ASSERT_TRUE(system_
                  ->PublishRaw("case_events", "child-7", "\xff\xff not protobuf",
                               {{"ce_specversion", "1.0"},
                                {"ce_id", "lcs-bad-1"},
                                {"ce_source", "lcs://devon"},
                                {"ce_type", "oversight.cases.v1.CaseAllocated"},
                                {"content-type", "application/protobuf"}})
                  .ok());
  ASSERT_TRUE(system_
                  ->Publish("case_events", "child-7",
                            CaseAllocatedEvent("child-7", "worker-1", "lcs-good-1"))
                  .ok());

  kafka::testing::TopicCollector dead(system_->broker().client_config(),
                                      system_->Topic("dead_letters"));
  auto letters = dead.CollectAtLeast(1, absl::Seconds(60));
  ASSERT_TRUE(letters.ok()) << letters.status();
  ASSERT_EQ(letters->size(), 1u);
  const auto& letter = (*letters)[0];
  EXPECT_EQ(letter.headers.Get("dlq_reason"),
            std::optional<std::string_view>("undecodable_payload"));
  EXPECT_EQ(letter.headers.Get("dlq_source_topic"),
            std::optional<std::string_view>(system_->Topic("case_events")));
  EXPECT_EQ(letter.headers.Get("ce_id"), std::optional<std::string_view>("lcs-bad-1"));
  EXPECT_EQ(letter.key, "child-7");

  kafka::testing::TopicCollector tasks(system_->broker().client_config(), system_->Topic("tasks"));
  auto records =
      tasks.CollectUntil([](const auto& got) { return CountOpened(got) >= 1; }, absl::Seconds(60));
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(OpenedTasks(*records).begin()->second.task().caused_by_event_id(), "lcs-good-1");

  auto metrics = system_->service(kTriggers)->ScrapeMetrics();
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->find("oversight_dead_letters_total"), std::string::npos);
  EXPECT_NE(metrics->find("undecodable_payload"), std::string::npos);
}

// SIGTERM in the middle of a stream: the service stops consuming, finishes what it holds and
// commits only what it applied; after a restart every event has its task, none twice.
TEST_F(WalkingSkeletonTest, SigtermMidStreamLosesAndDoublesNothing) {
  ASSERT_TRUE(system_->StartService(kTriggers).ok());
  constexpr int kEvents = 300;
  std::thread publisher([&] {
    for (int i = 0; i < kEvents; ++i) {
      const std::string child = "child-" + std::to_string(i);
      auto status = system_->Publish(
          "case_events", child,
          CaseAllocatedEvent(child, "worker-1", "lcs-stream-" + std::to_string(i)));
      if (!status.ok()) ADD_FAILURE() << status;
    }
  });

  kafka::testing::TopicCollector tasks(system_->broker().client_config(), system_->Topic("tasks"));
  // Let part of the stream through, then stop the service while events keep arriving.
  auto some =
      tasks.CollectUntil([](const auto& got) { return CountOpened(got) >= 50; }, absl::Seconds(60));
  ASSERT_TRUE(some.ok()) << some.status();
  auto code = system_->service(kTriggers)->Terminate();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << system_->service(kTriggers)->ReadLog();
  publisher.join();
  ASSERT_TRUE(system_->service(kTriggers)->Restart().ok());

  kafka::testing::TopicCollector all(system_->broker().client_config(), system_->Topic("tasks"));
  auto records = all.CollectUntil([](const auto& got) { return CountOpened(got) >= kEvents; },
                                  absl::Seconds(120));
  ASSERT_TRUE(records.ok()) << records.status();
  int duplicates = 0;
  auto opened = OpenedTasks(*records, &duplicates);
  std::set<std::string> children;
  for (const auto& [id, event] : opened)
    children.insert(event.task().child_id());
  EXPECT_EQ(children.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(duplicates, 0);
}

}  // namespace
}  // namespace oversight::e2e
