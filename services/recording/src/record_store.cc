#include "record_store.h"

#include <atomic>
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lifecycle.h"
#include "oversight/events/outbound.h"
#include "oversight/pipeline/outbox_event.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "supervision_events.h"

namespace oversight::recording {
namespace {

std::string Tag(const std::string& a) {
  return "ovs:{" + a + "}:rec:";
}
std::string VersionKey(const std::string& a, const std::string& id, int n) {
  return Tag(a) + "record:" + id + ":v:" + std::to_string(n);
}
std::string HeadKey(const std::string& a, const std::string& id) {
  return Tag(a) + "record:" + id + ":head";
}
std::string WorkerRecordsKey(const std::string& a, const std::string& w) {
  return Tag(a) + "worker:" + w + ":records";
}
std::string ChildRecordsKey(const std::string& a, const std::string& c) {
  return Tag(a) + "child:" + c + ":records";
}
std::string ActionKey(const std::string& a, const std::string& id) {
  return Tag(a) + "action:" + id;
}
std::string AgendaKey(const std::string& a, const std::string& w) {
  return Tag(a) + "agenda:" + w;
}
std::string DirKey(const std::string& a, const std::string& w) {
  return Tag(a) + "dir:" + w;
}
std::string InspectorKey(const std::string& a) {
  return Tag(a) + "grant:inspector";
}
std::string CoverKey(const std::string& a, const std::string& s) {
  return Tag(a) + "grant:cover:" + s;
}
std::string ChildGrantKey(const std::string& a, const std::string& s) {
  return Tag(a) + "grant:child:" + s;
}

std::string DueScore(const common::v1::Date& d) {
  return std::to_string(d.year() * 10000 + d.month() * 100 + d.day());
}

absl::Time Expiry(const std::string& seconds) {
  const long long s = std::strtoll(seconds.c_str(), nullptr, 10);
  return s == 0 ? absl::InfiniteFuture() : absl::FromUnixSeconds(s);
}

std::map<std::string, std::string> HashOf(const redis::Reply& reply) {
  std::map<std::string, std::string> fields;
  const auto& e = reply.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2)
    fields[e[i].str()] = e[i + 1].str();
  return fields;
}

std::vector<std::string> AgendaWorkers(const v1::Record& record, const v1::SmartAction& action) {
  std::vector<std::string> workers(record.supervisee_ids().begin(), record.supervisee_ids().end());
  if (std::find(workers.begin(), workers.end(), action.owner_id()) == workers.end()) {
    workers.push_back(action.owner_id());
  }
  return workers;
}

}  // namespace

