// Throughput of the outbox path against a real redis-server started for the benchmark run:
// state change + outbox append in one script, and relaying with a publish that returns at once.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
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

}  // namespace
}  // namespace oversight::redis
