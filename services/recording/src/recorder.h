// The recording use cases, transport-free: each call authenticates nothing (it is given the
// Principal), decides access (access.h), runs the lifecycle step (lifecycle.h) and stores the new
// version with its events and audit (record_store.h). The gRPC service translates to and from
// these calls; tests drive them directly against a real Redis.
//
// Every read and every write, allowed or refused, emits a RecordAccessed audit event. A refusal
// is PERMISSION_DENIED with the reason; a bad request INVALID_ARGUMENT; a step the record's status
// does not allow FAILED_PRECONDITION; on any error nothing is stored (only the refusal's audit).
// Not thread-safe (one store/connection): make one Recorder per call or per thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "content_hash.h"
#include "oversight/authorities/authorities.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/clock.h"
#include "record_store.h"

namespace oversight::recording {

class Recorder {
 public:
  Recorder(const authorities::AuthorityRegistry& authorities, RecordStore& store,
           const runtime::Clock& clock)
      : authorities_(authorities), store_(store), clock_(clock) {}

  // Creates a record (version 1; a draft when `draft`). The caller must be the supervisor (or
  // cover them). An empty record_id gets a fresh one. Every child a recorded (non-draft) version
  // names must be known from the case events: INVALID_ARGUMENT naming the field and the child
  // otherwise (checked again when a draft is submitted and when an edit or amendment names a new
  // child).
  absl::StatusOr<v1::Record> Create(const runtime::Principal& who, v1::Record record, bool draft);
  // The latest version (version 0) or one version; audited as a read with `purpose`.
  absl::StatusOr<v1::Record> Get(const runtime::Principal& who, const std::string& authority,
                                 const std::string& record_id, int version,
                                 const std::string& purpose);
  absl::StatusOr<v1::Record> Submit(const runtime::Principal& who, const std::string& authority,
                                    const std::string& record_id);
  absl::StatusOr<v1::Record> Update(const runtime::Principal& who, const v1::Record& record);
  absl::StatusOr<v1::Record> Circulate(const runtime::Principal& who, const std::string& authority,
                                       const std::string& record_id);
  absl::StatusOr<v1::Record> Sign(const runtime::Principal& who, const std::string& authority,
                                  const std::string& record_id, v1::Party party);
  absl::StatusOr<v1::Record> Amend(const runtime::Principal& who, const std::string& authority,
                                   const std::string& record_id, const std::string& reason,
                                   const std::string& notes, const v1::Record* corrected);
  // The supervisee's disagreement; with `refer`, referred to the supervisor's line manager as
  // the workforce directory names them.
  absl::StatusOr<v1::Record> Disagree(const runtime::Principal& who, const std::string& authority,
                                      const std::string& record_id, const std::string& text,
                                      bool refer);
  // Re-hashes every stored version (requires read access; audited).
  absl::StatusOr<Verification> Verify(const runtime::Principal& who, const std::string& authority,
                                      const std::string& record_id);
  // Open actions for `worker`'s next session (optionally one child's). The caller needs read
  // access to the worker's records: the worker, their line-manager chain, or a reader role.
  absl::StatusOr<std::vector<v1::SmartAction>> Agenda(const runtime::Principal& who,
                                                      const std::string& authority,
                                                      const std::string& worker,
                                                      const std::string& child_id);
  absl::StatusOr<v1::SmartAction> CompleteAction(const runtime::Principal& who,
                                                 const std::string& authority,
                                                 const std::string& action_id);
  // Latest versions of the records of a worker or a child that the caller may read (the others
  // are left out, and their refusals audited), newest first, paged by offset.
  absl::StatusOr<v1::ListRecordsResponse> List(const runtime::Principal& who,
                                               const v1::ListRecordsRequest& request);
  // Purges `worker`'s worker-specific records (where they are the supervisee and no child is
  // discussed) once the pack's retention period after they left Children's Services has passed
  // (H8), leaving tombstones and PURGE audit events. Role "records_officer" or "senior_manager".
  // FAILED_PRECONDITION (nothing purged) while the worker has not left, or before the date.
  // Safe to repeat: records already purged are skipped.
  absl::StatusOr<v1::PurgeWorkerRecordsResponse> PurgeWorkerRecords(const runtime::Principal& who,
                                                                    const std::string& authority,
                                                                    const std::string& worker);
  // The same purge, triggered by scheduling's retention item falling due (schedule event
  // `cause_event_id`, whose explanation gives `left_on`, YYYY-MM-DD; empty: the directory's
  // date): the audit events name the actor kRetentionActor and the event. The date is checked
  // again with this authority's pack (FAILED_PRECONDITION before it).
  absl::StatusOr<v1::PurgeWorkerRecordsResponse> PurgeOnRetentionDue(
      const std::string& authority, const std::string& worker, const std::string& left_on,
      const std::string& cause_event_id);
  // Grants access (inspector, cover, child file, subject access, regulator): only role
  // "senior_manager" or "access_administrator" grants; the request is checked (GrantTarget).
  // Every grant, allowed, refused or invalid, emits an AccessGranted audit event.
  absl::Status Grant(const runtime::Principal& who, const v1::GrantAccessRequest& request);

  // Who the audit events of purges triggered by scheduling name.
  static constexpr char kRetentionActor[] = "oversight-recording/retention";

 private:
  absl::StatusOr<const authorities::Authority*> Served(const std::string& authority) const;
  // Loads the head, checks the write, runs `step`, stores; audits refusals.
  template <typename StepFn>
  absl::StatusOr<v1::Record> Write(const runtime::Principal& who, const std::string& authority,
                                   const std::string& record_id, WriteKind kind,
                                   audit::v1::AccessAction action, StepFn step);
  absl::Status CheckRead(const runtime::Principal& who, const v1::Record& record,
                         const std::string& purpose);
  // INVALID_ARGUMENT if `next` (recorded, not a draft or tombstone) names a child that no case
  // event has named and that `current` (nullptr for a new record) did not already name.
  absl::Status CheckChildrenKnown(const v1::Record* current, const v1::Record& next);
  // The purge; `left_on` (YYYY-MM-DD) when the caller knows the leaving date, else the
  // directory's (the worker must have left Children's Services).
  absl::StatusOr<v1::PurgeWorkerRecordsResponse> PurgeLeaver(const runtime::Principal& actor,
                                                             const std::string& authority,
                                                             const std::string& worker,
                                                             std::string left_on,
                                                             const std::string& why);

  const authorities::AuthorityRegistry& authorities_;
  RecordStore& store_;
  const runtime::Clock& clock_;
};

}  // namespace oversight::recording
