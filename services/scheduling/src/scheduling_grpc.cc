#include "scheduling_grpc.h"

#include "item_store.h"
#include "oversight/authorities/call_authorization.h"
#include "oversight/runtime/grpc_status.h"

namespace oversight::scheduling {
namespace {

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

}  // namespace

grpc::Status SchedulingGrpcService::Authorize(grpc::ServerContext* context,
                                              const std::string& authority_id,
                                              const google::protobuf::Message& request) const {
  return runtime::ToGrpcStatus(
      authorities::AuthorizeRequest(authenticator_, *context, authorities_, authority_id, request)
          .status());
}

grpc::Status SchedulingGrpcService::GetWorkerSchedule(grpc::ServerContext* context,
                                                      const v1::GetWorkerScheduleRequest* request,
                                                      v1::Schedule* response) {
  if (auto status = Authorize(context, request->authority_id(), *request); !status.ok())
    return status;
  if (request->worker_id().empty()) return Invalid("worker_id is required");
  auto lease = pool_.Acquire();
  ItemStore store(*lease, schedule_topic_);
  auto schedule = store.WorkerSchedule(request->authority_id(), request->worker_id());
  if (!schedule.ok()) return runtime::ToGrpcStatus(schedule.status());
  *response = *std::move(schedule);
  return grpc::Status::OK;
}

grpc::Status SchedulingGrpcService::GetChildSchedule(grpc::ServerContext* context,
                                                     const v1::GetChildScheduleRequest* request,
                                                     v1::Schedule* response) {
  if (auto status = Authorize(context, request->authority_id(), *request); !status.ok())
    return status;
  if (request->child_id().empty()) return Invalid("child_id is required");
  auto lease = pool_.Acquire();
  ItemStore store(*lease, schedule_topic_);
  auto schedule = store.ChildSchedule(request->authority_id(), request->child_id());
  if (!schedule.ok()) return runtime::ToGrpcStatus(schedule.status());
  *response = *std::move(schedule);
  return grpc::Status::OK;
}

grpc::Status SchedulingGrpcService::ListDueItems(grpc::ServerContext* context,
                                                 const v1::ListDueItemsRequest* request,
                                                 v1::ListDueItemsResponse* response) {
  if (auto status = Authorize(context, request->authority_id(), *request); !status.ok())
    return status;
  if (!request->supervisor_id().empty() && !request->team_id().empty()) {
    return Invalid("set supervisor_id or team_id, not both");
  }
  if (request->page().page_size() < 0) return Invalid("page.page_size must not be negative");
  if (request->has_window_start() && request->has_window_end() &&
      request->window_end().seconds() < request->window_start().seconds()) {
    return Invalid("window_end is before window_start");
  }
  auto lease = pool_.Acquire();
  ItemStore store(*lease, schedule_topic_);
  auto items = store.ListDue(*request, clock_.Now());
  if (!items.ok()) return runtime::ToGrpcStatus(items.status());
  *response = *std::move(items);
  return grpc::Status::OK;
}

grpc::Status SchedulingGrpcService::ExplainItem(grpc::ServerContext* context,
                                                const v1::ExplainItemRequest* request,
                                                v1::DueItem* response) {
  if (auto status = Authorize(context, request->authority_id(), *request); !status.ok())
    return status;
  if (request->item_id().empty()) return Invalid("item_id is required");
  auto lease = pool_.Acquire();
  ItemStore store(*lease, schedule_topic_);
  auto item = store.GetItem(request->authority_id(), request->item_id());
  if (!item.ok()) return runtime::ToGrpcStatus(item.status());
  *response = *std::move(item);
  return grpc::Status::OK;
}

grpc::Status SchedulingGrpcService::GetCompliance(grpc::ServerContext* context,
                                                  const v1::ComplianceRequest* request,
                                                  v1::ComplianceResponse* response) {
  if (auto status = Authorize(context, request->authority_id(), *request); !status.ok())
    return status;
  if (request->has_period_start() && request->has_period_end() &&
      request->period_end().seconds() < request->period_start().seconds()) {
    return Invalid("period_end is before period_start");
  }
  auto lease = pool_.Acquire();
  ItemStore store(*lease, schedule_topic_);
  auto figures = store.Compliance(*request, clock_.Now());
  if (!figures.ok()) return runtime::ToGrpcStatus(figures.status());
  *response = *std::move(figures);
  return grpc::Status::OK;
}

}  // namespace oversight::scheduling
