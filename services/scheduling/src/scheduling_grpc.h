// The gRPC API of scheduling (oversight.scheduling.v1.SchedulingService). Handlers
// authenticate, validate and delegate to the ItemStore.
#pragma once

#include <string>

#include "oversight/authorities/authorities.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/clock.h"
#include "oversight/scheduling/v1/scheduling_service.grpc.pb.h"

namespace oversight::scheduling {

// Thread-safe: each call borrows its own Redis connection from the pool. Every call checks the
// bearer token (runtime::Authenticator), that authority_id is served and matches the token's
// authority, and the limits every request passes (runtime::CheckRequest), else UNAUTHENTICATED /
// INVALID_ARGUMENT / PERMISSION_DENIED / INVALID_ARGUMENT naming the field.
class SchedulingGrpcService final : public v1::SchedulingService::Service {
 public:
  SchedulingGrpcService(const authorities::AuthorityRegistry& authorities,
                        redis::ConnectionPool& pool, const runtime::Authenticator& authenticator,
                        const runtime::Clock& clock, std::string schedule_topic)
      : authorities_(authorities),
        pool_(pool),
        authenticator_(authenticator),
        clock_(clock),
        schedule_topic_(std::move(schedule_topic)) {}

  // A worker's live items (personal supervision, agreements, cycles, retention) with their
  // last fired stage. INVALID_ARGUMENT without worker_id; an unknown worker has no items.
  grpc::Status GetWorkerSchedule(grpc::ServerContext* context,
                                 const v1::GetWorkerScheduleRequest* request,
                                 v1::Schedule* response) override;

  // A child's case discussion and open oversight-task items.
  grpc::Status GetChildSchedule(grpc::ServerContext* context,
                                const v1::GetChildScheduleRequest* request,
                                v1::Schedule* response) override;

  // Items due within [window_start, window_end] for a supervisor, a team or the authority, by
  // due date, paged (page_size 0: 50, at most 500). INVALID_ARGUMENT for a window that ends
  // before it starts, both supervisor_id and team_id, or a negative page size.
  grpc::Status ListDueItems(grpc::ServerContext* context, const v1::ListDueItemsRequest* request,
                            v1::ListDueItemsResponse* response) override;

  // One item with its explanation (rule id, facts, calendar); NOT_FOUND if unknown.
  grpc::Status ExplainItem(grpc::ServerContext* context, const v1::ExplainItemRequest* request,
                           v1::DueItem* response) override;

  // Compliance of a team (or the authority) over a period of due dates [start, end): sessions,
  // case discussions and records due and done on time, open overdue items; per worker and per
  // team (see ItemStore::Compliance). A month is [1st 00:00, 1st of the next month 00:00) in the
  // authority's time zone. INVALID_ARGUMENT for a period that ends before it starts.
  grpc::Status GetCompliance(grpc::ServerContext* context, const v1::ComplianceRequest* request,
                             v1::ComplianceResponse* response) override;

 private:
  // The caller, their authority, and the checks every request passes (AuthorizeRequest).
  grpc::Status Authorize(grpc::ServerContext* context, const std::string& authority_id,
                         const google::protobuf::Message& request) const;

  const authorities::AuthorityRegistry& authorities_;
  redis::ConnectionPool& pool_;
  const runtime::Authenticator& authenticator_;
  const runtime::Clock& clock_;
  std::string schedule_topic_;
};

}  // namespace oversight::scheduling
