#include "lifecycle.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "content_hash.h"
#include "lateness.h"
#include "oversight/events/outbound.h"
#include "validation.h"

namespace oversight::recording {
namespace {

absl::Status NotNow(const v1::Record& record, const std::string& what) {
  return absl::FailedPreconditionError(absl::StrCat(
      "record ", record.record_id(), " is ", v1::RecordStatus_Name(record.status()), ": ", what));
}

bool IsSupervisee(const v1::Record& record, const std::string& id) {
  for (const auto& s : record.supervisee_ids())
    if (s == id) return true;
  return false;
}

bool HasSigned(const v1::Record& record, const std::string& id, v1::Party party) {
  for (const auto& s : record.signatures())
    if (s.signer_id() == id && s.party() == party) return true;
  return false;
}

// Gives every action without an id a stable one and names the record on each.
void NameActions(v1::Record& record) {
  int index = 0;
  auto name = [&](v1::SmartAction& action, const std::string& child_id) {
    if (action.action_id().empty()) {
      action.set_action_id(events::DeriveId(
          {record.record_id(), std::to_string(record.version()), std::to_string(index)}));
    }
    action.set_record_id(record.record_id());
    if (action.child_id().empty()) action.set_child_id(child_id);
    ++index;
  };
  for (auto& action : *record.mutable_actions())
    name(action, "");
  for (auto& child : *record.mutable_children())
    for (auto& action : *child.mutable_actions())
      name(action, child.child_id());
  if (record.has_oversight()) {
    const std::string child = record.oversight().child_id();
    for (auto& action : *record.mutable_oversight()->mutable_actions())
      name(action, child);
  }
}

// The next version of `current`: version + 1, who and when, sealed after `mutate`.
v1::Record Next(const v1::Record& current, const std::string& change, const Step& step) {
  v1::Record next = current;
  next.set_version(current.version() + 1);
  next.set_change(change);
  next.set_updated_by(step.actor_id);
  events::ToTimestamp(step.now, next.mutable_updated_at());
  next.clear_amendment();
  return next;
}

void CopyContent(const v1::Record& from, v1::Record& to) {
  *to.mutable_held_at() = from.held_at();
  to.set_notes(from.notes());
  *to.mutable_children() = from.children();
  if (from.has_oversight()) {
    *to.mutable_oversight() = from.oversight();
  } else {
    to.clear_oversight();
  }
  *to.mutable_actions() = from.actions();
  if (from.has_observation()) {
    *to.mutable_observation() = from.observation();
  } else {
    to.clear_observation();
  }
  if (from.has_agreement()) {
    *to.mutable_agreement() = from.agreement();
  } else {
    to.clear_agreement();
  }
  if (from.has_missed()) {
    *to.mutable_missed() = from.missed();
  } else {
    to.clear_missed();
  }
  to.set_subject(from.subject());
  to.set_team_id(from.team_id());
}

absl::Status SameIdentity(const v1::Record& current, const v1::Record& proposed) {
  if (!proposed.record_id().empty() && proposed.record_id() != current.record_id()) {
    return absl::InvalidArgumentError("record.record_id: cannot change");
  }
  if (!proposed.authority_id().empty() && proposed.authority_id() != current.authority_id()) {
    return absl::InvalidArgumentError("record.authority_id: cannot change");
  }
  if (proposed.kind() != v1::RECORD_KIND_UNSPECIFIED && proposed.kind() != current.kind()) {
    return absl::InvalidArgumentError(
        "record.kind: cannot change; record a new record of the other kind instead");
  }
  if (!proposed.supervisor_id().empty() && proposed.supervisor_id() != current.supervisor_id()) {
    return absl::InvalidArgumentError("record.supervisor_id: cannot change");
  }
  return absl::OkStatus();
}

}  // namespace

bool FullySigned(const v1::Record& record) {
  if (!HasSigned(record, record.supervisor_id(), v1::PARTY_SUPERVISOR)) return false;
  for (const auto& s : record.supervisee_ids())
    if (!HasSigned(record, s, v1::PARTY_SUPERVISEE)) return false;
  return true;
}

std::vector<v1::SmartAction> AllActions(const v1::Record& record) {
  std::vector<v1::SmartAction> all(record.actions().begin(), record.actions().end());
  for (const auto& child : record.children())
    all.insert(all.end(), child.actions().begin(), child.actions().end());
  if (record.has_oversight()) {
    all.insert(all.end(), record.oversight().actions().begin(), record.oversight().actions().end());
  }
  return all;
}

absl::StatusOr<v1::Record> CreateVersion(const v1::Record& proposed, bool draft, const Step& step,
                                         const policy::Engine* engine) {
  if (proposed.record_id().empty()) return absl::InvalidArgumentError("record.record_id: missing");
  auto valid = draft ? ValidateDraft(proposed, step.now) : ValidateRecord(proposed, step.now);
  if (!valid.ok()) return valid;
  v1::Record record = proposed;
  record.set_version(1);
  record.set_change("created");
  record.set_created_by(step.actor_id);
  record.set_updated_by(step.actor_id);
  events::ToTimestamp(step.now, record.mutable_updated_at());
  record.clear_signatures();
  record.clear_disagreements();
  record.clear_amendment();
  record.clear_circulated_at();
  record.set_status(draft ? v1::RECORD_STATUS_DRAFT : v1::RECORD_STATUS_RECORDED);
  if (draft) {
    record.clear_recorded_at();
  } else {
    events::ToTimestamp(step.now, record.mutable_recorded_at());
  }
  MarkLateness(record, engine);
  NameActions(record);
  Seal(record, "");
  return record;
}

absl::StatusOr<v1::Record> Submit(const v1::Record& current, const Step& step,
                                  const policy::Engine* engine) {
  if (current.status() != v1::RECORD_STATUS_DRAFT) {
    return NotNow(current, "only a draft can be submitted");
  }
  if (auto s = ValidateRecord(current, step.now); !s.ok()) return s;
  v1::Record next = Next(current, "recorded", step);
  next.set_status(v1::RECORD_STATUS_RECORDED);
  events::ToTimestamp(step.now, next.mutable_recorded_at());
  MarkLateness(next, engine);
  NameActions(next);
  Seal(next, current.content_hash());
  return next;
}

absl::StatusOr<v1::Record> Update(const v1::Record& current, const v1::Record& proposed,
                                  const Step& step, const policy::Engine* engine) {
  if (current.status() == v1::RECORD_STATUS_PURGED) {
    return NotNow(current, "its retention period ended and its content was destroyed (H8)");
  }
  if (current.status() == v1::RECORD_STATUS_SIGNED || current.signatures_size() > 0) {
    return NotNow(current,
                  "it has been signed and is never changed; record a correction with "
                  "AmendRecord (who, when, why)");
  }
  if (auto s = SameIdentity(current, proposed); !s.ok()) return s;
  v1::Record next = Next(current, "updated", step);
  CopyContent(proposed, next);
  *next.mutable_supervisee_ids() = proposed.supervisee_ids();
  const bool draft = current.status() == v1::RECORD_STATUS_DRAFT;
  if (auto s = draft ? ValidateDraft(next, step.now) : ValidateRecord(next, step.now); !s.ok()) {
    return s;
  }
  MarkLateness(next, engine);
  NameActions(next);
  Seal(next, current.content_hash());
  return next;
}

absl::StatusOr<v1::Record> Circulate(const v1::Record& current, const Step& step) {
  if (current.status() != v1::RECORD_STATUS_RECORDED) {
    return NotNow(current, "only a recorded, unsigned record is circulated to the supervisee");
  }
  if (current.supervisee_ids_size() == 0) {
    return NotNow(current, "it has no supervisee to circulate it to");
  }
  v1::Record next = Next(current, "circulated", step);
  next.set_status(v1::RECORD_STATUS_CIRCULATED);
  events::ToTimestamp(step.now, next.mutable_circulated_at());
  Seal(next, current.content_hash());
  return next;
}

absl::StatusOr<v1::Record> Sign(const v1::Record& current, v1::Party party, const Step& step) {
  if (current.status() == v1::RECORD_STATUS_PURGED) {
    return NotNow(current, "its retention period ended and its content was destroyed (H8)");
  }
  if (party == v1::PARTY_SUPERVISOR) {
    if (step.actor_id != current.supervisor_id()) {
      return absl::PermissionDeniedError(absl::StrCat(
          step.actor_id, " is not the supervisor of record ", current.record_id(), " (",
          current.supervisor_id(), "); only the supervisor signs as supervisor"));
    }
  } else if (party == v1::PARTY_SUPERVISEE) {
    if (!IsSupervisee(current, step.actor_id)) {
      return absl::PermissionDeniedError(absl::StrCat(step.actor_id,
                                                      " is not a supervisee of record ",
                                                      current.record_id(), "; only they sign"));
    }
  } else {
    return absl::InvalidArgumentError("party: say whether you sign as supervisor or supervisee");
  }
  switch (current.status()) {
    case v1::RECORD_STATUS_DRAFT:
      return NotNow(current, "submit the draft before it is signed");
    case v1::RECORD_STATUS_SIGNED:
      return NotNow(current, "it is already signed by both parties");
    case v1::RECORD_STATUS_RECORDED:
      if (party == v1::PARTY_SUPERVISEE) {
        return NotNow(current, "the supervisee signs once the record is circulated to them");
      }
      break;
    default:
      break;
  }
  if (HasSigned(current, step.actor_id, party)) {
    return NotNow(current, absl::StrCat(step.actor_id, " has already signed it"));
  }
  v1::Record next = Next(current, "signed", step);
  auto* signature = next.add_signatures();
  signature->set_signer_id(step.actor_id);
  signature->set_party(party);
  events::ToTimestamp(step.now, signature->mutable_signed_at());
  if (FullySigned(next)) next.set_status(v1::RECORD_STATUS_SIGNED);
  Seal(next, current.content_hash());
  return next;
}

absl::StatusOr<v1::Record> Amend(const v1::Record& current, const std::string& reason,
                                 const std::string& notes, const v1::Record* corrected,
                                 const Step& step, const policy::Engine* engine) {
  if (current.status() == v1::RECORD_STATUS_PURGED) {
    return NotNow(current, "its retention period ended and its content was destroyed (H8)");
  }
  if (current.status() == v1::RECORD_STATUS_DRAFT) {
    return NotNow(current, "a draft is edited with UpdateRecord, not amended");
  }
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return absl::InvalidArgumentError("reason: say why the record is corrected");
  }
  v1::Record next = Next(current, "amended", step);
  if (corrected != nullptr) {
    if (auto s = SameIdentity(current, *corrected); !s.ok()) return s;
    if (corrected->supervisee_ids_size() > 0 &&
        std::set<std::string>(corrected->supervisee_ids().begin(),
                              corrected->supervisee_ids().end()) !=
            std::set<std::string>(current.supervisee_ids().begin(),
                                  current.supervisee_ids().end())) {
      return absl::InvalidArgumentError(
          "corrected.supervisee_ids: the parties of a record cannot be amended");
    }
    CopyContent(*corrected, next);
  } else {
    if (notes.find_first_not_of(" \t\r\n") == std::string::npos) {
      return absl::InvalidArgumentError("notes: give the corrected notes or a corrected record");
    }
    next.set_notes(notes);
  }
  if (auto s = ValidateRecord(next, step.now); !s.ok()) return s;
  next.set_status(v1::RECORD_STATUS_RECORDED);
  next.clear_signatures();
  next.clear_circulated_at();
  auto* amendment = next.mutable_amendment();
  amendment->set_amendment_id(
      events::DeriveId({current.record_id(), "amendment", std::to_string(next.version())}));
  amendment->set_amended_by(step.actor_id);
  events::ToTimestamp(step.now, amendment->mutable_amended_at());
  amendment->set_reason(reason);
  amendment->set_amends_version(current.version());
  amendment->set_amends_hash(current.content_hash());
  MarkLateness(next, engine);  // recorded_at stays the original's: an amendment is not lateness
  NameActions(next);
  Seal(next, current.content_hash());
  return next;
}

