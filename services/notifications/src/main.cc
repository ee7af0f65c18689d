// notifications: the right reminder to the right person.
#include "delivery_worker.h"
#include "event_handler.h"
#include "notification_store.h"
#include "notifications_grpc.h"
#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/runtime/service_host.h"
#include "probe.h"
#include "settings.h"
#include "smtp_sender.h"
#include "webhook_sender.h"

int main(int argc, char** argv) {
  using namespace oversight;
  using namespace oversight::notifications;
  runtime::ServiceHost host(kServiceName, argc, argv);
  pipeline::EventPipeline events(host, kServiceName);
  const std::string workforce = events.Topic("workforce_events", kafka::kWorkforceEventsTopic);
  const std::string tasks = events.Topic("tasks", kafka::kTasksTopic);
  const std::string schedule = events.Topic("schedule_events", kafka::kScheduleEventsTopic);
  const std::string sent = events.Topic("notifications", kafka::kNotificationsTopic);
  const Settings settings = ReadSettings(host.config());
  auto authorities = authorities::LoadFromConfig(host.config());
  if (auto started = events.Start(); !started.ok()) return pipeline::StartupFailure(host, started);
  if (!authorities.ok()) return pipeline::StartupFailure(host, authorities.status());
  const auto& registry = **authorities;
  NotificationsProbe probe(host.metrics_registry());

  // Workforce events fill the directory; task and schedule events become notifications, up to
  // kafka.max_batch records at a time (EventHandler::HandleBatch).
  events.ConsumeBatches("events", {workforce, tasks, schedule}, [&](redis::Connection& connection) {
    auto store = std::make_shared<NotificationStore>(connection, sent, settings.defaults);
    auto handler = std::make_shared<EventHandler>(
        registry, *store, connection, host.clock(),
        HandlerSettings{settings.render, settings.sending, settings.offered()});
    handler->set_probe(&probe);
    return [store, handler](const std::vector<kafka::ConsumedMessage>& batch) {
      return handler->HandleBatch(batch);
    };
  });
  events.RelayOutbox(registry.Ids());

  // One worker per pushing channel, so a slow mail server never delays webhooks.
  auto deliver = [&](const std::string& name, auto make_sender) {
    host.AddWorker(name, [&, name, make_sender](std::stop_token stop) {
      redis::Connection connection(events.redis_options());
      auto sender = make_sender();
      DeliveryWorker worker(registry, connection, *sender, host.clock(), sent, settings.delivery,
                            &probe, &host.logger());
      RunEvery(
          stop, settings.poll_interval, name, [&] { return worker.RunOnce().status(); },
          &host.logger());
    });
  };
  if (settings.smtp)
    deliver("email-delivery", [&] { return std::make_unique<SmtpSender>(*settings.smtp); });
  if (settings.webhook) {
    deliver("webhook-delivery", [&] { return std::make_unique<WebhookSender>(*settings.webhook); });
  }
  host.AddWorker("digests", [&](std::stop_token stop) {
    redis::Connection connection(events.redis_options());
    DigestWorker worker(registry, connection, host.clock(), sent, settings.defaults,
                        settings.offered(), settings.render, settings.delivery, &probe,
                        &host.logger());
    RunEvery(
        stop, settings.poll_interval, "digests", [&] { return worker.RunOnce().status(); },
        &host.logger());
  });

  NotificationsGrpcService api(registry, events.redis_pool(), host.authenticator(), host.clock(),
                               sent, settings.defaults, settings.stream_poll_interval);
  host.AddGrpcService(&api);
  return host.Run();
}
