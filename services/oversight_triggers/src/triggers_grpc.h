// The gRPC API of oversight-triggers (oversight.triggers.v1.OversightTriggersService).
// Handlers authenticate, validate and delegate to the TaskStore or the producer.
#pragma once

#include <string>

#include "oversight/authorities/authorities.h"
#include "oversight/kafka/producer.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/runtime/auth.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"

namespace oversight::triggers {

// Thread-safe: each call borrows its own Redis connection from the pool.
class TriggersGrpcService final : public v1::OversightTriggersService::Service {
 public:
  TriggersGrpcService(const authorities::AuthorityRegistry& authorities,
                      redis::ConnectionPool& pool, kafka::Producer& producer,
                      const runtime::Authenticator& authenticator, std::string case_events_topic,
                      std::string tasks_topic)
      : authorities_(authorities),
        pool_(pool),
        producer_(producer),
        authenticator_(authenticator),
        case_events_topic_(std::move(case_events_topic)),
        tasks_topic_(std::move(tasks_topic)) {}

  // Validates the event like the Kafka consumer does (a known event type with meta.event_id,
  // meta.authority_id of a served authority, meta.occurred_at, child_id) and produces it to the
  // case-events topic, keyed by child id; returns once the broker acknowledged it.
  // INVALID_ARGUMENT naming the field; UNAVAILABLE if the broker did not acknowledge.
  grpc::Status IngestCaseEvent(grpc::ServerContext* context,
                               const v1::IngestCaseEventRequest* request,
                               v1::IngestCaseEventResponse* response) override;

  // Tasks of an authority filtered by owner, team, child, status and trigger, by due date.
  grpc::Status ListTasks(grpc::ServerContext* context, const v1::ListTasksRequest* request,
                         v1::ListTasksResponse* response) override;

  // One task with its history; NOT_FOUND if unknown.
  grpc::Status GetTask(grpc::ServerContext* context, const v1::GetTaskRequest* request,
                       v1::OversightTask* response) override;

 private:
  grpc::Status Authorize(grpc::ServerContext* context, const std::string& authority_id) const;

  const authorities::AuthorityRegistry& authorities_;
  redis::ConnectionPool& pool_;
  kafka::Producer& producer_;
  const runtime::Authenticator& authenticator_;
  std::string case_events_topic_;
  std::string tasks_topic_;
};

}  // namespace oversight::triggers
