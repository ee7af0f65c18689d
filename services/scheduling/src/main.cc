// scheduling: workforce, case, supervision and task events in; due items, durable timers and
// schedule events out.
#include "event_handlers.h"
#include "item_store.h"
#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/runtime/service_host.h"
#include "scheduler.h"
#include "scheduling_grpc.h"
#include "timer_worker.h"

int main(int argc, char** argv) {
  using namespace oversight;
  runtime::ServiceHost host(scheduling::kServiceName, argc, argv);
  pipeline::EventPipeline events(host, scheduling::kServiceName);
  const std::string workforce = events.Topic("workforce_events", kafka::kWorkforceEventsTopic);
  const std::string case_events = events.Topic("case_events", kafka::kCaseEventsTopic);
  const std::string supervision =
      events.Topic("supervision_events", kafka::kSupervisionEventsTopic);
  const std::string tasks = events.Topic("tasks", kafka::kTasksTopic);
  const std::string schedule = events.Topic("schedule_events", kafka::kScheduleEventsTopic);
  const absl::Duration tick = host.config().GetDuration("scheduling.timer_interval",
                                                        absl::Seconds(1), absl::Milliseconds(10));
  const absl::Duration history =
      host.config().GetDuration("scheduling.compliance_history",
                                scheduling::ItemStore::kDefaultHistoryHorizon, absl::Hours(24));
  auto authorities = authorities::LoadFromConfig(host.config());
  if (auto started = events.Start(); !started.ok()) return pipeline::StartupFailure(host, started);
  if (!authorities.ok()) return pipeline::StartupFailure(host, authorities.status());
  scheduling::SchedulingProbe probe(host.metrics_registry(), (*authorities)->Ids());

  events.ConsumeBatches(
      "scheduling-events", {workforce, case_events, supervision, tasks},
      [&](redis::Connection& connection) {
        auto store = std::make_shared<scheduling::ItemStore>(connection, schedule, history);
        auto scheduler =
            std::make_shared<scheduling::Scheduler>(**authorities, *store, host.clock());
        auto handlers = std::make_shared<scheduling::EventHandlers>(**authorities, *scheduler);
        return [store, scheduler, handlers](const std::vector<kafka::ConsumedMessage>& batch) {
          return handlers->HandleBatch(batch);
        };
      });
  events.RelayOutbox((*authorities)->Ids());
  host.AddWorker("timers", [&](std::stop_token stop) {
    auto lease = events.redis_pool().Acquire();
    scheduling::ItemStore store(*lease, schedule, history);
    scheduling::Scheduler scheduler(**authorities, store, host.clock(), &probe);
    scheduling::RunTimers(stop, scheduler, tick, &host.logger());
  });
  scheduling::SchedulingGrpcService api(**authorities, events.redis_pool(), host.authenticator(),
                                        host.clock(), schedule);
  host.AddGrpcService(&api);
  return host.Run();
}
