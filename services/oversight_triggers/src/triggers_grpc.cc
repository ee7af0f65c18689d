#include "triggers_grpc.h"

#include "absl/strings/str_cat.h"
#include "case_contract.h"
#include "event_handlers.h"
#include "oversight/authorities/call_authorization.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/kafka/event_record.h"
#include "oversight/runtime/grpc_status.h"
#include "oversight/runtime/request_checks.h"
#include "task_reassignment.h"
#include "task_store.h"

namespace oversight::triggers {
namespace {

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// The event inside the oneof, or nullptr when none is set.
const google::protobuf::Message* Inner(const cases::v1::CaseEvent& wrapper) {
  const auto* oneof = wrapper.GetDescriptor()->FindOneofByName("event");
  const auto* field = wrapper.GetReflection()->GetOneofFieldDescriptor(wrapper, oneof);
  if (field == nullptr) return nullptr;
  return &wrapper.GetReflection()->GetMessage(wrapper, field);
}

}  // namespace

absl::StatusOr<runtime::Principal> TriggersGrpcService::Authorize(
    grpc::ServerContext* context, const std::string& authority_id,
    const google::protobuf::Message& request) const {
  return authorities::AuthorizeRequest(authenticator_, *context, authorities_, authority_id,
                                       request);
}

grpc::Status TriggersGrpcService::IngestCaseEvent(grpc::ServerContext* context,
                                                  const v1::IngestCaseEventRequest* request,
                                                  v1::IngestCaseEventResponse* response) {
  // The caller first: nothing about the request is said to a caller without a valid token.
  auto caller = authenticator_.Authenticate(*context);
  if (!caller.ok()) return runtime::ToGrpcStatus(caller.status());
  if (auto s = runtime::CheckRequest(*request); !s.ok()) return runtime::ToGrpcStatus(s);
  const google::protobuf::Message* event = Inner(request->event());
  if (event == nullptr) return Invalid("event: one case event must be set");
  const auto* meta_field = event->GetDescriptor()->FindFieldByName("meta");
  if (meta_field == nullptr) return Invalid("event: a case event without meta");
  const auto& meta = dynamic_cast<const common::v1::EventMeta&>(
      event->GetReflection()->GetMessage(*event, meta_field));
  if (auto s = authorities::CheckCallerAuthority(*caller, authorities_, meta.authority_id());
      !s.ok()) {
    return runtime::ToGrpcStatus(s);
  }
  if (meta.event_id().empty()) return Invalid("event.meta.event_id is required");
  if (!meta.has_occurred_at()) return Invalid("event.meta.occurred_at is required");
  const auto* child_field = event->GetDescriptor()->FindFieldByName("child_id");
  const std::string child_id =
      child_field == nullptr ? "" : event->GetReflection()->GetString(*event, child_field);
  if (child_id.empty()) return Invalid("event.child_id is required");

  auto record =
      kafka::MakeEventRecord(case_events_topic_, child_id, *event, kafka::ContentType::kProtobuf);
  if (!record.ok()) return runtime::ToGrpcStatus(record.status());
  // Only what the case-events consumer would take (it would dead-letter the rest).
  const kafka::ConsumedMessage as_consumed{.topic = record->topic,
                                           .key = record->key,
                                           .value = record->value,
                                           .headers = record->headers};
  const auto served = [this](std::string_view id) {
    return authorities_.Find(std::string(id)) != nullptr;
  };
  if (auto rejection = CheckIngestedCaseEvent(as_consumed, served, HandlerOptions{}.limits)) {
    return Invalid(absl::StrCat("event: ", rejection->detail, " (", rejection->reason, ")"));
  }
  auto delivered = producer_.ProduceAndWait(*std::move(record), absl::Seconds(10));
  if (!delivered.ok()) {
    return grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        "the event was not acknowledged by Kafka: " + std::string(delivered.status().message()));
  }
  response->set_event_id(meta.event_id());
  return grpc::Status::OK;
}

