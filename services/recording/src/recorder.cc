#include "recorder.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lifecycle.h"
#include "oversight/events/outbound.h"
#include "oversight/policy/period.h"
#include "oversight/runtime/request_checks.h"
#include "validation.h"

namespace oversight::recording {
namespace {

std::string NewRecordId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("rec-%016x%016x", random(), random());
}

AuditEntry Entry(const runtime::Principal& who, audit::v1::AccessAction action,
                 AccessDecision decision, absl::Time at, std::string purpose = "") {
  return AuditEntry{who, action, std::move(decision), std::move(purpose), at};
}

}  // namespace

absl::StatusOr<const authorities::Authority*> Recorder::Served(const std::string& authority) const {
  if (authority.empty()) return absl::InvalidArgumentError("authority_id is required");
  const auto* found = authorities_.Find(authority);
  if (found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("authority \"", authority, "\" is not served by this deployment"));
  }
  return found;
}

absl::Status Recorder::CheckRead(const runtime::Principal& who, const v1::Record& record,
                                 const std::string& purpose) {
  auto authority = Served(record.authority_id());
  if (!authority.ok()) return authority.status();
  const RecordParties parties = PartiesOf(record);
  auto rel = store_.LoadRelationships(record.authority_id(), parties, who.subject);
  if (!rel.ok()) return rel.status();
  const absl::Time now = clock_.Now();
  AccessDecision decision = DecideRead(who, parties, *rel, (*authority)->pack, now);
  auto audited = store_.Audit(record.authority_id(), record.record_id(),
                              Entry(who, audit::v1::ACCESS_ACTION_READ, decision, now, purpose));
  if (!audited.ok()) return audited;  // no read without its audit event
  if (!decision.allowed) return absl::PermissionDeniedError(decision.reason);
  return absl::OkStatus();
}

absl::Status Recorder::CheckChildrenKnown(const v1::Record* current, const v1::Record& next) {
  if (next.status() == v1::RECORD_STATUS_DRAFT || next.status() == v1::RECORD_STATUS_PURGED) {
    return absl::OkStatus();
  }
  std::vector<std::string> named = PartiesOf(next).child_ids;
  if (current != nullptr && current->status() != v1::RECORD_STATUS_DRAFT) {
    const std::vector<std::string> before = PartiesOf(*current).child_ids;
    std::erase_if(named, [&before](const std::string& child) {
      return std::find(before.begin(), before.end(), child) != before.end();
    });
  }
  auto unknown = store_.UnknownChildren(next.authority_id(), named);
  if (!unknown.ok()) return unknown.status();
  return RequireKnownChildren(next, *unknown);
}

template <typename StepFn>
absl::StatusOr<v1::Record> Recorder::Write(const runtime::Principal& who,
                                           const std::string& authority,
                                           const std::string& record_id, WriteKind kind,
                                           audit::v1::AccessAction action, StepFn step) {
  auto served = Served(authority);
  if (!served.ok()) return served.status();
  if (record_id.empty()) return absl::InvalidArgumentError("record_id is required");
  auto current = store_.Head(authority, record_id);
  if (!current.ok()) return current.status();
  const RecordParties parties = PartiesOf(*current);
  auto rel = store_.LoadRelationships(authority, parties, who.subject);
  if (!rel.ok()) return rel.status();
  const absl::Time now = clock_.Now();
  AccessDecision decision = DecideWrite(who, parties, kind, *rel, now);
  if (!decision.allowed) {
    auto audited = store_.Audit(authority, record_id, Entry(who, action, decision, now));
    if (!audited.ok()) return audited;
    return absl::PermissionDeniedError(decision.reason);
  }
  absl::StatusOr<v1::Record> next = step(*current, Step{who.subject, now}, **served, *rel);
  if (!next.ok()) {
    if (absl::IsPermissionDenied(next.status())) {
      decision = {false, std::string(next.status().message())};
      auto audited = store_.Audit(authority, record_id, Entry(who, action, decision, now));
      if (!audited.ok()) return audited;
    }
    return next.status();
  }
  if (auto s = CheckChildrenKnown(&*current, *next); !s.ok()) return s;
  auto saved = store_.SaveVersion(&*current, *next, Entry(who, action, decision, now));
  if (!saved.ok()) return saved;
  return next;
}

