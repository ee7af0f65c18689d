#include "record_store.h"

#include <atomic>
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lifecycle.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/pipeline/outbox_event.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "records_topic.h"
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
std::string DataSubjectKey(const std::string& a, const std::string& s) {
  return Tag(a) + "grant:data_subject:" + s;
}
std::string ParentalKey(const std::string& a, const std::string& s) {
  return Tag(a) + "grant:parental:" + s;
}
std::string RegulatorKey(const std::string& a, const std::string& s) {
  return Tag(a) + "grant:regulator:" + s;
}
std::string CaseKey(const std::string& a, const std::string& c) {
  return Tag(a) + "case:" + c;
}

// Who was or is indexed for a version: the supervisor and the supervisees.
std::vector<std::string> WorkersOf(const v1::Record& r) {
  std::vector<std::string> workers(r.supervisee_ids().begin(), r.supervisee_ids().end());
  workers.push_back(r.supervisor_id());
  return workers;
}

std::string DueScore(const common::v1::Date& d) {
  // 64-bit: a date that validation let through must not overflow (validation keeps 1900-2200).
  return std::to_string(int64_t{d.year()} * 10000 + int64_t{d.month()} * 100 + d.day());
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
  if (!parties.child_ids.empty()) {
    redis::Pipeline cases;
    for (const auto& child : parties.child_ids)
      cases.Add({"HMGET", CaseKey(authority, child), "state", "worker_id", "team_id"});
    auto replies = connection_.Execute(cases, redis::Idempotency::kIdempotent);
    if (!replies.ok()) return replies.status();
    for (size_t i = 0; i < parties.child_ids.size(); ++i) {
      const auto& fields = (*replies)[i].elements();
      if (fields.size() != 3 || !fields[0].is_string()) continue;  // unknown child
      ChildCase& allocation = rel.child_cases[parties.child_ids[i]];
      if (fields[1].is_string()) allocation.worker_id = fields[1].str();
      if (fields[2].is_string()) allocation.team_id = fields[2].str();
      if (!allocation.worker_id.empty()) frontier.push_back(allocation.worker_id);
    }
  }
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
  pipeline.Add({"HGETALL", DataSubjectKey(authority, subject)});
  pipeline.Add({"HGETALL", ParentalKey(authority, subject)});
  pipeline.Add({"HGETALL", RegulatorKey(authority, subject)});
  pipeline.Add({"HGET", DirKey(authority, subject), "team_id"});
  auto replies = connection_.Execute(pipeline, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  if ((*replies)[0].is_string()) {
    rel.inspector_until[subject] = absl::FromUnixSeconds(std::atoll((*replies)[0].str().c_str()));
  }
  auto fill = [&](const redis::Reply& reply, std::map<std::string, absl::Time>& into) {
    for (const auto& [target, expiry] : HashOf(reply))
      into[target] = Expiry(expiry);
  };
  fill((*replies)[1], rel.covering[subject]);
  fill((*replies)[2], rel.child_file[subject]);
  fill((*replies)[3], rel.data_subject[subject]);
  fill((*replies)[4], rel.parental_responsibility[subject]);
  fill((*replies)[5], rel.regulator[subject]);
  if ((*replies)[6].is_string()) rel.team[subject] = (*replies)[6].str();
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

void RecordStore::VersionCommands(const v1::Record& next, const VersionContext& context,
                                  redis::ChangeSet& change) const {
  const std::string& a = next.authority_id();
  const std::string& id = next.record_id();
  const std::string version_key = VersionKey(a, id, next.version());
  change.Write(version_key, {"SET", version_key, next.SerializeAsString()});
  change.Write(HeadKey(a, id), {"SET", HeadKey(a, id), std::to_string(next.version())});
  const std::string held = std::to_string(next.held_at().seconds());
  const std::vector<std::string> workers = WorkersOf(next);
  for (const auto& w : workers)
    change.Write(WorkerRecordsKey(a, w), {"ZADD", WorkerRecordsKey(a, w), held, id});
  const std::vector<std::string> children = PartiesOf(next).child_ids;
  for (const auto& child : children)
    change.Write(ChildRecordsKey(a, child), {"ZADD", ChildRecordsKey(a, child), held, id});

  if (next.status() == v1::RECORD_STATUS_PURGED) {
    // Retention ended: the content of every earlier version is destroyed, with what it left
    // behind (actions, agenda entries, index entries the tombstone does not keep).
    for (int v = 1; v <= next.version() - 1; ++v) {
      const std::string key = VersionKey(a, id, v);
      change.Write(key, {"DEL", key});
    }
    if (context.destroyed == nullptr) return;
    std::set<std::string> kept(workers.begin(), workers.end());
    for (const auto& earlier : *context.destroyed) {
      for (const auto& w : WorkersOf(earlier)) {
        if (kept.insert(w).second) {
          change.Write(WorkerRecordsKey(a, w), {"ZREM", WorkerRecordsKey(a, w), id});
        }
      }
      for (const auto& child : PartiesOf(earlier).child_ids) {
        if (std::find(children.begin(), children.end(), child) != children.end()) continue;
        change.Write(ChildRecordsKey(a, child), {"ZREM", ChildRecordsKey(a, child), id});
      }
      for (const auto& action : AllActions(earlier)) {
        const std::string key = ActionKey(a, action.action_id());
        change.Write(key, {"DEL", key});
        for (const auto& w : AgendaWorkers(earlier, action))
          change.Write(AgendaKey(a, w), {"ZREM", AgendaKey(a, w), action.action_id()});
      }
    }
    return;
  }
  if (next.status() == v1::RECORD_STATUS_DRAFT || next.has_missed()) return;
  // Actions new to this version join the agendas; completion state is kept per action.
  std::set<std::string> known;
  if (context.previous != nullptr && context.previous->status() != v1::RECORD_STATUS_DRAFT) {
    for (const auto& action : AllActions(*context.previous))
      known.insert(action.action_id());
  }
  for (const auto& action : AllActions(next)) {
    if (known.count(action.action_id())) continue;
    if (context.restored_actions != nullptr &&
        context.restored_actions->count(action.action_id())) {
      continue;  // rebuild: its later state (completed) was restored from the topic
    }
    const std::string key = ActionKey(a, action.action_id());
    change.Write(key, {"SET", key, action.SerializeAsString()});
    for (const auto& w : AgendaWorkers(next, action)) {
      change.Write(AgendaKey(a, w),
                   {"ZADD", AgendaKey(a, w), DueScore(action.due_on()), action.action_id()});
    }
  }
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
  std::vector<v1::Record> destroyed;
  if (next.status() == v1::RECORD_STATUS_PURGED) {
    auto earlier = Versions(a, id);
    if (!earlier.ok()) return earlier.status();
    for (auto& version : *earlier) {
      if (version.version() > 0 && version.version() < next.version()) {
        destroyed.push_back(std::move(version));
      }
    }
  }
  redis::ChangeSet change;
  VersionCommands(next, {previous, &destroyed, nullptr}, change);
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
    if (auto s = pipeline::EmitEvent(change, records_topic_,
                                     RecordVersionTopicKey(a, id, next.version()), stored);
        !s.ok())
      return s;
    // Null values for everything the purge destroyed: compaction removes it from Kafka too.
    for (int v = 1; v < next.version() && next.status() == v1::RECORD_STATUS_PURGED; ++v)
      change.EmitTombstone(records_topic_, RecordVersionTopicKey(a, id, v));
    std::set<std::string> actions;
    for (const auto& earlier : destroyed)
      for (const auto& action : AllActions(earlier))
        if (actions.insert(action.action_id()).second)
          change.EmitTombstone(records_topic_, ActionTopicKey(a, action.action_id()));
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

absl::Status RecordStore::RestoreVersionKey(const v1::Record& version) {
  if (version.record_id().empty() || version.authority_id().empty() || version.version() < 1) {
    return absl::InvalidArgumentError("a stored version needs record_id, authority_id, version");
  }
  const std::string key =
      VersionKey(version.authority_id(), version.record_id(), version.version());
  redis::ChangeSet change;
  change.Write(key, {"SET", key, version.SerializeAsString()});
  auto applied = change.Apply(connection_, version.authority_id(), kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
}

absl::Status RecordStore::RestoreAction(const std::string& authority, const std::string& action_id,
                                        const v1::SmartAction* state) {
  const std::string key = ActionKey(authority, action_id);
  redis::ChangeSet change;
  if (state == nullptr) {
    change.Write(key, {"DEL", key});
  } else {
    change.Write(key, {"SET", key, state->SerializeAsString()});
  }
  auto applied = change.Apply(connection_, authority, kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
}

absl::Status RecordStore::RestoreGrant(const v1::GrantStored& grant) {
  const v1::GrantAccessRequest& request = grant.grant();
  // The stored grant was checked when it was made.
  const std::string target = GrantTargetOf(request);
  const auto [key, field] = GrantField(request, target);
  if (key.empty()) return absl::InvalidArgumentError("a stored grant of unknown kind");
  redis::ChangeSet change;
  change.Write(key,
               {"HSET", key, field,
                request.has_expires_at() ? std::to_string(request.expires_at().seconds()) : "0"});
  auto applied = change.Apply(connection_, request.authority_id(), kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
}

absl::Status RecordStore::ReplayRecord(const std::string& authority, const std::string& record_id,
                                       int last_version) {
  redis::Pipeline pipeline;
  for (int v = 1; v <= last_version; ++v)
    pipeline.Add({"GET", VersionKey(authority, record_id, v)});
  auto replies = connection_.Execute(pipeline, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  std::vector<std::optional<v1::Record>> versions;
  int purged_at = 0;
  for (const auto& reply : *replies) {
    v1::Record record;
    if (reply.is_string() && record.ParseFromString(reply.str())) {
      if (record.status() == v1::RECORD_STATUS_PURGED) purged_at = record.version();
      versions.push_back(std::move(record));
    } else {
      versions.push_back(std::nullopt);
    }
  }
  redis::ChangeSet change;
  if (purged_at > 0) {
    // Only the tombstone counts; whatever of the destroyed versions is still on the topic (it is
    // not compacted yet) is destroyed again, as the purge did.
    std::vector<v1::Record> destroyed;
    for (int v = 1; v < purged_at; ++v)
      if (versions[v - 1].has_value()) destroyed.push_back(*versions[v - 1]);
    VersionCommands(*versions[purged_at - 1], {nullptr, &destroyed, nullptr}, change);
  } else {
    std::set<std::string> action_ids;
    for (const auto& version : versions) {
      if (!version.has_value()) continue;
      for (const auto& action : AllActions(*version))
        action_ids.insert(action.action_id());
    }
    std::set<std::string> restored;
    if (!action_ids.empty()) {
      redis::Pipeline exists;
      for (const auto& action_id : action_ids)
        exists.Add({"EXISTS", ActionKey(authority, action_id)});
      auto found = connection_.Execute(exists, redis::Idempotency::kIdempotent);
      if (!found.ok()) return found.status();
      size_t i = 0;
      for (const auto& action_id : action_ids)
        if ((*found)[i++].integer() != 0) restored.insert(action_id);
    }
    const v1::Record* previous = nullptr;
    for (int v = 1; v <= last_version; ++v) {
      if (!versions[v - 1].has_value()) {
        return absl::DataLossError(absl::StrCat("record ", record_id, " of ", authority,
                                                ": version ", v, " of ", last_version,
                                                " is not on the records topic"));
      }
      VersionCommands(*versions[v - 1], {previous, nullptr, &restored}, change);
      previous = &*versions[v - 1];
    }
  }
  auto applied = change.Apply(connection_, authority, kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
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
  if (!records_topic_.empty()) {
    v1::ActionStored stored;
    *stored.mutable_meta() = events::DerivedMeta(kServiceName, authority, action.action_id(),
                                                 action.action_id(), "stored/completed", now, now);
    *stored.mutable_action() = done;
    if (auto s = pipeline::EmitEvent(change, records_topic_,
                                     ActionTopicKey(authority, action.action_id()), stored);
        !s.ok())
      return s;
  }
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

redis::ChangeSet RecordStore::CaseChange(const std::string& authority,
                                         const google::protobuf::Message& event) const {
  redis::ChangeSet change;
  const auto* descriptor = event.GetDescriptor();
  const auto* child_field = descriptor->FindFieldByName("child_id");
  if (child_field == nullptr ||
      child_field->type() != google::protobuf::FieldDescriptor::TYPE_STRING)
    return change;
  const std::string child = event.GetReflection()->GetString(event, child_field);
  if (child.empty()) return change;
  const std::string key = CaseKey(authority, child);
  // Any case event names a child the case system knows.
  change.Write(key, {"HSETNX", key, "state", "open"});
  if (const auto* allocated = dynamic_cast<const cases::v1::CaseAllocated*>(&event)) {
    change.Write(key, {"HSET", key, "state", "open", "worker_id", allocated->worker_id(), "team_id",
                       allocated->team_id()});
  } else if (const auto* lead = dynamic_cast<const cases::v1::LeadPractitionerChanged*>(&event)) {
    change.Write(key, {"HSET", key, "worker_id", lead->worker_id()});
  } else if (dynamic_cast<const cases::v1::CaseClosed*>(&event) != nullptr) {
    change.Write(key, {"HSET", key, "state", "closed"});
  } else if (const auto* moved = dynamic_cast<const cases::v1::CaseTransferred*>(&event)) {
    if (!moved->to_authority_id().empty() && moved->to_authority_id() != authority) {
      change.Write(key, {"HSET", key, "state", "transferred"});
    } else if (!moved->to_team_id().empty()) {
      change.Write(key, {"HSET", key, "team_id", moved->to_team_id()});
    }
  }
  return change;
}

absl::StatusOr<std::vector<std::string>> RecordStore::UnknownChildren(
    const std::string& authority, const std::vector<std::string>& child_ids) {
  if (child_ids.empty()) return std::vector<std::string>{};
  redis::Pipeline pipeline;
  for (const auto& child : child_ids)
    pipeline.Add({"EXISTS", CaseKey(authority, child)});
  auto replies = connection_.Execute(pipeline, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  std::vector<std::string> unknown;
  for (size_t i = 0; i < child_ids.size(); ++i)
    if ((*replies)[i].integer() == 0) unknown.push_back(child_ids[i]);
  return unknown;
}

std::pair<std::string, std::string> RecordStore::GrantField(const v1::GrantAccessRequest& request,
                                                            const std::string& target) {
  const std::string& a = request.authority_id();
  const std::string& subject = request.subject_id();
  switch (request.kind()) {
    case v1::GRANT_KIND_INSPECTOR:
      return {InspectorKey(a), subject};
    case v1::GRANT_KIND_COVER:
      return {CoverKey(a, subject), target};
    case v1::GRANT_KIND_CHILD_FILE:
      return {ChildGrantKey(a, subject), target};
    case v1::GRANT_KIND_DATA_SUBJECT:
      return {DataSubjectKey(a, subject), target};
    case v1::GRANT_KIND_PARENTAL_RESPONSIBILITY:
      return {ParentalKey(a, subject), target};
    case v1::GRANT_KIND_REGULATOR:
      return {RegulatorKey(a, subject), target};
    default:
      return {"", ""};
  }
}

absl::Status RecordStore::EmitGrantAudit(redis::ChangeSet& change,
                                         const v1::GrantAccessRequest& request,
                                         const std::string& target, const AuditEntry& audit) const {
  static std::atomic<uint64_t> counter{0};
  audit::v1::AccessGranted event;
  *event.mutable_meta() = events::DerivedMeta(
      kServiceName, request.authority_id(), request.subject_id(), GrantTopicKey(request, target),
      absl::StrCat("grant/", audit.actor.subject, "/", absl::ToUnixNanos(audit.at), "/",
                   counter.fetch_add(1)),
      audit.at, audit.at);
  event.set_actor_id(audit.actor.subject);
  for (const auto& role : audit.actor.roles)
    event.add_actor_roles(role);
  event.set_kind(v1::GrantKind_Name(request.kind()));
  event.set_subject_id(request.subject_id());
  event.set_target_id(target);
  if (request.has_expires_at()) *event.mutable_expires_at() = request.expires_at();
  event.set_allowed(audit.decision.allowed);
  event.set_reason(request.reason().empty()
                       ? audit.decision.reason
                       : audit.decision.reason + "; reason given: " + request.reason());
  return pipeline::EmitEvent(change, audit_topic_, request.subject_id(), event);
}

absl::Status RecordStore::SaveGrant(const v1::GrantAccessRequest& request,
                                    const std::string& target, const AuditEntry& audit) {
  const auto [key, field] = GrantField(request, target);
  if (key.empty()) return absl::InvalidArgumentError("kind: not a grant kind");
  const std::string expiry =
      request.has_expires_at() ? std::to_string(request.expires_at().seconds()) : "0";
  redis::ChangeSet change;
  change.Write(key, {"HSET", key, field, expiry});
  if (auto s = EmitGrantAudit(change, request, target, audit); !s.ok()) return s;
  if (!records_topic_.empty()) {
    v1::GrantStored stored;
    *stored.mutable_meta() = events::DerivedMeta(
        kServiceName, request.authority_id(), request.subject_id(), GrantTopicKey(request, target),
        absl::StrCat("stored/", absl::ToUnixNanos(audit.at)), audit.at, audit.at);
    *stored.mutable_grant() = request;
    stored.set_granted_by(audit.actor.subject);
    if (auto s =
            pipeline::EmitEvent(change, records_topic_, GrantTopicKey(request, target), stored);
        !s.ok())
      return s;
  }
  auto applied = change.Apply(connection_, request.authority_id(), kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
}

absl::Status RecordStore::AuditGrant(const v1::GrantAccessRequest& request,
                                     const AuditEntry& audit) {
  redis::ChangeSet change;
  const std::string target = GrantTargetOf(request);
  if (auto s = EmitGrantAudit(change, request, target, audit); !s.ok()) return s;
  auto applied = change.Apply(connection_, request.authority_id(), kServiceName, "");
  return applied.ok() ? absl::OkStatus() : applied.status();
}

}  // namespace oversight::recording
