// Timers in a real redis-server: how much memory a pending timer takes, how many due stages per
// second FireDue claims into the outbox, and how many per second the oversight-scheduling
// binary fires AND publishes to a Kafka broker (the embedded one) through its outbox relay.
//
// N pending items (oversight tasks with four stages each) are planned through
// ItemStore::ToChange in batches. Then:
//   1. in process: the clock moves to an hour before their due instant and one FireDue pass
//      fires the "due" stage of each (into the outbox, which is then emptied unpublished);
//   2. the binary (manual clock, the same Redis, the embedded broker) is moved over
//      ClockControl past the due instant: its timer worker fires the "overdue" stage of every
//      item and its relay publishes them; timed until no timer is due and the outbox is empty.
//
//   OVERSIGHT_BENCH_TIMERS=1000000 ./oversight_scheduling_bench   (default 100000)
//   OVERSIGHT_BENCH_PUBLISH=0 skips step 2.
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "item_store.h"
#include "oversight/e2e/service_process.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/kafka/topics.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"

namespace oversight::scheduling {
namespace {

int64_t UsedMemory(redis::Connection& c) {
  auto info = c.Command({"INFO", "memory"});
  if (!info.ok()) return -1;
  const std::string& text = info->str();
  auto at = text.find("used_memory:");
  return at == std::string::npos ? -1 : std::atoll(text.c_str() + at + 12);
}

int64_t Integer(redis::Connection& c, std::vector<std::string> command) {
  auto reply = c.Command(std::move(command));
  return reply.ok() ? reply->integer() : -1;
}

// The machine's load averages, as `uptime` prints them.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  in >> one >> five >> fifteen;
  return absl::StrCat(one, " ", five, " ", fifteen);
}

absl::Status SetClock(e2e::ServiceProcess& service, absl::Time now, absl::Time valid_from) {
  auto stub = runtime::v1::ClockControl::NewStub(service.Channel());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + e2e::System::Token("bench", {}, valid_from,
                                                                      absl::Hours(24 * 365)));
  runtime::v1::SetTimeRequest request;
  events::ToTimestamp(now, request.mutable_now());
  runtime::v1::TimeResponse response;
  grpc::Status status = stub->SetTime(&context, request, &response);
  if (!status.ok()) return absl::UnavailableError("SetTime: " + status.error_message());
  return absl::OkStatus();
}

