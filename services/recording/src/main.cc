// oversight-recording: supervision and oversight records in, supervision and audit events out.
// `oversight-recording rebuild ...` restores the Redis from Kafka instead (rebuild_command.h).
#include <string_view>

#include "inbound_handler.h"
#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/runtime/service_host.h"
#include "rebuild_command.h"
#include "record_store.h"
#include "recording_grpc.h"
#include "records_topic.h"
#include "supervision_events.h"

int main(int argc, char** argv) {
  using namespace oversight;
  if (argc > 1 && std::string_view(argv[1]) == "rebuild") {
    return recording::RunRebuildCommand(argc - 1, argv + 1);
  }
  runtime::ServiceHost host(recording::kServiceName, argc, argv);
  pipeline::EventPipeline events(host, recording::kServiceName);
  const std::string workforce = events.Topic("workforce_events", kafka::kWorkforceEventsTopic);
  const std::string cases = events.Topic("case_events", kafka::kCaseEventsTopic);
  const std::string schedule = events.Topic("schedule_events", kafka::kScheduleEventsTopic);
  const std::string supervision =
      events.Topic("supervision_events", kafka::kSupervisionEventsTopic);
  const std::string audit = events.Topic("audit", kafka::kAuditTopic);
  const std::string records =
      events.Topic("records", recording::kRecordsTopic,
                   {{"cleanup.policy", recording::kRecordsTopicCleanupPolicy}});
  auto authorities = authorities::LoadFromConfig(host.config());
  if (auto started = events.Start(); !started.ok()) return pipeline::StartupFailure(host, started);
  if (!authorities.ok()) return pipeline::StartupFailure(host, authorities.status());

  events.Consume(
      "inbound-events", {workforce, cases, schedule}, [&](redis::Connection& connection) {
        auto store =
            std::make_shared<recording::RecordStore>(connection, supervision, audit, records);
        auto handler =
            std::make_shared<recording::InboundHandler>(**authorities, *store, host.clock());
        return [store, handler](const kafka::ConsumedMessage& record) {
          return handler->Handle(record);
        };
      });
  events.RelayOutbox((*authorities)->Ids());
  recording::RecordingGrpcService api(**authorities, events.redis_pool(), host.authenticator(),
                                      host.clock(), supervision, audit, records);
  host.AddGrpcService(&api);
  return host.Run();
}