absl::StatusOr<v1::Record> Disagree(const v1::Record& current, const std::string& text, bool refer,
                                    const std::string& line_manager_id, const Step& step) {
  if (current.status() == v1::RECORD_STATUS_PURGED) {
    return NotNow(current, "its retention period ended and its content was destroyed (H8)");
  }
  if (!IsSupervisee(current, step.actor_id)) {
    return absl::PermissionDeniedError(
        absl::StrCat(step.actor_id, " is not a supervisee of record ", current.record_id(),
                     "; a disagreement is recorded by the supervisee"));
  }
  if (current.status() == v1::RECORD_STATUS_DRAFT) {
    return NotNow(current, "a draft cannot be disagreed with until it is recorded");
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return absl::InvalidArgumentError("text: say what you disagree with");
  }
  if (refer && line_manager_id.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the line manager of supervisor ", current.supervisor_id(),
        " is not known (no workforce event names one); record the disagreement without "
        "referral or update the workforce directory"));
  }
  v1::Record next = Next(current, "disagreement", step);
  auto* d = next.add_disagreements();
  d->set_disagreement_id(
      events::DeriveId({current.record_id(), "disagreement", std::to_string(next.version())}));
  d->set_raised_by(step.actor_id);
  events::ToTimestamp(step.now, d->mutable_raised_at());
  d->set_text(text);
  d->set_referred_to_line_manager(refer);
  if (refer) d->set_line_manager_id(line_manager_id);
  Seal(next, current.content_hash());
  return next;
}

absl::StatusOr<v1::Record> Purge(const v1::Record& current, const std::string& rule_id,
                                 const Step& step) {
  if (current.status() == v1::RECORD_STATUS_PURGED) {
    return NotNow(current, "it was already purged");
  }
  v1::Record tombstone;
  tombstone.set_record_id(current.record_id());
  tombstone.set_authority_id(current.authority_id());
  tombstone.set_kind(current.kind());
  tombstone.set_supervisor_id(current.supervisor_id());
  *tombstone.mutable_supervisee_ids() = current.supervisee_ids();
  *tombstone.mutable_held_at() = current.held_at();
  tombstone.set_status(v1::RECORD_STATUS_PURGED);
  tombstone.set_version(current.version() + 1);
  tombstone.set_change("purged");
  tombstone.set_notes("Destroyed at the end of its retention period (" + rule_id + ").");
  tombstone.set_updated_by(step.actor_id);
  events::ToTimestamp(step.now, tombstone.mutable_updated_at());
  Seal(tombstone, current.content_hash());
  return tombstone;
}

}  // namespace oversight::recording