// Step 2: the binary fires the overdue stage of every item at `overdue` and publishes it.
void FireAndPublishWithTheBinary(benchmark::State& state, redis::testing::RedisServer& redis,
                                 redis::Connection& connection, int n, absl::Time clock_start,
                                 absl::Time overdue) {
  if (std::getenv("OVERSIGHT_BINARY_DIR") == nullptr) {
    setenv("OVERSIGHT_BINARY_DIR", OVERSIGHT_BENCH_BINARY_DIR, 0);
  }
  auto broker = kafka::testing::TestBroker::Start(kafka::testing::BrokerKind::kEmbedded);
  if (!broker.ok()) {
    state.SkipWithError(broker.status().ToString().c_str());
    return;
  }
  e2e::ServiceSpec spec;
  spec.name = "oversight-scheduling";
  spec.binary = e2e::ServiceBinary("scheduling", "oversight-scheduling");
  spec.env = {
      {"OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS", (*broker)->bootstrap()},
      {"OVERSIGHT_KAFKA_GROUP_ID", "timers-bench"},
      {"OVERSIGHT_REDIS_HOST", "127.0.0.1"},
      {"OVERSIGHT_REDIS_PORT", std::to_string(redis.Port())},
      {"OVERSIGHT_GRPC_PORT", "0"},
      {"OVERSIGHT_METRICS_PORT", "0"},
      {"OVERSIGHT_GRPC_BIND_ADDRESS", "127.0.0.1"},
      {"OVERSIGHT_METRICS_BIND_ADDRESS", "127.0.0.1"},
      {"OVERSIGHT_AUTH_JWT_SECRET", e2e::kTestJwtSecret},
      {"OVERSIGHT_LOG_LEVEL", "warn"},
      {"OVERSIGHT_CLOCK_MODE", "manual"},
      {"OVERSIGHT_CLOCK_START",
       absl::FormatTime(absl::RFC3339_sec, clock_start, absl::UTCTimeZone())},
      {"OVERSIGHT_SCHEDULING_TIMER_INTERVAL", "10ms"},
      {"OVERSIGHT_POLICY_AUTHORITIES", "devon"},
  };
  // Relay settings to try (the defaults are what ships).
  for (const char* key : {"OVERSIGHT_OUTBOX_BATCH_SIZE", "OVERSIGHT_OUTBOX_POLL_INTERVAL"}) {
    if (const char* value = std::getenv(key)) spec.env[key] = value;
  }
  auto service = e2e::ServiceProcess::Start(spec);
  if (!service.ok()) {
    state.SkipWithError(service.status().ToString().c_str());
    return;
  }
  const std::string timers = TimersKey("devon");
  const std::string outbox = redis::OutboxKey("devon", kServiceName);
  const std::string seconds = std::to_string(absl::ToUnixSeconds(overdue));
  const absl::Time t0 = absl::Now();
  if (auto s = SetClock(**service, overdue, clock_start); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  absl::Time fired_at = absl::InfiniteFuture();
  const absl::Time deadline = t0 + absl::Minutes(30);
  int64_t due = -1, pending = -1;
  while (absl::Now() < deadline) {
    due = Integer(connection, {"ZCOUNT", timers, "-inf", seconds});
    pending = Integer(connection, {"XLEN", outbox});
    if (due == 0 && fired_at == absl::InfiniteFuture()) fired_at = absl::Now();
    if (due == 0 && pending == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const absl::Time done = absl::Now();
  const double fired_seconds = absl::ToDoubleSeconds(std::min(fired_at, done) - t0);
  const double total_seconds = absl::ToDoubleSeconds(done - t0);
  const double published =
      static_cast<double>(n) - static_cast<double>(std::max<int64_t>(0, pending));
  state.counters["binary_fired_per_second"] = (n - std::max<int64_t>(0, due)) / fired_seconds;
  state.counters["binary_fired_and_published_per_second"] = published / total_seconds;
  state.counters["binary_published"] = published;
  if (due != 0 || pending != 0) {
    state.SkipWithError(
        absl::StrCat("not done after 30 min: ", due, " due, ", pending, " unpublished").c_str());
  }
  (void)(*service)->Terminate();
}

void BM_PendingTimersAndFireRate(benchmark::State& state) {
  const char* env = std::getenv("OVERSIGHT_BENCH_TIMERS");
  const int n = env != nullptr ? std::atoi(env) : 100000;
  const char* publish = std::getenv("OVERSIGHT_BENCH_PUBLISH");
  auto server =
      redis::testing::RedisServer::Launch({.extra_args = {"--appendonly", "no", "--save", ""}});
  if (!server.ok()) {
    state.SkipWithError(server.status().ToString().c_str());
    return;
  }
  auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                       policy::DefaultCalendarPath(), {"devon"});
  auto connection = redis::Connection::Connect((*server)->connection_options());
  if (!registry.ok() || !connection.ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  const authorities::Authority& devon = *(*registry)->Find("devon");
  ItemStore store(**connection, std::string(kafka::kScheduleEventsTopic));
  const absl::Time planned_at = absl::FromUnixSeconds(1740000000);  // 19 Feb 2025
  const absl::Time due = planned_at + absl::Hours(24 * 20);
  const int64_t before = UsedMemory(**connection);
  constexpr int kBatch = 500;
  for (int start = 0; start < n; start += kBatch) {
    Changes changes;
    for (int i = start; i < std::min(n, start + kBatch); ++i) {
      TaskRecord task;
      task.task_id = absl::StrCat("task-", i);
      task.child_id = absl::StrCat("child-", i);
      task.owner_id = "manager-1";
      task.rule_id = "D14.4";
      task.due_at = due;
      class NoDirectory : public Directory {
        std::string SupervisorOf(const std::string&) const override { return ""; }
      } none;
      for (auto& p : PlanTask("devon", task, none))
        changes.upserts.push_back(std::move(p));
    }
    common::v1::EventMeta cause;
    cause.set_event_id(absl::StrCat("batch-", start));
    auto change = store.ToChange("devon", devon, {}, {}, {}, changes, cause, planned_at);
    if (!change.ok() || !change->Apply(**connection, "devon", kServiceName, "").ok()) {
      state.SkipWithError("planning failed");
      return;
    }
  }
  const int64_t after = UsedMemory(**connection);
  state.counters["pending_timers"] = static_cast<double>(n);
  state.counters["bytes_per_timer"] = static_cast<double>(after - before) / n;

  for (auto _ : state) {
    const absl::Time t0 = absl::Now();
    auto fired = store.FireDue("devon", due - absl::Hours(1), 1000);  // the "due" stage
    const double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
    if (!fired.ok()) {
      state.SkipWithError(fired.status().ToString().c_str());
      return;
    }
    state.counters["fired"] = *fired;
    state.counters["fired_per_second"] = *fired / seconds;
  }
  state.counters["outbox_records"] =
      static_cast<double>(Integer(**connection, {"XLEN", redis::OutboxKey("devon", kServiceName)}));
  // Step 1's records are not published: empty the stream (it stays, so the relay finds it).
  (void)(*connection)->Command({"XTRIM", redis::OutboxKey("devon", kServiceName), "MAXLEN", "0"});
  if (publish == nullptr || std::string(publish) != "0") {
    FireAndPublishWithTheBinary(state, **server, **connection, n, due - absl::Hours(1),
                                due + absl::Seconds(2));
  }
  state.SetLabel("load average " + LoadAverage());
}
BENCHMARK(BM_PendingTimersAndFireRate)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace oversight::scheduling
