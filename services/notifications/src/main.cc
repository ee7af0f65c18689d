// notifications: the right reminder to the right person.
#include <prometheus/counter.h>

#include "event_handler.h"
#include "notification_store.h"
#include "notifications_grpc.h"
#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/runtime/service_host.h"

int main(int argc, char** argv) {
  using namespace oversight;
  runtime::ServiceHost host(notifications::kServiceName, argc, argv);
  pipeline::EventPipeline events(host, notifications::kServiceName);
  const std::string tasks = events.Topic("tasks", kafka::kTasksTopic);
  const std::string schedule = events.Topic("schedule_events", kafka::kScheduleEventsTopic);
  const std::string sent = events.Topic("notifications", kafka::kNotificationsTopic);
  auto authorities = authorities::LoadFromConfig(host.config());
  if (auto started = events.Start(); !started.ok()) return pipeline::StartupFailure(host, started);
  if (!authorities.ok()) return pipeline::StartupFailure(host, authorities.status());

  auto& notifications_total = prometheus::BuildCounter()
                                  .Name("oversight_notifications_total")
                                  .Help("Notifications by channel and outcome")
                                  .Register(host.metrics_registry());
  notifications_total.Add({{"channel", "in_app"}, {"outcome", "sent"}});
  notifications_total.Add({{"channel", "in_app"}, {"outcome", "failed"}});

  events.Consume("task-and-schedule-events", {tasks, schedule}, [&](redis::Connection& connection) {
    auto store = std::make_shared<notifications::NotificationStore>(connection, sent);
    auto handler = std::make_shared<notifications::EventHandler>(**authorities, *store, connection,
                                                                 host.clock());
    handler->set_notifications(&notifications_total);
    return
        [store, handler](const kafka::ConsumedMessage& record) { return handler->Handle(record); };
  });
  events.RelayOutbox();
  notifications::NotificationsGrpcService api(**authorities, events.redis_pool(),
                                              host.authenticator(), host.clock(), sent);
  host.AddGrpcService(&api);
  return host.Run();
}
