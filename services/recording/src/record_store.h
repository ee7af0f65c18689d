// Where recording keeps its state in Redis, and how a new version of a record becomes one atomic
// change with its supervision events and its audit event in the outbox. Keys (all carry the
// authority's hash tag; <n> is a version number):
//
//   ovs:{A}:rec:record:<id>:v:<n>       serialized oversight.recording.v1.Record, version n
//                                       (never overwritten: every version stays readable)
//   ovs:{A}:rec:record:<id>:head        the latest version number
//   ovs:{A}:rec:worker:<w>:records      sorted set of record ids where w is a party, by held_at
//   ovs:{A}:rec:child:<c>:records       sorted set of record ids discussing child c, by held_at
//   ovs:{A}:rec:action:<id>             serialized SmartAction (completion state lives here)
//   ovs:{A}:rec:agenda:<w>              sorted set of OPEN action ids for supervisee/owner w, by
//   due
//                                       date (yyyymmdd)
//   ovs:{A}:rec:dir:<w>                 hash: supervisor_id, team_id, left, left_service,
//                                       left_on (YYYY-MM-DD) (workforce events)
//   ovs:{A}:rec:grant:inspector         hash: inspector id -> grant expiry (unix seconds)
//   ovs:{A}:rec:grant:cover:<s>         hash: manager covered by s -> expiry (0: open-ended)
//   ovs:{A}:rec:grant:child:<s>         hash: child id -> expiry (0: open-ended)
//
// Concurrency: a version is applied with the processed-event id DeriveId(record id, version), so
// of two writers that both read version n, only the first to apply n+1 wins; the other gets
// ABORTED ("changed concurrently") and nothing of its change is written.
#pragma once

#include <optional>
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

  // The relationships needed to decide `subject`'s access to `parties`: line-manager chains of
  // the parties (up to 20 levels) and subject's grants.
  absl::StatusOr<Relationships> LoadRelationships(const std::string& authority,
                                                  const RecordParties& parties,
                                                  const std::string& subject);
  // The directory entry of `worker`; NOT_FOUND if no workforce event named them.
  absl::StatusOr<WorkerEntry> Worker(const std::string& authority, const std::string& worker);
  // The line manager of `worker` from the directory ("" if unknown).
  absl::StatusOr<std::string> LineManager(const std::string& authority, const std::string& worker);

  // Stores `next` (the version after `previous`, nullptr for a new record) with its indexes,
  // actions, supervision events (EventsFor) and the audit event of `audit`, atomically. A
  // PURGED `next` (a tombstone) also deletes every earlier version.
  // ALREADY_EXISTS for a new record whose id is taken; ABORTED if another writer stored this
  // version first; transport errors as the connection's. Nothing is written on failure.
  absl::Status SaveVersion(const v1::Record* previous, const v1::Record& next,
                           const AuditEntry& audit);

  // Rebuild: stores one version read back from the records topic (version key, head, indexes;
  // a tombstone deletes the earlier versions), publishing nothing. Versions of one record must
  // come in order (they do: one key, one partition). Idempotent by (record id, version).
  // Actions and agendas are not rebuilt (see README).
  absl::Status RestoreVersion(const v1::Record& version);

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
  // Stores a grant (expiry InfiniteFuture: open-ended). INVALID_ARGUMENT for a bad request.
  absl::Status Grant(const std::string& authority, v1::GrantKind kind, const std::string& subject,
                     const std::string& target, absl::Time expires_at);

  redis::Connection& connection() { return connection_; }

 private:
  // The commands that store `next` (version, head, indexes; a tombstone's deletions).
  void VersionCommands(const v1::Record& next, redis::ChangeSet& change) const;
  absl::Status EmitAudit(redis::ChangeSet& change, const std::string& authority,
                         const std::string& record_id, const AuditEntry& audit,
                         const std::string& discriminator) const;

  redis::Connection& connection_;
  std::string supervision_topic_;
  std::string audit_topic_;
  std::string records_topic_;
};

}  // namespace oversight::recording