absl::StatusOr<v1::Record> Recorder::Create(const runtime::Principal& who, v1::Record record,
                                            bool draft) {
  auto served = Served(record.authority_id());
  if (!served.ok()) return served.status();
  if (record.record_id().empty()) record.set_record_id(NewRecordId());
  if (record.record_id().size() > 256) {
    return absl::InvalidArgumentError("record.record_id: at most 256 characters");
  }
  if (record.kind() == v1::RECORD_KIND_MANAGEMENT_OVERSIGHT && record.supervisor_id().empty()) {
    record.set_supervisor_id(record.oversight().decision_maker_id());
  }
  const RecordParties parties = PartiesOf(record);
  auto rel = store_.LoadRelationships(record.authority_id(), parties, who.subject);
  if (!rel.ok()) return rel.status();
  const absl::Time now = clock_.Now();
  const AccessDecision decision = DecideWrite(who, parties, WriteKind::kCreate, *rel, now);
  if (!decision.allowed) {
    auto audited = store_.Audit(record.authority_id(), record.record_id(),
                                Entry(who, audit::v1::ACCESS_ACTION_WRITE, decision, now));
    if (!audited.ok()) return audited;
    return absl::PermissionDeniedError(decision.reason);
  }
  auto created = CreateVersion(record, draft, Step{who.subject, now}, (*served)->engine.get());
  if (!created.ok()) return created.status();
  if (auto s = CheckChildrenKnown(nullptr, *created); !s.ok()) return s;
  auto saved = store_.SaveVersion(nullptr, *created,
                                  Entry(who, audit::v1::ACCESS_ACTION_WRITE, decision, now));
  if (!saved.ok()) return saved;
  return created;
}

absl::StatusOr<v1::Record> Recorder::Get(const runtime::Principal& who,
                                         const std::string& authority, const std::string& record_id,
                                         int version, const std::string& purpose) {
  auto served = Served(authority);
  if (!served.ok()) return served.status();
  if (record_id.empty()) return absl::InvalidArgumentError("record_id is required");
  if (version < 0) return absl::InvalidArgumentError("version must not be negative");
  auto head = store_.Head(authority, record_id);
  if (!head.ok()) return head.status();
  // Access is decided on the latest parties (they never change after creation).
  if (auto s = CheckRead(who, *head, purpose); !s.ok()) return s;
  if (version == 0 || version == head->version()) return head;
  return store_.Version(authority, record_id, version);
}

absl::StatusOr<v1::Record> Recorder::Submit(const runtime::Principal& who,
                                            const std::string& authority,
                                            const std::string& record_id) {
  return Write(
      who, authority, record_id, WriteKind::kEdit, audit::v1::ACCESS_ACTION_WRITE,
      [](const v1::Record& current, const Step& step, const authorities::Authority& served,
         const Relationships&) { return recording::Submit(current, step, served.engine.get()); });
}

absl::StatusOr<v1::Record> Recorder::Update(const runtime::Principal& who,
                                            const v1::Record& record) {
  return Write(who, record.authority_id(), record.record_id(), WriteKind::kEdit,
               audit::v1::ACCESS_ACTION_WRITE,
               [&record](const v1::Record& current, const Step& step,
                         const authorities::Authority& served, const Relationships&) {
                 return recording::Update(current, record, step, served.engine.get());
               });
}

absl::StatusOr<v1::Record> Recorder::Circulate(const runtime::Principal& who,
                                               const std::string& authority,
                                               const std::string& record_id) {
  return Write(who, authority, record_id, WriteKind::kCirculate, audit::v1::ACCESS_ACTION_WRITE,
               [](const v1::Record& current, const Step& step, const authorities::Authority&,
                  const Relationships&) { return recording::Circulate(current, step); });
}

absl::StatusOr<v1::Record> Recorder::Sign(const runtime::Principal& who,
                                          const std::string& authority,
                                          const std::string& record_id, v1::Party party) {
  return Write(who, authority, record_id, WriteKind::kSign, audit::v1::ACCESS_ACTION_SIGN,
               [party](const v1::Record& current, const Step& step, const authorities::Authority&,
                       const Relationships&) { return recording::Sign(current, party, step); });
}

