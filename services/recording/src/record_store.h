// Where recording keeps its state in Redis, and how a new version of a record becomes one atomic
// change with its supervision events, its audit event and its records-topic entries in the
// outbox. Keys (all carry the authority's hash tag; <n> is a version number):
//
//   ovs:{A}:rec:record:<id>:v:<n>       serialized oversight.recording.v1.Record, version n
//                                       (never overwritten: every version stays readable)
//   ovs:{A}:rec:record:<id>:head        the latest version number
//   ovs:{A}:rec:worker:<w>:records      sorted set of record ids where w is a party, by held_at
//   ovs:{A}:rec:child:<c>:records       sorted set of record ids discussing child c, by held_at
//   ovs:{A}:rec:action:<id>             serialized SmartAction (completion state lives here)
//   ovs:{A}:rec:agenda:<w>              sorted set of OPEN action ids for supervisee/owner w, by
//                                       due date (yyyymmdd)
//   ovs:{A}:rec:dir:<w>                 hash: supervisor_id, team_id, left, left_service,
//                                       left_on (YYYY-MM-DD) (workforce events)
//   ovs:{A}:rec:case:<c>                hash: state (open | closed | transferred), worker_id,
//                                       team_id (case events): the children the authority
//                                       knows, and who has access to their file
//   ovs:{A}:rec:grant:inspector         hash: inspector id -> grant expiry (unix seconds)
//   ovs:{A}:rec:grant:cover:<s>         hash: manager covered by s -> expiry (0: open-ended)
//   ovs:{A}:rec:grant:child:<s>         hash: child id -> expiry (0: open-ended)
//   ovs:{A}:rec:grant:data_subject:<s>  hash: child id -> expiry (subject access, S14)
//   ovs:{A}:rec:grant:parental:<s>      hash: child id -> expiry (parental responsibility, S14)
//   ovs:{A}:rec:grant:regulator:<s>     hash: registrant worker id -> expiry (S14)
//
// Every change that rebuild needs is also published on the records topic (records_topic.h).
//
// Concurrency: a version is applied with the processed-event id DeriveId(record id, version), so
// of two writers that both read version n, only the first to apply n+1 wins; the other gets
// ABORTED ("changed concurrently") and nothing of its change is written.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access.h"
#include "oversight/audit/v1/audit_events.pb.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"
#include "oversight/runtime/auth.h"

namespace oversight::recording {

// Who did what to which record, and whether and why it was allowed (an audit event).
struct AuditEntry {
  runtime::Principal actor;
  audit::v1::AccessAction action = audit::v1::ACCESS_ACTION_READ;
  AccessDecision decision;
  std::string purpose;  // why the caller says they read it (optional)
  absl::Time at;        // when
};

// A worker as the directory knows them.
struct WorkerEntry {
  std::string supervisor_id;
  bool left = false;
  bool left_childrens_services = false;  // starts the retention clock (H8)
  std::string left_on;                   // YYYY-MM-DD, empty if unknown
};

// Reads and writes recording's keys over one connection. Not thread-safe (the connection is
// not): use one RecordStore per thread or per call.
class RecordStore {
 public:
  // `records_topic` (optional): every stored version is also published there as a
  // RecordVersionStored, keyed by record id, so RestoreVersion can rebuild the store from Kafka.
  RecordStore(redis::Connection& connection, std::string supervision_topic, std::string audit_topic,
              std::string records_topic = "")
      : connection_(connection),
        supervision_topic_(std::move(supervision_topic)),
        audit_topic_(std::move(audit_topic)),
        records_topic_(std::move(records_topic)) {}

  // The latest version; NOT_FOUND if the record does not exist.
  absl::StatusOr<v1::Record> Head(const std::string& authority, const std::string& record_id);
  // One version; NOT_FOUND if absent.
  absl::StatusOr<v1::Record> Version(const std::string& authority, const std::string& record_id,
                                     int version);
  // Every version, 1 first (as stored: VerifyChain checks them). NOT_FOUND if none.
  absl::StatusOr<std::vector<v1::Record>> Versions(const std::string& authority,
                                                   const std::string& record_id);

  // The relationships needed to decide `subject`'s access to `parties`: the allocation of the
  // parties' children, line-manager chains of the parties and of those children's allocated
  // workers (up to 20 levels), subject's team and subject's grants.
  absl::StatusOr<Relationships> LoadRelationships(const std::string& authority,
                                                  const RecordParties& parties,
                                                  const std::string& subject);
  // The directory entry of `worker`; NOT_FOUND if no workforce event named them.
  absl::StatusOr<WorkerEntry> Worker(const std::string& authority, const std::string& worker);
  // The line manager of `worker` from the directory ("" if unknown).
  absl::StatusOr<std::string> LineManager(const std::string& authority, const std::string& worker);

  // Stores `next` (the version after `previous`, nullptr for a new record) with its indexes,
  // actions, supervision events (EventsFor), the audit event of `audit` and its records-topic
  // entry, atomically. A PURGED `next` (a tombstone) also destroys what the earlier versions
  // left: their version keys, their actions and agenda entries, index entries the tombstone does
  // not keep; and publishes a null value on the records topic for every destroyed key.
  // ALREADY_EXISTS for a new record whose id is taken; ABORTED if another writer stored this
  // version first; transport errors as the connection's. Nothing is written on failure.
  absl::Status SaveVersion(const v1::Record* previous, const v1::Record& next,
                           const AuditEntry& audit);

