// Throughput of the outbox path against a real redis-server started for the benchmark run:
// state change + outbox append in one script, relaying with a publish that returns at once, and
// what a WATCH and a batch of guarded changes cost the server (INFO commandstats).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/outbox_relay.h"
#include "oversight/redis/testing/redis_server.h"

namespace oversight::redis {
namespace {

testing::RedisServer& Server() {
  static testing::RedisServer* server = [] {
    auto started = testing::RedisServer::Launch();
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start redis-server: %s\n", started.status().ToString().c_str());
      std::abort();
    }
    return started->release();
  }();
  return *server;
}

constexpr char kBody[] = R"lua(
redis.call('HSET', keys[1], 'state', 'open', 'owner', args[1])
ovs.emit('oversight.task-events.v1', keys[1], args[2], {'ce_type', 'oversight.task.opened'})
return 1
)lua";

void BM_OutboxScriptRun(benchmark::State& state) {
  Connection connection(Server().connection_options());
  OutboxScript script(kBody);
  const std::string payload(static_cast<size_t>(state.range(0)), 'x');
  int64_t i = 0;
  for (auto _ : state) {
    auto result = script.Run(connection, "la-bench", "bench", absl::StrCat("evt-", i),
                             {absl::StrCat("ovs:{la-bench}:task:", i % 1000)}, {"owner", payload});
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      break;
    }
    ++i;
  }
  connection.Command({"DEL", OutboxKey("la-bench", "bench")}).IgnoreError();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OutboxScriptRun)->Arg(64)->Arg(1024)->UseRealTime();

void BM_OutboxScriptDuplicate(benchmark::State& state) {
  Connection connection(Server().connection_options());
  OutboxScript script(kBody);
  (void)script.Run(connection, "la-bench", "bench", "evt-dup", {"ovs:{la-bench}:task:dup"},
                   {"owner", "x"});
  for (auto _ : state) {
    auto result = script.Run(connection, "la-bench", "bench", "evt-dup",
                             {"ovs:{la-bench}:task:dup"}, {"owner", "x"});
    if (!result.ok() || !result->duplicate) {
      state.SkipWithError("expected a duplicate");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OutboxScriptDuplicate)->UseRealTime();

void BM_RelayPass(benchmark::State& state) {
  Connection connection(Server().connection_options());
  const int batch = static_cast<int>(state.range(0));
  OutboxScript emit(
      R"lua(for i = 1, #args do ovs.emit('t', 'k', args[i], nil) end return #args)lua");
  std::vector<std::string> values(static_cast<size_t>(batch), std::string(256, 'v'));
  OutboxRelayOptions options;
  options.outbox_keys = {OutboxKey("la-relay", "bench")};
  options.batch_size = batch;
  options.owner_id = "bench";  // the benchmark library re-runs this function; keep one owner
  int64_t published = 0;
  OutboxRelay relay(Server().connection_options(), options, [&](const OutboxRecord&) {
    ++published;
    return absl::OkStatus();
  });
  for (auto _ : state) {
    state.PauseTiming();
    auto emitted = emit.Run(connection, "la-relay", "bench", "", {}, values);
    state.ResumeTiming();
    if (!emitted.ok()) {
      state.SkipWithError(emitted.status().ToString().c_str());
      break;
    }
    auto relayed = relay.RelayOnce();
    if (!relayed.ok() || *relayed != batch) {
      state.SkipWithError(relayed.ok() ? absl::StrCat("relayed ", *relayed).c_str()
                                       : relayed.status().ToString().c_str());
      break;
    }
  }
  relay.ReleaseLeases();
  state.SetItemsProcessed(published);
}
BENCHMARK(BM_RelayPass)->Arg(10)->Arg(100)->UseRealTime();

// Microseconds the server spent in `command` so far (INFO commandstats), or 0.
double ServerMicros(Connection& connection, const std::string& command) {
  auto stats = connection.Command({"INFO", "commandstats"});
  if (!stats.ok()) return 0;
  const std::string field = absl::StrCat("cmdstat_", command, ":calls=");
  const auto at = stats->str().find(field);
  if (at == std::string::npos) return 0;
  const auto usec = stats->str().find("usec=", at);
  return usec == std::string::npos ? 0 : std::atof(stats->str().c_str() + usec + 5);
}

// One WATCH of range(0) keys (then UNWATCH): Redis 7.0 checks each key against the client's
// already watched ones, so the server's time per WATCH grows with the square of its keys.
void BM_Watch(benchmark::State& state) {
  Connection connection(Server().connection_options());
  std::vector<std::string> watch = {"WATCH"};
  for (int64_t k = 0; k < state.range(0); ++k)
    watch.push_back(ProcessedKey("la-bench", "bench", absl::StrCat("event-", k * 7919)));
  const double before = ServerMicros(connection, "watch");
  for (auto _ : state) {
    if (!connection.Command(watch).ok() || !connection.Command({"UNWATCH"}).ok()) {
      state.SkipWithError("WATCH failed");
      break;
    }
  }
  state.counters["server_us_per_watch"] =
      (ServerMicros(connection, "watch") - before) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Watch)->Arg(25)->Arg(50)->Arg(100)->Arg(200)->Arg(400)->UseRealTime();

// ApplyAll of 512 changes as oversight-triggers sends a batch: each guarded by a child's
// version and bumping it, with a marker, a write and a record. server_us_per_change is the
// server's time in WATCH and EXEC (which counts the commands it runs) per change; the reads
// between them (EXISTS, HGET) are left out.
void BM_ApplyAllGuardedBatch(benchmark::State& state) {
  Connection connection(Server().connection_options());
  constexpr int kBatch = 512;
  int64_t round = 0;
  double server = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<ChangeSet> changes(kBatch);
    std::vector<ChangeSet::Application> applications;
    for (int i = 0; i < kBatch; ++i) {
      const std::string child = absl::StrCat("ovs:{la-bench}:child:", round, ":", i);
      changes[i]
          .ExpectField(child, "version", "")
          .Write(child, {"HSET", child, "version", "1"})
          .Write(absl::StrCat("ovs:{la-bench}:task:", round, ":", i),
                 {"SET", absl::StrCat("ovs:{la-bench}:task:", round, ":", i), "task"})
          .Emit("oversight.tasks.v1", child, "opened", {});
      applications.push_back(
          {&changes[i], "la-bench", "bench", absl::StrCat("evt-", round, "-", i)});
    }
    const double before = ServerMicros(connection, "exec") + ServerMicros(connection, "watch");
    state.ResumeTiming();
    for (const auto& result : ChangeSet::ApplyAll(connection, applications)) {
      if (!result.ok()) state.SkipWithError(result.status().ToString().c_str());
    }
    state.PauseTiming();
    server += ServerMicros(connection, "exec") + ServerMicros(connection, "watch") - before;
    connection.Command({"DEL", OutboxKey("la-bench", "bench")}).IgnoreError();
    ++round;
    state.ResumeTiming();
  }
  state.counters["server_us_per_change"] = server / static_cast<double>(round * kBatch);
  state.SetItemsProcessed(round * kBatch);
}
BENCHMARK(BM_ApplyAllGuardedBatch)->UseRealTime();

}  // namespace
}  // namespace oversight::redis
