// Timers in a real redis-server: how much memory a pending timer takes and how many due stages
// per second FireDue claims and publishes into the outbox. N pending items (oversight tasks with
// four stages each) are planned through ItemStore::ToChange in batches; then the clock moves to
// their due instant and FireDue fires one stage of each.
//   OVERSIGHT_BENCH_TIMERS=1000000 ./oversight_scheduling_bench   (default 100000)
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "item_store.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/topics.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/testing/redis_server.h"

namespace oversight::scheduling {
namespace {

int64_t UsedMemory(redis::Connection& c) {
  auto info = c.Command({"INFO", "memory"});
  if (!info.ok()) return -1;
  const std::string& text = info->str();
  auto at = text.find("used_memory:");
  return at == std::string::npos ? -1 : std::atoll(text.c_str() + at + 12);
}

void BM_PendingTimersAndFireRate(benchmark::State& state) {
  const char* env = std::getenv("OVERSIGHT_BENCH_TIMERS");
  const int n = env != nullptr ? std::atoi(env) : 100000;
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
  auto outbox = (*connection)->Command({"XLEN", redis::OutboxKey("devon", kServiceName)});
  state.counters["outbox_records"] = static_cast<double>(outbox.ok() ? outbox->integer() : -1);
}
BENCHMARK(BM_PendingTimersAndFireRate)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace oversight::scheduling