  // Rebuild, phase 1 (records topic, any order across partitions): stores one version's key
  // only; heads, indexes, actions and agendas follow in ReplayRecord. Idempotent.
  absl::Status RestoreVersionKey(const v1::Record& version);
  // Rebuild, phase 1: an action's state as published on completion (ActionStored); `tombstone`
  // (a null value: the action was purged) deletes it. Idempotent.
  absl::Status RestoreAction(const std::string& authority, const std::string& action_id,
                             const v1::SmartAction* state);
  // Rebuild, phase 1: a grant as published (GrantStored). Idempotent.
  absl::Status RestoreGrant(const v1::GrantStored& grant);
  // Rebuild, phase 2: makes what the versions 1..`last_version` of a record (restored by
  // RestoreVersionKey) imply, as SaveVersion did when each was written: the head, the indexes,
  // actions new to each recorded version on their agendas (unless already restored by
  // RestoreAction), and for a purged record what the tombstone destroyed. Publishes nothing.
  // DATA_LOSS naming the version if one is missing (and the record is not purged). Idempotent.
  absl::Status ReplayRecord(const std::string& authority, const std::string& record_id,
                            int last_version);

  // Publishes an audit event alone (reads, refusals) through the outbox.
  absl::Status Audit(const std::string& authority, const std::string& record_id,
                     const AuditEntry& audit);

  // One action; NOT_FOUND if unknown.
  absl::StatusOr<v1::SmartAction> GetAction(const std::string& authority,
                                            const std::string& action_id);
  // Marks an open action completed (removes it from every agenda) and publishes ActionCompleted
  // and the audit event. FAILED_PRECONDITION if already completed.
  absl::StatusOr<v1::SmartAction> CompleteAction(const std::string& authority,
                                                 const v1::SmartAction& action,
                                                 const std::vector<std::string>& agenda_workers,
                                                 const AuditEntry& audit, absl::Time now);
  // Open actions on `worker`'s agenda (from their sessions or owned by them), by due date;
  // only `child_id`'s when non-empty.
  absl::StatusOr<std::vector<v1::SmartAction>> Agenda(const std::string& authority,
                                                      const std::string& worker,
                                                      const std::string& child_id);

  // Record ids where `worker` is a party (or about `child`), by held_at, newest last.
  absl::StatusOr<std::vector<std::string>> RecordIds(const std::string& authority,
                                                     const std::string& worker,
                                                     const std::string& child);

  // The change a workforce event makes to the directory (empty for events it ignores).
  redis::ChangeSet DirectoryChange(const std::string& authority,
                                   const google::protobuf::Message& event) const;
  // The change a case event makes to recording's copy of the children (any case event makes the
  // child known; allocation, lead practitioner, closure and transfer set its fields).
  redis::ChangeSet CaseChange(const std::string& authority,
                              const google::protobuf::Message& event) const;
  // Which of `child_ids` no case event has named in `authority`, in the order given.
  absl::StatusOr<std::vector<std::string>> UnknownChildren(
      const std::string& authority, const std::vector<std::string>& child_ids);

  // Stores a checked grant (GrantTarget gave `target`) with its audit event (AccessGranted,
  // allowed) and its records-topic entry, atomically.
  absl::Status SaveGrant(const v1::GrantAccessRequest& request, const std::string& target,
                         const AuditEntry& audit);
  // Publishes the audit event of a grant refused or invalid (AccessGranted, not allowed).
  absl::Status AuditGrant(const v1::GrantAccessRequest& request, const AuditEntry& audit);

  redis::Connection& connection() { return connection_; }

 private:
  // What a version change needs besides the new version.
  struct VersionContext {
    const v1::Record* previous = nullptr;                     // the version replaced (v1: none)
    const std::vector<v1::Record>* destroyed = nullptr;       // a tombstone's earlier versions
    const std::set<std::string>* restored_actions = nullptr;  // rebuild: actions already stored
  };
  // The commands that make `next` the latest version: version key, head, indexes, actions new
  // to a recorded version and their agenda entries; for a tombstone, the deletions.
  void VersionCommands(const v1::Record& next, const VersionContext& context,
                       redis::ChangeSet& change) const;
  // The grant's hash key and field.
  static std::pair<std::string, std::string> GrantField(const v1::GrantAccessRequest& request,
                                                        const std::string& target);
  absl::Status EmitGrantAudit(redis::ChangeSet& change, const v1::GrantAccessRequest& request,
                              const std::string& target, const AuditEntry& audit) const;
  absl::Status EmitAudit(redis::ChangeSet& change, const std::string& authority,
                         const std::string& record_id, const AuditEntry& audit,
                         const std::string& discriminator) const;

  redis::Connection& connection_;
  std::string supervision_topic_;
  std::string audit_topic_;
  std::string records_topic_;
};

}  // namespace oversight::recording
