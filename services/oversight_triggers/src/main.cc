// oversight-triggers: case events in, the management oversight each child needs out.
#include <prometheus/counter.h>

#include "event_handlers.h"
#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/runtime/service_host.h"
#include "task_completion.h"
#include "task_store.h"
#include "triggers_grpc.h"

int main(int argc, char** argv) {
  using namespace oversight;
  runtime::ServiceHost host(triggers::kServiceName, argc, argv);
  pipeline::EventPipeline events(host, triggers::kServiceName);
  triggers::ConsumedTopics topics{
      .case_events = events.Topic("case_events", kafka::kCaseEventsTopic),
      .workforce_events = events.Topic("workforce_events", kafka::kWorkforceEventsTopic),
      .supervision_events = events.Topic("supervision_events", kafka::kSupervisionEventsTopic),
      .schedule_events = events.Topic("schedule_events", kafka::kScheduleEventsTopic),
  };
  const std::string tasks = events.Topic("tasks", kafka::kTasksTopic);
  triggers::HandlerOptions options;
  options.decide.repeat =
      host.config().GetEnum("triggers.repeat", "link", {"link", "open_another"}) == "link"
          ? triggers::RepeatPolicy::kLinkToOpenTask
          : triggers::RepeatPolicy::kOpenAnother;
  options.limits.max_payload_bytes = static_cast<size_t>(
      host.config().GetInt("triggers.max_payload_bytes", 64 * 1024, 1024, 1024 * 1024));
  auto authorities = authorities::LoadFromConfig(host.config());
  if (auto started = events.Start(); !started.ok()) return pipeline::StartupFailure(host, started);
  if (!authorities.ok()) return pipeline::StartupFailure(host, authorities.status());

  // Every trigger rule of the served packs, and every completion outcome, is listed from the
  // start (at 0), so dashboards and alerts see the series before the first event.
  auto& tasks_opened = prometheus::BuildCounter()
                           .Name("oversight_tasks_opened_total")
                           .Help("Oversight tasks opened, by the RULES.md id of their trigger")
                           .Register(host.metrics_registry());
  for (const auto& id : (*authorities)->Ids()) {
    for (const auto& trigger : (*authorities)->Find(id)->pack.triggers) {
      tasks_opened.Add({{"rule_id", trigger.rule_id}});
    }
  }
  auto& oversight_records =
      prometheus::BuildCounter()
          .Name("oversight_oversight_records_total")
          .Help("Oversight records received, by what they did to the task they name")
          .Register(host.metrics_registry());
  for (auto outcome :
       {triggers::CompletionOutcome::kCompleted, triggers::CompletionOutcome::kAlreadyCompleted,
        triggers::CompletionOutcome::kTaskClosed, triggers::CompletionOutcome::kUnknownTask,
        triggers::CompletionOutcome::kNoTask, triggers::CompletionOutcome::kChildMismatch}) {
    oversight_records.Add({{"outcome", std::string(triggers::CompletionOutcomeName(outcome))}});
  }

  events.ConsumeBatches("events",
                        {topics.case_events, topics.workforce_events, topics.supervision_events,
                         topics.schedule_events},
                        [&](redis::Connection& connection) {
                          auto store = std::make_shared<triggers::TaskStore>(connection, tasks);
                          auto handlers = std::make_shared<triggers::EventHandlers>(
                              **authorities, *store, host.clock(), topics, options);
                          handlers->set_metrics({&tasks_opened, &oversight_records});
                          return
                              [store, handlers](const std::vector<kafka::ConsumedMessage>& batch) {
                                return handlers->HandleBatch(batch);
                              };
                        });
  events.RelayOutbox((*authorities)->Ids());
  triggers::TriggersGrpcService api(**authorities, events.redis_pool(), events.producer(),
                                    host.authenticator(), host.clock(), topics.case_events, tasks);
  host.AddGrpcService(&api);
  return host.Run();
}