absl::StatusOr<v1::Record> Recorder::Amend(const runtime::Principal& who,
                                           const std::string& authority,
                                           const std::string& record_id, const std::string& reason,
                                           const std::string& notes, const v1::Record* corrected) {
  return Write(who, authority, record_id, WriteKind::kAmend, audit::v1::ACCESS_ACTION_AMEND,
               [&](const v1::Record& current, const Step& step,
                   const authorities::Authority& served, const Relationships&) {
                 return recording::Amend(current, reason, notes, corrected, step,
                                         served.engine.get());
               });
}

absl::StatusOr<v1::Record> Recorder::Disagree(const runtime::Principal& who,
                                              const std::string& authority,
                                              const std::string& record_id, const std::string& text,
                                              bool refer) {
  return Write(who, authority, record_id, WriteKind::kDisagree, audit::v1::ACCESS_ACTION_WRITE,
               [&](const v1::Record& current, const Step& step, const authorities::Authority&,
                   const Relationships& rel) {
                 auto it = rel.line_manager.find(current.supervisor_id());
                 const std::string line_manager = it == rel.line_manager.end() ? "" : it->second;
                 return recording::Disagree(current, text, refer, line_manager, step);
               });
}

absl::StatusOr<Verification> Recorder::Verify(const runtime::Principal& who,
                                              const std::string& authority,
                                              const std::string& record_id) {
  auto served = Served(authority);
  if (!served.ok()) return served.status();
  if (record_id.empty()) return absl::InvalidArgumentError("record_id is required");
  auto head = store_.Head(authority, record_id);
  if (!head.ok()) return head.status();
  if (head->status() == v1::RECORD_STATUS_PURGED) {
    // Earlier versions were destroyed at the end of retention; the tombstone still proves its own
    // integrity and names the last hash of the destroyed content.
    if (auto s = CheckRead(who, *head, "verify"); !s.ok()) return s;
    const bool intact = ContentHash(*head, head->previous_hash()) == head->content_hash();
    return Verification{
        intact,
        absl::StrCat("purged (", head->notes(), "); tombstone ", intact ? "intact" : "altered",
                     ", last hash of the destroyed content ", head->previous_hash())};
  }
  auto versions = store_.Versions(authority, record_id);
  if (!versions.ok()) return versions.status();
  // Access is decided on version 1's parties, as stored (a tampered head must not widen access).
  v1::Record first = versions->front();
  first.set_authority_id(authority);
  first.set_record_id(record_id);
  if (auto s = CheckRead(who, first, "verify"); !s.ok()) return s;
  return VerifyChain(*versions);
}

absl::StatusOr<std::vector<v1::SmartAction>> Recorder::Agenda(const runtime::Principal& who,
                                                              const std::string& authority,
                                                              const std::string& worker,
                                                              const std::string& child_id) {
  auto served = Served(authority);
  if (!served.ok()) return served.status();
  if (worker.empty()) return absl::InvalidArgumentError("supervisee_id is required");
  // The agenda is about the worker: decide as for a personal record of theirs with their line
  // manager as supervisor.
  auto manager = store_.LineManager(authority, worker);
  if (!manager.ok()) return manager.status();
  RecordParties parties;
  parties.record_id = "agenda:" + worker;
  parties.authority_id = authority;
  parties.kind = v1::RECORD_KIND_PERSONAL_SUPERVISION;
  parties.supervisor_id = *manager;
  parties.supervisee_ids = {worker};
  auto rel = store_.LoadRelationships(authority, parties, who.subject);
  if (!rel.ok()) return rel.status();
  const absl::Time now = clock_.Now();
  const AccessDecision decision = DecideRead(who, parties, *rel, (*served)->pack, now);
  auto audited = store_.Audit(authority, parties.record_id,
                              Entry(who, audit::v1::ACCESS_ACTION_READ, decision, now, "agenda"));
  if (!audited.ok()) return audited;
  if (!decision.allowed) return absl::PermissionDeniedError(decision.reason);
  return store_.Agenda(authority, worker, child_id);
}