grpc::Status TriggersGrpcService::ListTasks(grpc::ServerContext* context,
                                            const v1::ListTasksRequest* request,
                                            v1::ListTasksResponse* response) {
  if (auto caller = Authorize(context, request->authority_id(), *request); !caller.ok()) {
    return runtime::ToGrpcStatus(caller.status());
  }
  if (request->page().page_size() < 0) return Invalid("page.page_size must not be negative");
  if (!v1::TaskStatus_IsValid(request->status())) {
    return Invalid("status: " + std::to_string(request->status()) +
                   " is not a TaskStatus (TASK_STATUS_REQUESTED ... TASK_STATUS_CANCELLED)");
  }
  auto lease = pool_.Acquire();
  TaskStore store(*lease, tasks_topic_);
  auto tasks = store.ListTasks(*request);
  if (!tasks.ok()) return runtime::ToGrpcStatus(tasks.status());
  *response = *std::move(tasks);
  return grpc::Status::OK;
}

grpc::Status TriggersGrpcService::GetTask(grpc::ServerContext* context,
                                          const v1::GetTaskRequest* request,
                                          v1::OversightTask* response) {
  if (auto caller = Authorize(context, request->authority_id(), *request); !caller.ok()) {
    return runtime::ToGrpcStatus(caller.status());
  }
  if (request->task_id().empty()) return Invalid("task_id is required");
  auto lease = pool_.Acquire();
  TaskStore store(*lease, tasks_topic_);
  auto task = store.GetTask(request->authority_id(), request->task_id());
  if (!task.ok()) return runtime::ToGrpcStatus(task.status());
  *response = *std::move(task);
  return grpc::Status::OK;
}

grpc::Status TriggersGrpcService::ReassignTask(grpc::ServerContext* context,
                                               const v1::ReassignTaskRequest* request,
                                               v1::OversightTask* response) {
  auto caller = Authorize(context, request->authority_id(), *request);
  if (!caller.ok()) return runtime::ToGrpcStatus(caller.status());
  if (request->task_id().empty()) return Invalid("task_id is required");
  if (request->owner_id().empty()) return Invalid("owner_id is required (the new owner)");
  if (request->owner_id().size() > 256 || request->reason().size() > 2000) {
    return Invalid("owner_id is at most 256 characters and reason at most 2000");
  }
  const std::string& authority = request->authority_id();
  auto lease = pool_.Acquire();
  TaskStore store(*lease, tasks_topic_);
  // Optimistic: read, decide, store guarded by the child's version; a concurrent change (the
  // consumer completing the task, another reassignment) makes the store ABORTED: read again.
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto task = store.GetTask(authority, request->task_id());
    if (!task.ok()) return runtime::ToGrpcStatus(task.status());
    auto child = store.LoadContext(authority, task->child_id());
    if (!child.ok()) return runtime::ToGrpcStatus(child.status());
    RedisDirectory directory(*lease, authority);
    if (auto allowed = MayReassign(*caller, *task, directory); !allowed.ok()) {
      return runtime::ToGrpcStatus(allowed);
    }
    auto decided = DecideReassignment(*task, request->owner_id(), request->reason(), *caller,
                                      directory, child->version, clock_.Now());
    if (!decided.ok()) return runtime::ToGrpcStatus(decided.status());
    if (!decided->changed) {
      *response = *std::move(task);
      return grpc::Status::OK;
    }
    auto change = store.ReassignmentChange(authority, *task, *decided, child->version);
    if (!change.ok()) return runtime::ToGrpcStatus(change.status());
    auto applied =
        change->Apply(*lease, authority, kServiceName, decided->reassigned.meta().event_id());
    if (absl::IsAborted(applied.status())) continue;
    if (!applied.ok()) return runtime::ToGrpcStatus(applied.status());
    *response = decided->task;
    return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::ABORTED,
                      "the task kept changing while it was being reassigned; try again");
}

grpc::Status TriggersGrpcService::GetTeamSummary(grpc::ServerContext* context,
                                                 const v1::TeamSummaryRequest* request,
                                                 v1::TeamSummary* response) {
  if (auto caller = Authorize(context, request->authority_id(), *request); !caller.ok()) {
    return runtime::ToGrpcStatus(caller.status());
  }
  if (request->team_id().empty()) return Invalid("team_id is required");
  const auto* authority = authorities_.Find(request->authority_id());
  auto lease = pool_.Acquire();
  TaskStore store(*lease, tasks_topic_);
  auto summary = store.TeamSummary(request->authority_id(), request->team_id(), clock_.Now(),
                                   authority->calendar->zone());
  if (!summary.ok()) return runtime::ToGrpcStatus(summary.status());
  *response = *std::move(summary);
  return grpc::Status::OK;
}

}  // namespace oversight::triggers
