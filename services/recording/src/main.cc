// oversight-recording: supervision and oversight records in, supervision and audit events out.
#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/runtime/service_host.h"
#include "record_store.h"
#include "recording_grpc.h"
#include "supervision_events.h"
#include "workforce_handler.h"

int main(int argc, char** argv) {
  using namespace oversight;
  runtime::ServiceHost host(recording::kServiceName, argc, argv);
  pipeline::EventPipeline events(host, recording::kServiceName);
  const std::string workforce = events.Topic("workforce_events", kafka::kWorkforceEventsTopic);
  const std::string supervision =
      events.Topic("supervision_events", kafka::kSupervisionEventsTopic);
  const std::string audit = events.Topic("audit", kafka::kAuditTopic);
  const std::string records = events.Topic("records", recording::kRecordsTopic);
  auto authorities = authorities::LoadFromConfig(host.config());
  if (auto started = events.Start(); !started.ok()) return pipeline::StartupFailure(host, started);
  if (!authorities.ok()) return pipeline::StartupFailure(host, authorities.status());

  events.Consume("workforce-events", {workforce}, [&](redis::Connection& connection) {
    auto store = std::make_shared<recording::RecordStore>(connection, supervision, audit, records);
    auto handler = std::make_shared<recording::WorkforceHandler>(**authorities, *store);
    return
        [store, handler](const kafka::ConsumedMessage& record) { return handler->Handle(record); };
  });
  events.RelayOutbox();
  recording::RecordingGrpcService api(**authorities, events.redis_pool(), host.authenticator(),
                                      host.clock(), supervision, audit, records);
  host.AddGrpcService(&api);
  return host.Run();
}