absl::StatusOr<v1::SmartAction> Recorder::CompleteAction(const runtime::Principal& who,
                                                         const std::string& authority,
                                                         const std::string& action_id) {
  auto served = Served(authority);
  if (!served.ok()) return served.status();
  if (action_id.empty()) return absl::InvalidArgumentError("action_id is required");
  auto action = store_.GetAction(authority, action_id);
  if (!action.ok()) return action.status();
  auto record = store_.Head(authority, action->record_id());
  if (!record.ok()) return record.status();
  const RecordParties parties = PartiesOf(*record);
  auto rel = store_.LoadRelationships(authority, parties, who.subject);
  if (!rel.ok()) return rel.status();
  const absl::Time now = clock_.Now();
  AccessDecision decision = DecideWrite(who, parties, WriteKind::kCompleteAction, *rel, now);
  if (!decision.allowed && who.subject == action->owner_id()) {
    decision = {true, "H16/S14: owner of the action"};
  }
  const AuditEntry entry = Entry(who, audit::v1::ACCESS_ACTION_WRITE, decision, now);
  if (!decision.allowed) {
    auto audited = store_.Audit(authority, record->record_id(), entry);
    if (!audited.ok()) return audited;
    return absl::PermissionDeniedError(decision.reason);
  }
  std::vector<std::string> workers(record->supervisee_ids().begin(),
                                   record->supervisee_ids().end());
  workers.push_back(action->owner_id());
  return store_.CompleteAction(authority, *action, workers, entry, now);
}

absl::StatusOr<v1::ListRecordsResponse> Recorder::List(const runtime::Principal& who,
                                                       const v1::ListRecordsRequest& request) {
  auto served = Served(request.authority_id());
  if (!served.ok()) return served.status();
  if (request.supervisee_id().empty() == request.child_id().empty()) {
    return absl::InvalidArgumentError("give exactly one of supervisee_id and child_id");
  }
  if (request.page().page_size() < 0) {
    return absl::InvalidArgumentError("page.page_size must not be negative");
  }
  const int page_size =
      request.page().page_size() == 0 ? 50 : std::min(request.page().page_size(), 500);
  auto parsed_offset = runtime::ParseOffsetPageToken(request.page().page_token());
  if (!parsed_offset.ok()) return parsed_offset.status();
  const size_t offset = *parsed_offset;
  auto ids = store_.RecordIds(request.authority_id(), request.supervisee_id(), request.child_id());
  if (!ids.ok()) return ids.status();
  v1::ListRecordsResponse response;
  size_t readable = 0;
  for (auto it = ids->rbegin(); it != ids->rend(); ++it) {
    auto record = store_.Head(request.authority_id(), *it);
    if (absl::IsNotFound(record.status())) continue;
    if (!record.ok()) return record.status();
    auto allowed = CheckRead(who, *record, "list");
    if (absl::IsPermissionDenied(allowed)) continue;
    if (!allowed.ok()) return allowed;
    if (readable++ < offset) continue;
    if (response.records_size() == page_size) {
      response.mutable_page()->set_next_page_token(std::to_string(offset + page_size));
      break;
    }
    *response.add_records() = *std::move(record);
  }
  return response;
}

absl::StatusOr<v1::PurgeWorkerRecordsResponse> Recorder::PurgeWorkerRecords(
    const runtime::Principal& who, const std::string& authority, const std::string& worker) {
  if (!who.HasRole("records_officer") && !who.HasRole("senior_manager")) {
    return absl::PermissionDeniedError(
        "only a records officer or a senior manager purges records at the end of retention");
  }
  if (!who.authority_id.empty() && who.authority_id != authority) {
    return absl::PermissionDeniedError("the token is for authority " + who.authority_id);
  }
  return PurgeLeaver(who, authority, worker, "", "");
}

absl::StatusOr<v1::PurgeWorkerRecordsResponse> Recorder::PurgeOnRetentionDue(
    const std::string& authority, const std::string& worker, const std::string& left_on,
    const std::string& cause_event_id) {
  runtime::Principal actor;
  actor.subject = kRetentionActor;
  actor.authority_id = authority;
  return PurgeLeaver(
      actor, authority, worker, left_on,
      absl::StrCat("; scheduling's retention item fell due (event ", cause_event_id, ")"));
}

