// The gRPC API of recording (oversight.recording.v1.RecordingService). Each handler
// authenticates the bearer token, checks the request's authority against the token's
// (PERMISSION_DENIED before anything is looked up, so another authority's caller cannot tell
// which records exist) and the limits every request passes (authorities::AuthorizeRequest),
// borrows a Redis connection and delegates to a Recorder; library errors pass through with their
// canonical codes (INVALID_ARGUMENT, PERMISSION_DENIED with the H16/S14 reason,
// FAILED_PRECONDITION, NOT_FOUND, ABORTED on a concurrent change, UNAVAILABLE when Redis is
// down).
#pragma once

#include <string>

#include "oversight/authorities/authorities.h"
#include "oversight/recording/v1/recording_service.grpc.pb.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/clock.h"

namespace oversight::recording {

// Thread-safe: each call borrows its own Redis connection from the pool.
class RecordingGrpcService final : public v1::RecordingService::Service {
 public:
  RecordingGrpcService(const authorities::AuthorityRegistry& authorities,
                       redis::ConnectionPool& pool, const runtime::Authenticator& authenticator,
                       const runtime::Clock& clock, std::string supervision_topic,
                       std::string audit_topic, std::string records_topic = "")
      : authorities_(authorities),
        pool_(pool),
        authenticator_(authenticator),
        clock_(clock),
        supervision_topic_(std::move(supervision_topic)),
        audit_topic_(std::move(audit_topic)),
        records_topic_(std::move(records_topic)) {}

  grpc::Status CreateRecord(grpc::ServerContext* context, const v1::CreateRecordRequest* request,
                            v1::Record* response) override;
  grpc::Status GetRecord(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                         v1::Record* response) override;
  grpc::Status SignRecord(grpc::ServerContext* context, const v1::SignRecordRequest* request,
                          v1::Record* response) override;
  grpc::Status AmendRecord(grpc::ServerContext* context, const v1::AmendRecordRequest* request,
                           v1::Record* response) override;
  grpc::Status VerifyRecord(grpc::ServerContext* context, const v1::VerifyRecordRequest* request,
                            v1::VerifyRecordResponse* response) override;
  grpc::Status GetAgenda(grpc::ServerContext* context, const v1::GetAgendaRequest* request,
                         v1::GetAgendaResponse* response) override;
  grpc::Status SubmitRecord(grpc::ServerContext* context, const v1::SubmitRecordRequest* request,
                            v1::Record* response) override;
  grpc::Status UpdateRecord(grpc::ServerContext* context, const v1::UpdateRecordRequest* request,
                            v1::Record* response) override;
  grpc::Status CirculateRecord(grpc::ServerContext* context,
                               const v1::CirculateRecordRequest* request,
                               v1::Record* response) override;
  grpc::Status RecordDisagreement(grpc::ServerContext* context,
                                  const v1::RecordDisagreementRequest* request,
                                  v1::Record* response) override;
  grpc::Status CompleteAction(grpc::ServerContext* context,
                              const v1::CompleteActionRequest* request,
                              v1::SmartAction* response) override;
  grpc::Status ListRecords(grpc::ServerContext* context, const v1::ListRecordsRequest* request,
                           v1::ListRecordsResponse* response) override;
  grpc::Status GrantAccess(grpc::ServerContext* context, const v1::GrantAccessRequest* request,
                           v1::GrantAccessResponse* response) override;
  grpc::Status PurgeWorkerRecords(grpc::ServerContext* context,
                                  const v1::PurgeWorkerRecordsRequest* request,
                                  v1::PurgeWorkerRecordsResponse* response) override;

 private:
  // The caller, the request's authority (the token's, when it names one) and the checks every
  // request passes (authorities::AuthorizeRequest), then `call(recorder, principal)` with a
  // per-call store.
  template <typename Call>
  grpc::Status Run(grpc::ServerContext* context, const std::string& authority_id,
                   const google::protobuf::Message& request, Call call);

  const authorities::AuthorityRegistry& authorities_;
  redis::ConnectionPool& pool_;
  const runtime::Authenticator& authenticator_;
  const runtime::Clock& clock_;
  std::string supervision_topic_;
  std::string audit_topic_;
  std::string records_topic_;
};

}  // namespace oversight::recording
