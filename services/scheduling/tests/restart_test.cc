// The oversight-scheduling binary as a process (real redis-server, the embedded Kafka broker, a
// manual clock moved over gRPC): killed with SIGKILL while timers are pending and due, then
// restarted; every stage of every timer is published under exactly one event id, none missing.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::e2e {
namespace {

constexpr int kWorkers = 20;
constexpr char kPs[] = "personal_supervision:";

absl::Time Utc(int y, int m, int d, int h = 12) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, 0, 0), absl::UTCTimeZone());
}

// Distinct event ids per (item id, ce_type) among the schedule events collected.
using Seen = std::map<std::pair<std::string, std::string>, std::set<std::string>>;

Seen Index(const std::vector<kafka::ConsumedMessage>& records) {
  Seen seen;
  for (const auto& record : records) {
    const std::string type(record.headers.Get("ce_type").value_or(""));
    scheduling::v1::ItemDue any;  // every stage event has meta = 1 and item = 2
    if (!any.ParseFromString(record.value)) continue;
    seen[{any.item().item_id(), type}].insert(any.meta().event_id());
  }
  return seen;
}

int Count(const Seen& seen, const std::string& type) {
  int n = 0;
  for (const auto& [key, ids] : seen)
    if (key.first.starts_with(kPs) && key.second == type) ++n;
  return n;
}

void SetTime(ServiceProcess& service, absl::Time now) {
  auto stub = runtime::v1::ClockControl::NewStub(service.Channel());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + System::Token("test"));
  runtime::v1::SetTimeRequest request;
  events::ToTimestamp(now, request.mutable_now());
  runtime::v1::TimeResponse response;
  grpc::Status status = stub->SetTime(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST(SchedulingRestartTest, SigkillWithTimersPendingAndDueFiresEachStageExactlyOnce) {
  auto system = System::Create(kafka::testing::BrokerKind::kEmbedded);
  ASSERT_TRUE(system.ok()) << system.status();
  const std::map<std::string, std::string> env = {
      {"OVERSIGHT_CLOCK_MODE", "manual"},
      {"OVERSIGHT_CLOCK_START", "2025-01-06T12:00:00Z"},
      {"OVERSIGHT_SCHEDULING_TIMER_INTERVAL", "20ms"},
      {"OVERSIGHT_POLICY_AUTHORITIES", "devon"},
  };
  auto started = (*system)->StartService(kScheduling, env);
  ASSERT_TRUE(started.ok()) << started.status();
  ServiceProcess* service = *started;

  // Workers join on Mon 6 Jan 2025 (D2: induction weekly, personal supervision due 13 Jan; the
  // reminder 5 working days before, 6 Jan, has begun, so it fires at once).
  for (int i = 0; i < kWorkers; ++i) {
    workforce::v1::WorkerJoined e;
    const std::string id = "worker-" + std::to_string(i);
    e.mutable_meta()->set_event_id("hr-join-" + id);
    e.mutable_meta()->set_authority_id("devon");
    events::ToTimestamp(Utc(2025, 1, 6), e.mutable_meta()->mutable_occurred_at());
    e.set_worker_id(id);
    e.set_supervisor_id("manager-1");
    e.set_team_id("team-a");
    e.mutable_start_date()->set_year(2025);
    e.mutable_start_date()->set_month(1);
    e.mutable_start_date()->set_day(6);
    ASSERT_TRUE((*system)->Publish("workforce_events", id, e).ok());
  }
  kafka::testing::TopicCollector schedule((*system)->broker().client_config(),
                                          (*system)->Topic("schedule_events"));
  auto soon = schedule.CollectUntil(
      [](const auto& got) {
        return Count(Index(got), "oversight.scheduling.v1.ItemDueSoon") == kWorkers;
      },
      absl::Seconds(60));
  ASSERT_TRUE(soon.ok()) << soon.status();

  // Move to the start of 13 Jan (due) and kill the service at once: some timers fire before
  // the kill, some are due but not fired, the later stages are pending.
  SetTime(*service, Utc(2025, 1, 13, 0) + absl::Seconds(1));
  service->Crash();

  // Restart (the manual clock starts again on 6 Jan) and move past the escalation step
  // (overdue by 5 working days: the end of Mon 20 Jan) while the service was "down".
  ASSERT_TRUE(service->Restart().ok()) << service->ReadLog();
  SetTime(*service, Utc(2025, 1, 21, 12));
  auto all = schedule.CollectUntil(
      [](const auto& got) {
        return Count(Index(got), "oversight.scheduling.v1.ItemEscalated") == kWorkers;
      },
      absl::Seconds(60));
  ASSERT_TRUE(all.ok()) << all.status() << "\n" << service->ReadLog();

  // Every stage of every personal-supervision item: at most one event id each. "Due" fired
  // for the items claimed before the kill; for the others the restart skipped straight to the
  // latest stage passed (escalated), once.
  const Seen seen = Index(*all);
  for (int i = 0; i < kWorkers; ++i) {
    const std::string item = kPs + std::string("worker-") + std::to_string(i);
    for (const char* type :
         {"oversight.scheduling.v1.ItemDueSoon", "oversight.scheduling.v1.ItemEscalated"}) {
      auto it = seen.find({item, type});
      ASSERT_NE(it, seen.end()) << item << " " << type;
      EXPECT_EQ(it->second.size(), 1u) << item << " " << type;
    }
    for (const char* type :
         {"oversight.scheduling.v1.ItemDue", "oversight.scheduling.v1.ItemOverdue"}) {
      auto it = seen.find({item, type});
      if (it != seen.end()) {
        EXPECT_EQ(it->second.size(), 1u) << item << " " << type;
      }
    }
  }
}

}  // namespace
}  // namespace oversight::e2e