absl::StatusOr<v1::PurgeWorkerRecordsResponse> Recorder::PurgeLeaver(
    const runtime::Principal& actor, const std::string& authority, const std::string& worker,
    std::string left_on, const std::string& why) {
  auto served = Served(authority);
  if (!served.ok()) return served.status();
  if (worker.empty()) return absl::InvalidArgumentError("worker_id is required");
  const auto& retention = (*served)->pack.retention;
  if (!retention.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", authority, " pack sets no retention period; nothing is purged"));
  }
  if (left_on.empty()) {
    auto entry = store_.Worker(authority, worker);
    if (!entry.ok()) return entry.status();
    if (!entry->left || !entry->left_childrens_services || entry->left_on.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(worker, " has not left Children's Services; their records are kept (",
                       retention->rule_id, ")"));
    }
    left_on = entry->left_on;
  }
  auto left_day = policy::ParseDay(left_on);
  if (!left_day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaving date of ", worker, ": ", left_day.status().message()));
  }
  const policy::DueDate until = (*served)->engine->DayDeadline(*left_day, retention->keep);
  const absl::Time now = clock_.Now();
  v1::PurgeWorkerRecordsResponse response;
  events::ToTimestamp(until.due_at, response.mutable_retained_until());
  if (now <= until.due_at) {
    return absl::FailedPreconditionError(absl::StrCat(
        "records of ", worker, " are kept until ", policy::FormatDay(until.due_day), " (",
        retention->rule_id, ": ", retention->keep.ToString(), " after leaving on ", left_on, ")"));
  }
  auto ids = store_.RecordIds(authority, worker, "");
  if (!ids.ok()) return ids.status();
  for (const auto& id : *ids) {
    auto current = store_.Head(authority, id);
    if (absl::IsNotFound(current.status())) continue;
    if (!current.ok()) return current.status();
    const RecordParties parties = PartiesOf(*current);
    const bool supervisee = std::find(parties.supervisee_ids.begin(), parties.supervisee_ids.end(),
                                      worker) != parties.supervisee_ids.end();
    if (!supervisee || IsChildSpecific(parties) || current->status() == v1::RECORD_STATUS_PURGED) {
      continue;  // child records are part of the child's file; others' records are kept
    }
    auto tombstone = Purge(*current, retention->rule_id, Step{actor.subject, now});
    if (!tombstone.ok()) return tombstone.status();
    AccessDecision decision{
        true, absl::StrCat(retention->rule_id, ": retention of ", retention->keep.ToString(),
                           " after ", worker, " left on ", left_on, " has ended", why)};
    auto saved = store_.SaveVersion(&*current, *tombstone,
                                    Entry(actor, audit::v1::ACCESS_ACTION_PURGE, decision, now));
    if (!saved.ok()) return saved;
    response.add_purged_record_ids(id);
  }
  return response;
}

absl::Status Recorder::Grant(const runtime::Principal& who, const v1::GrantAccessRequest& request) {
  auto served = Served(request.authority_id());
  if (!served.ok()) return served.status();
  const absl::Time now = clock_.Now();
  auto refuse = [&](absl::Status status) -> absl::Status {
    auto audited = store_.AuditGrant(request, Entry(who, audit::v1::ACCESS_ACTION_WRITE,
                                                    {false, std::string(status.message())}, now));
    return audited.ok() ? status : audited;
  };
  if (!who.HasRole("senior_manager") && !who.HasRole("access_administrator")) {
    return refuse(absl::PermissionDeniedError(
        "only a senior manager or an access administrator grants access to records (H16/S14)"));
  }
  if (!who.authority_id.empty() && who.authority_id != request.authority_id()) {
    return refuse(absl::PermissionDeniedError("the token is for authority " + who.authority_id));
  }
  auto target = GrantTarget(request, now);
  if (!target.ok()) return refuse(target.status());
  return store_.SaveGrant(
      request, *target,
      Entry(who, audit::v1::ACCESS_ACTION_WRITE,
            {true,
             absl::StrCat("H16/S14: ",
                          who.HasRole("senior_manager") ? "senior manager" : "access administrator",
                          " grants ", v1::GrantKind_Name(request.kind()))},
            now));
}

}  // namespace oversight::recording
