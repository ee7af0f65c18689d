// oversight-triggers: case events in, the management oversight each child needs out.
#include <prometheus/counter.h>

#include "event_handlers.h"
#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/runtime/service_host.h"
#include "task_store.h"
#include "triggers_grpc.h"

int main(int argc, char** argv) {
  using namespace oversight;
  runtime::ServiceHost host(triggers::kServiceName, argc, argv);
  pipeline::EventPipeline events(host, triggers::kServiceName);
  const std::string case_events = events.Topic("case_events", kafka::kCaseEventsTopic);
  const std::string workforce = events.Topic("workforce_events", kafka::kWorkforceEventsTopic);
  const std::string tasks = events.Topic("tasks", kafka::kTasksTopic);
  const triggers::DecideOptions options{
      host.config().GetEnum("triggers.repeat", "link", {"link", "open_another"}) == "link"
          ? triggers::RepeatPolicy::kLinkToOpenTask
          : triggers::RepeatPolicy::kOpenAnother};
  auto authorities = authorities::LoadFromConfig(host.config());
  if (auto started = events.Start(); !started.ok()) return pipeline::StartupFailure(host, started);
  if (!authorities.ok()) return pipeline::StartupFailure(host, authorities.status());

  // Every trigger rule of the served packs is listed from the start (at 0), so dashboards and
  // alerts see the series before the first task.
  auto& tasks_opened = prometheus::BuildCounter()
                           .Name("oversight_tasks_opened_total")
                           .Help("Oversight tasks opened, by the RULES.md id of their trigger")
                           .Register(host.metrics_registry());
  for (const auto& id : (*authorities)->Ids()) {
    for (const auto& trigger : (*authorities)->Find(id)->pack.triggers) {
      tasks_opened.Add({{"rule_id", trigger.rule_id}});
    }
  }

  events.Consume(
      "case-and-workforce-events", {case_events, workforce}, [&](redis::Connection& connection) {
        auto store = std::make_shared<triggers::TaskStore>(connection, tasks);
        auto handlers =
            std::make_shared<triggers::EventHandlers>(**authorities, *store, host.clock(), options);
        handlers->set_tasks_opened(&tasks_opened);
        return [store, handlers](const kafka::ConsumedMessage& record) {
          return handlers->Handle(record);
        };
      });
  events.RelayOutbox();
  triggers::TriggersGrpcService api(**authorities, events.redis_pool(), events.producer(),
                                    host.authenticator(), case_events, tasks);
  host.AddGrpcService(&api);
  return host.Run();
}
