// The gRPC API of oversight-triggers (oversight.triggers.v1.OversightTriggersService).
// Handlers authenticate, validate and delegate: to the TaskStore, the producer, and for
// reassignment to the rules of task_reassignment.h. Every call needs a bearer token for the
// authority it names and passes the checks every request passes (authorities::AuthorizeRequest).
#pragma once

#include <string>

#include "oversight/authorities/authorities.h"
#include "oversight/kafka/producer.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/clock.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"

namespace oversight::triggers {

// Thread-safe: each call borrows its own Redis connection from the pool.
class TriggersGrpcService final : public v1::OversightTriggersService::Service {
 public:
  TriggersGrpcService(const authorities::AuthorityRegistry& authorities,
                      redis::ConnectionPool& pool, kafka::Producer& producer,
                      const runtime::Authenticator& authenticator, const runtime::Clock& clock,
                      std::string case_events_topic, std::string tasks_topic)
      : authorities_(authorities),
        pool_(pool),
        producer_(producer),
        authenticator_(authenticator),
        clock_(clock),
        case_events_topic_(std::move(case_events_topic)),
        tasks_topic_(std::move(tasks_topic)) {}

  // Authenticates the caller first, then checks the request (runtime::CheckRequest), the token's
  // authority against meta.authority_id, and the event exactly as the case-events consumer
  // would (CheckIngestedCaseEvent: a known event type with meta.event_id, meta.authority_id of a
  // served authority, valid timestamps, child_id equal to the subject, at most 64 KiB), and
  // produces it to the case-events topic, keyed by child id; returns once the broker
  // acknowledged it. INVALID_ARGUMENT naming the field; UNAVAILABLE if the broker did not
  // acknowledge. Whether the child is known is the consumer's decision (unknown_child).
  grpc::Status IngestCaseEvent(grpc::ServerContext* context,
                               const v1::IngestCaseEventRequest* request,
                               v1::IngestCaseEventResponse* response) override;

  // Tasks of an authority filtered by owner, team, child, status and trigger (every filter
  // set must match), by due date, paged (page_size default 50, at most 500; next_page_token
  // empty on the last page). INVALID_ARGUMENT for a negative page size, an unknown status
  // value or a page token this service did not hand out.
  grpc::Status ListTasks(grpc::ServerContext* context, const v1::ListTasksRequest* request,
                         v1::ListTasksResponse* response) override;

  // One task with its history (every status and owner change, with the event that caused it);
  // NOT_FOUND if unknown.
  grpc::Status GetTask(grpc::ServerContext* context, const v1::GetTaskRequest* request,
                       v1::OversightTask* response) override;

  // Gives an open task a new owner and publishes TaskReassigned (through the outbox). Who may:
  // task_reassignment.h (roles oversight_admin / senior_manager, team_manager of the task's
  // team, or the current owner's line manager), else PERMISSION_DENIED. INVALID_ARGUMENT
  // without task_id or owner_id, or for an owner the directory does not know; NOT_FOUND for an
  // unknown task; FAILED_PRECONDITION for a closed task or an owner who has left. The same
  // owner again returns the task unchanged. Returns the task as stored.
  grpc::Status ReassignTask(grpc::ServerContext* context, const v1::ReassignTaskRequest* request,
                            v1::OversightTask* response) override;

  // A team's open tasks, how many of them are overdue now (the injected clock), and how many
  // were completed on time and late this calendar month (Europe/London, by when the oversight
  // took place). INVALID_ARGUMENT without team_id.
  grpc::Status GetTeamSummary(grpc::ServerContext* context, const v1::TeamSummaryRequest* request,
                              v1::TeamSummary* response) override;

 private:
  // The caller, their authority, and the checks every request passes (AuthorizeRequest).
  absl::StatusOr<runtime::Principal> Authorize(grpc::ServerContext* context,
                                               const std::string& authority_id,
                                               const google::protobuf::Message& request) const;

  const authorities::AuthorityRegistry& authorities_;
  redis::ConnectionPool& pool_;
  kafka::Producer& producer_;
  const runtime::Authenticator& authenticator_;
  const runtime::Clock& clock_;
  std::string case_events_topic_;
  std::string tasks_topic_;
};

}  // namespace oversight::triggers