absl::StatusOr<v1::Record> RecordStore::Version(const std::string& authority,
                                                const std::string& record_id, int version) {
  auto reply = connection_.Command({"GET", VersionKey(authority, record_id, version)},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  v1::Record record;
  if (!reply->is_string() || !record.ParseFromString(reply->str())) {
    return absl::NotFoundError(
        absl::StrCat("no version ", version, " of record ", record_id, " in ", authority));
  }
  return record;
}

absl::StatusOr<v1::Record> RecordStore::Head(const std::string& authority,
                                             const std::string& record_id) {
  auto head =
      connection_.Command({"GET", HeadKey(authority, record_id)}, redis::Idempotency::kIdempotent);
  if (!head.ok()) return head.status();
  if (!head->is_string()) {
    return absl::NotFoundError(absl::StrCat("no record ", record_id, " in authority ", authority));
  }
  return Version(authority, record_id, std::atoi(head->str().c_str()));
}

absl::StatusOr<std::vector<v1::Record>> RecordStore::Versions(const std::string& authority,
                                                              const std::string& record_id) {
  auto head =
      connection_.Command({"GET", HeadKey(authority, record_id)}, redis::Idempotency::kIdempotent);
  if (!head.ok()) return head.status();
  if (!head->is_string()) {
    return absl::NotFoundError(absl::StrCat("no record ", record_id, " in authority ", authority));
  }
  const int n = std::atoi(head->str().c_str());
  redis::Pipeline pipeline;
  for (int v = 1; v <= n; ++v)
    pipeline.Add({"GET", VersionKey(authority, record_id, v)});
  auto replies = connection_.Execute(pipeline, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  std::vector<v1::Record> versions;
  for (const auto& reply : *replies) {
    v1::Record record;
    // A missing or unparsable version is kept as an empty record so VerifyChain reports it.
    if (reply.is_string()) record.ParseFromString(reply.str());
    versions.push_back(std::move(record));
  }
  return versions;
}

absl::StatusOr<std::string> RecordStore::LineManager(const std::string& authority,
                                                     const std::string& worker) {
  auto reply = connection_.Command({"HGET", DirKey(authority, worker), "supervisor_id"},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return reply->is_string() ? reply->str() : "";
}

absl::StatusOr<WorkerEntry> RecordStore::Worker(const std::string& authority,
                                                const std::string& worker) {
  auto reply =
      connection_.Command({"HGETALL", DirKey(authority, worker)}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  if (reply->elements().empty()) {
    return absl::NotFoundError(absl::StrCat("no worker ", worker, " in the directory of ",
                                            authority, " (no workforce event names them)"));
  }
  auto fields = HashOf(*reply);
  WorkerEntry entry;
  entry.supervisor_id = fields["supervisor_id"];
  entry.left = fields["left"] == "1";
  entry.left_childrens_services = fields["left_service"] == "1";
  entry.left_on = fields["left_on"];
  return entry;
}

absl::StatusOr<Relationships> RecordStore::LoadRelationships(const std::string& authority,
                                                             const RecordParties& parties,
                                                             const std::string& subject) {
  Relationships rel;
  std::vector<std::string> frontier{parties.supervisor_id};
  frontier.insert(frontier.end(), parties.supervisee_ids.begin(), parties.supervisee_ids.end());
  for (int depth = 0; depth < 20 && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const auto& worker : frontier) {
      if (worker.empty() || rel.line_manager.count(worker)) continue;
      auto manager = LineManager(authority, worker);
      if (!manager.ok()) return manager.status();
      rel.line_manager[worker] = *manager;
      if (!manager->empty()) next.push_back(*manager);
    }
    frontier = std::move(next);
  }
  redis::Pipeline pipeline;
  pipeline.Add({"HGET", InspectorKey(authority), subject});
  pipeline.Add({"HGETALL", CoverKey(authority, subject)});
  pipeline.Add({"HGETALL", ChildGrantKey(authority, subject)});
  auto replies = connection_.Execute(pipeline, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  if ((*replies)[0].is_string()) {
    rel.inspector_until[subject] = absl::FromUnixSeconds(std::atoll((*replies)[0].str().c_str()));
  }
  for (const auto& [manager, expiry] : HashOf((*replies)[1]))
    rel.covering[subject][manager] = Expiry(expiry);
  for (const auto& [child, expiry] : HashOf((*replies)[2]))
    rel.child_file[subject][child] = Expiry(expiry);
  return rel;
}

absl::Status RecordStore::EmitAudit(redis::ChangeSet& change, const std::string& authority,
                                    const std::string& record_id, const AuditEntry& audit,
                                    const std::string& discriminator) const {
  audit::v1::RecordAccessed event;
  *event.mutable_meta() = events::DerivedMeta(kServiceName, authority, record_id, record_id,
                                              discriminator, audit.at, audit.at);
  event.set_record_id(record_id);
  event.set_actor_id(audit.actor.subject);
  for (const auto& role : audit.actor.roles)
    event.add_actor_roles(role);
  event.set_action(audit.action);
  event.set_allowed(audit.decision.allowed);
  event.set_reason(audit.purpose.empty() ? audit.decision.reason
                                         : audit.decision.reason + "; purpose: " + audit.purpose);
  return pipeline::EmitEvent(change, audit_topic_, record_id, event);
}

void RecordStore::VersionCommands(const v1::Record& next, redis::ChangeSet& change) const {
  const std::string& a = next.authority_id();
  const std::string& id = next.record_id();
  const std::string version_key = VersionKey(a, id, next.version());
  change.Write(version_key, {"SET", version_key, next.SerializeAsString()});
  change.Write(HeadKey(a, id), {"SET", HeadKey(a, id), std::to_string(next.version())});
  const std::string held = std::to_string(next.held_at().seconds());
  std::vector<std::string> workers(next.supervisee_ids().begin(), next.supervisee_ids().end());
  workers.push_back(next.supervisor_id());
  for (const auto& w : workers)
    change.Write(WorkerRecordsKey(a, w), {"ZADD", WorkerRecordsKey(a, w), held, id});
  for (const auto& child : PartiesOf(next).child_ids)
    change.Write(ChildRecordsKey(a, child), {"ZADD", ChildRecordsKey(a, child), held, id});

  if (next.status() == v1::RECORD_STATUS_PURGED) {
    // Retention ended: the content of every earlier version is destroyed; the tombstone stays.
    for (int v = 1; v <= next.version() - 1; ++v) {
      const std::string key = VersionKey(a, id, v);
      change.Write(key, {"DEL", key});
    }
  }
}

absl::Status RecordStore::RestoreVersion(const v1::Record& version) {
  if (version.record_id().empty() || version.authority_id().empty() || version.version() < 1) {
    return absl::InvalidArgumentError("a stored version needs record_id, authority_id, version");
  }
  redis::ChangeSet change;
  VersionCommands(version, change);
  auto applied = change.Apply(
      connection_, version.authority_id(), kServiceName,
      events::DeriveId({"restore", version.record_id(), std::to_string(version.version())}));
  return applied.ok() ? absl::OkStatus() : applied.status();
}

absl::Status RecordStore::SaveVersion(const v1::Record* previous, const v1::Record& next,
                                      const AuditEntry& audit) {
  const std::string& a = next.authority_id();
  const std::string& id = next.record_id();
  if (previous == nullptr) {
    auto exists = connection_.Command({"EXISTS", HeadKey(a, id)}, redis::Idempotency::kIdempotent);
    if (!exists.ok()) return exists.status();
    if (exists->integer() != 0) {
      return absl::AlreadyExistsError(absl::StrCat("record ", id, " already exists in ", a));
    }
  }
  redis::ChangeSet change;
  VersionCommands(next, change);
  if (next.status() != v1::RECORD_STATUS_DRAFT && !next.has_missed()) {
    // Actions new to this version join the agendas; completion state is kept per action.
    std::set<std::string> known;
    if (previous != nullptr && previous->status() != v1::RECORD_STATUS_DRAFT) {
      for (const auto& action : AllActions(*previous))
        known.insert(action.action_id());
    }
    for (const auto& action : AllActions(next)) {
      if (known.count(action.action_id())) continue;
      const std::string key = ActionKey(a, action.action_id());
      change.Write(key, {"SET", key, action.SerializeAsString()});
      for (const auto& w : AgendaWorkers(next, action)) {
        change.Write(AgendaKey(a, w),
                     {"ZADD", AgendaKey(a, w), DueScore(action.due_on()), action.action_id()});
      }
    }
  }
  for (const auto& outbound : EventsFor(previous, next)) {
    if (auto s = pipeline::EmitEvent(change, supervision_topic_, outbound.key, *outbound.event);
        !s.ok())
      return s;
  }
  if (!records_topic_.empty()) {
    v1::RecordVersionStored stored;
    const absl::Time at = events::FromTimestamp(next.updated_at());
    *stored.mutable_meta() = events::DerivedMeta(
        kServiceName, a, id, events::DeriveId({id, std::to_string(next.version())}), "version", at,
        at);
    *stored.mutable_record() = next;
    if (auto s = pipeline::EmitEvent(change, records_topic_, id, stored); !s.ok()) return s;
  }
  if (auto s = EmitAudit(change, a, id, audit, absl::StrCat("audit/v", next.version())); !s.ok())
    return s;
  const std::string event_id = events::DeriveId({id, std::to_string(next.version())});
  auto applied = change.Apply(connection_, a, kServiceName, event_id);
  if (!applied.ok()) return applied.status();
  if (applied->duplicate) {
    return absl::AbortedError(absl::StrCat("record ", id, " was changed concurrently (version ",
                                           next.version(), " already exists); read it again"));
  }
  return absl::OkStatus();
}

absl::Status RecordStore::Audit(const std::string& authority, const std::string& record_id,
                                const AuditEntry& audit) {
  static std::atomic<uint64_t> counter{0};
  redis::ChangeSet change;
  if (auto s = EmitAudit(change, authority, record_id, audit,
                         absl::StrCat("audit/", audit.actor.subject, "/",
                                      absl::ToUnixNanos(audit.at), "/", counter.fetch_add(1)));
      !s.ok())
    return s;
  auto applied = change.Apply(connection_, authority, kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
}

absl::StatusOr<v1::SmartAction> RecordStore::GetAction(const std::string& authority,
                                                       const std::string& action_id) {
  auto reply = connection_.Command({"GET", ActionKey(authority, action_id)},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  v1::SmartAction action;
  if (!reply->is_string() || !action.ParseFromString(reply->str())) {
    return absl::NotFoundError(absl::StrCat("no action ", action_id, " in ", authority));
  }
  return action;
}

absl::StatusOr<v1::SmartAction> RecordStore::CompleteAction(
    const std::string& authority, const v1::SmartAction& action,
    const std::vector<std::string>& agenda_workers, const AuditEntry& audit, absl::Time now) {
  if (action.completed()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "action ", action.action_id(), " was already completed by ", action.completed_by()));
  }
  v1::SmartAction done = action;
  done.set_completed(true);
  done.set_completed_by(audit.actor.subject);
  events::ToTimestamp(now, done.mutable_completed_at());
  redis::ChangeSet change;
  const std::string key = ActionKey(authority, action.action_id());
  change.Write(key, {"SET", key, done.SerializeAsString()});
  for (const auto& w : agenda_workers)
    change.Write(AgendaKey(authority, w), {"ZREM", AgendaKey(authority, w), action.action_id()});
  v1::ActionCompleted event;
  *event.mutable_meta() = events::DerivedMeta(kServiceName, authority, action.action_id(),
                                              action.action_id(), "completed", now, now);
  event.set_action_id(action.action_id());
  event.set_completed_by(audit.actor.subject);
  if (auto s = pipeline::EmitEvent(change, supervision_topic_, action.owner_id(), event); !s.ok())
    return s;
  if (auto s = EmitAudit(change, authority, action.record_id(), audit,
                         "audit/action/" + action.action_id());
      !s.ok())
    return s;
  auto applied = change.Apply(connection_, authority, kServiceName,
                              events::DeriveId({action.action_id(), "completed"}));
  if (!applied.ok()) return applied.status();
  if (applied->duplicate) {
    return absl::AbortedError("the action was completed concurrently; read it again");
  }
  return done;
}

absl::StatusOr<std::vector<v1::SmartAction>> RecordStore::Agenda(const std::string& authority,
                                                                 const std::string& worker,
                                                                 const std::string& child_id) {
  auto ids = connection_.Command({"ZRANGE", AgendaKey(authority, worker), "0", "-1"},
                                 redis::Idempotency::kIdempotent);
  if (!ids.ok()) return ids.status();
  std::vector<v1::SmartAction> open;
  for (const auto& id : ids->elements()) {
    auto action = GetAction(authority, id.str());
    if (absl::IsNotFound(action.status())) continue;
    if (!action.ok()) return action.status();
    if (action->completed()) continue;
    if (!child_id.empty() && action->child_id() != child_id) continue;
    open.push_back(*std::move(action));
  }
  return open;
}

absl::StatusOr<std::vector<std::string>> RecordStore::RecordIds(const std::string& authority,
                                                                const std::string& worker,
                                                                const std::string& child) {
  const std::string key =
      worker.empty() ? ChildRecordsKey(authority, child) : WorkerRecordsKey(authority, worker);
  auto reply = connection_.Command({"ZRANGE", key, "0", "-1"}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  for (const auto& e : reply->elements())
    ids.push_back(e.str());
  return ids;
}

redis::ChangeSet RecordStore::DirectoryChange(const std::string& authority,
                                              const google::protobuf::Message& event) const {
  redis::ChangeSet change;
  if (const auto* joined = dynamic_cast<const workforce::v1::WorkerJoined*>(&event)) {
    const std::string key = DirKey(authority, joined->worker_id());
    change.Write(key, {"HSET", key, "supervisor_id", joined->supervisor_id(), "team_id",
                       joined->team_id(), "left", "0"});
  } else if (const auto* changed = dynamic_cast<const workforce::v1::SupervisorChanged*>(&event)) {
    const std::string key = DirKey(authority, changed->worker_id());
    change.Write(key, {"HSET", key, "supervisor_id", changed->supervisor_id()});
    if (!changed->team_id().empty())
      change.Write(key, {"HSET", key, "team_id", changed->team_id()});
  } else if (const auto* left = dynamic_cast<const workforce::v1::WorkerLeft*>(&event)) {
    const std::string key = DirKey(authority, left->worker_id());
    const auto& d = left->left_on();
    change.Write(
        key, {"HSET", key, "left", "1", "left_service", left->left_childrens_services() ? "1" : "0",
              "left_on", absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day())});
  }
  return change;
}

absl::Status RecordStore::Grant(const std::string& authority, v1::GrantKind kind,
                                const std::string& subject, const std::string& target,
                                absl::Time expires_at) {
  if (subject.empty()) return absl::InvalidArgumentError("subject_id: who is granted access");
  const std::string expiry =
      expires_at == absl::InfiniteFuture() ? "0" : std::to_string(absl::ToUnixSeconds(expires_at));
  std::vector<std::string> command;
  switch (kind) {
    case v1::GRANT_KIND_INSPECTOR:
      if (expires_at == absl::InfiniteFuture()) {
        return absl::InvalidArgumentError("expires_at: an inspector grant is time-limited");
      }
      command = {"HSET", InspectorKey(authority), subject, expiry};
      break;
    case v1::GRANT_KIND_COVER:
      if (target.empty()) return absl::InvalidArgumentError("manager_id: the manager covered");
      command = {"HSET", CoverKey(authority, subject), target, expiry};
      break;
    case v1::GRANT_KIND_CHILD_FILE:
      if (target.empty()) return absl::InvalidArgumentError("child_id: whose file");
      command = {"HSET", ChildGrantKey(authority, subject), target, expiry};
      break;
    default:
      return absl::InvalidArgumentError("kind: INSPECTOR, COVER or CHILD_FILE");
  }
  redis::ChangeSet change;
  change.Write(command[1], command);
  auto applied = change.Apply(connection_, authority, kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
}

}  // namespace oversight::recording
