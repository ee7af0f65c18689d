#include "recording_grpc.h"

#include "oversight/authorities/call_authorization.h"
#include "oversight/runtime/grpc_status.h"
#include "record_store.h"
#include "recorder.h"

namespace oversight::recording {
namespace {

template <typename T>
grpc::Status Fill(const absl::StatusOr<T>& result, T* response) {
  if (!result.ok()) return runtime::ToGrpcStatus(result.status());
  *response = *result;
  return grpc::Status::OK;
}

}  // namespace

template <typename Call>
grpc::Status RecordingGrpcService::Run(grpc::ServerContext* context,
                                       const std::string& authority_id,
                                       const google::protobuf::Message& request, Call call) {
  auto principal =
      authorities::AuthorizeRequest(authenticator_, *context, authorities_, authority_id, request);
  if (!principal.ok()) return runtime::ToGrpcStatus(principal.status());
  auto lease = pool_.Acquire();
  RecordStore store(*lease, supervision_topic_, audit_topic_, records_topic_);
  Recorder recorder(authorities_, store, clock_);
  return call(recorder, *principal);
}

grpc::Status RecordingGrpcService::CreateRecord(grpc::ServerContext* context,
                                                const v1::CreateRecordRequest* request,
                                                v1::Record* response) {
  return Run(context, request->record().authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return Fill(r.Create(who, request->record(), request->draft()), response);
             });
}

grpc::Status RecordingGrpcService::GetRecord(grpc::ServerContext* context,
                                             const v1::GetRecordRequest* request,
                                             v1::Record* response) {
  return Run(context, request->authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return Fill(r.Get(who, request->authority_id(), request->record_id(),
                                 request->version(), request->purpose()),
                           response);
             });
}

grpc::Status RecordingGrpcService::SignRecord(grpc::ServerContext* context,
                                              const v1::SignRecordRequest* request,
                                              v1::Record* response) {
  return Run(
      context, request->authority_id(), *request, [&](Recorder& r, const runtime::Principal& who) {
        return Fill(r.Sign(who, request->authority_id(), request->record_id(), request->party()),
                    response);
      });
}

grpc::Status RecordingGrpcService::AmendRecord(grpc::ServerContext* context,
                                               const v1::AmendRecordRequest* request,
                                               v1::Record* response) {
  return Run(
      context, request->authority_id(), *request, [&](Recorder& r, const runtime::Principal& who) {
        return Fill(
            r.Amend(who, request->authority_id(), request->record_id(), request->reason(),
                    request->notes(), request->has_corrected() ? &request->corrected() : nullptr),
            response);
      });
}

grpc::Status RecordingGrpcService::VerifyRecord(grpc::ServerContext* context,
                                                const v1::VerifyRecordRequest* request,
                                                v1::VerifyRecordResponse* response) {
  return Run(context, request->authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               auto verified = r.Verify(who, request->authority_id(), request->record_id());
               if (!verified.ok()) return runtime::ToGrpcStatus(verified.status());
               response->set_intact(verified->intact);
               response->set_detail(verified->detail);
               return grpc::Status::OK;
             });
}

grpc::Status RecordingGrpcService::GetAgenda(grpc::ServerContext* context,
                                             const v1::GetAgendaRequest* request,
                                             v1::GetAgendaResponse* response) {
  return Run(
      context, request->authority_id(), *request, [&](Recorder& r, const runtime::Principal& who) {
        auto agenda =
            r.Agenda(who, request->authority_id(), request->supervisee_id(), request->child_id());
        if (!agenda.ok()) return runtime::ToGrpcStatus(agenda.status());
        for (auto& action : *agenda)
          *response->add_open_actions() = std::move(action);
        return grpc::Status::OK;
      });
}

grpc::Status RecordingGrpcService::SubmitRecord(grpc::ServerContext* context,
                                                const v1::SubmitRecordRequest* request,
                                                v1::Record* response) {
  return Run(context, request->authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return Fill(r.Submit(who, request->authority_id(), request->record_id()), response);
             });
}

grpc::Status RecordingGrpcService::UpdateRecord(grpc::ServerContext* context,
                                                const v1::UpdateRecordRequest* request,
                                                v1::Record* response) {
  return Run(context, request->record().authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return Fill(r.Update(who, request->record()), response);
             });
}

grpc::Status RecordingGrpcService::CirculateRecord(grpc::ServerContext* context,
                                                   const v1::CirculateRecordRequest* request,
                                                   v1::Record* response) {
  return Run(
      context, request->authority_id(), *request, [&](Recorder& r, const runtime::Principal& who) {
        return Fill(r.Circulate(who, request->authority_id(), request->record_id()), response);
      });
}

grpc::Status RecordingGrpcService::RecordDisagreement(grpc::ServerContext* context,
                                                      const v1::RecordDisagreementRequest* request,
                                                      v1::Record* response) {
  return Run(context, request->authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return Fill(r.Disagree(who, request->authority_id(), request->record_id(),
                                      request->text(), request->refer_to_line_manager()),
                           response);
             });
}

grpc::Status RecordingGrpcService::CompleteAction(grpc::ServerContext* context,
                                                  const v1::CompleteActionRequest* request,
                                                  v1::SmartAction* response) {
  return Run(
      context, request->authority_id(), *request, [&](Recorder& r, const runtime::Principal& who) {
        return Fill(r.CompleteAction(who, request->authority_id(), request->action_id()), response);
      });
}

grpc::Status RecordingGrpcService::ListRecords(grpc::ServerContext* context,
                                               const v1::ListRecordsRequest* request,
                                               v1::ListRecordsResponse* response) {
  return Run(context, request->authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return Fill(r.List(who, *request), response);
             });
}

grpc::Status RecordingGrpcService::GrantAccess(grpc::ServerContext* context,
                                               const v1::GrantAccessRequest* request,
                                               v1::GrantAccessResponse* response) {
  return Run(context, request->authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return runtime::ToGrpcStatus(r.Grant(who, *request));
             });
}

grpc::Status RecordingGrpcService::PurgeWorkerRecords(grpc::ServerContext* context,
                                                      const v1::PurgeWorkerRecordsRequest* request,
                                                      v1::PurgeWorkerRecordsResponse* response) {
  return Run(context, request->authority_id(), *request,
             [&](Recorder& r, const runtime::Principal& who) {
               return Fill(r.PurgeWorkerRecords(who, request->authority_id(), request->worker_id()),
                           response);
             });
}

}  // namespace oversight::recording
