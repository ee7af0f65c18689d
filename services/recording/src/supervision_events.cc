#include "supervision_events.h"

#include <set>

#include "lifecycle.h"
#include "oversight/events/outbound.h"

namespace oversight::recording {
namespace {

class Builder {
 public:
  explicit Builder(const v1::Record& record)
      : record_(record),
        cause_(events::DeriveId({record.record_id(), std::to_string(record.version())})),
        now_(events::FromTimestamp(record.updated_at())) {}

  template <typename Event>
  Event& Add(const std::string& key, const std::string& discriminator, absl::Time occurred_at) {
    auto event = std::make_shared<Event>();
    *event->mutable_meta() =
        events::DerivedMeta(kServiceName, record_.authority_id(), record_.record_id(), cause_,
                            discriminator + "/" + std::to_string(out_.size()), occurred_at, now_);
    Event& ref = *event;
    out_.push_back({key, std::move(event)});
    return ref;
  }
  absl::Time now() const { return now_; }
  std::vector<Outbound> Take() { return std::move(out_); }

 private:
  const v1::Record& record_;
  std::string cause_;
  absl::Time now_;
  std::vector<Outbound> out_;
};

std::string KeyOf(const v1::Record& r) {
  return r.supervisee_ids_size() > 0 ? r.supervisee_ids(0) : r.supervisor_id();
}

void ActionsCreated(Builder& b, const v1::Record* previous, const v1::Record& next) {
  std::set<std::string> known;
  if (previous != nullptr && previous->status() != v1::RECORD_STATUS_DRAFT) {
    for (const auto& a : AllActions(*previous))
      known.insert(a.action_id());
  }
  for (const auto& a : AllActions(next)) {
    if (known.count(a.action_id())) continue;
    auto& e = b.Add<v1::ActionCreated>(a.owner_id(), "action_created", b.now());
    e.set_action_id(a.action_id());
    e.set_record_id(next.record_id());
    e.set_owner_id(a.owner_id());
    e.set_child_id(a.child_id());
    *e.mutable_due_on() = a.due_on();
  }
}

void Recorded(Builder& b, const v1::Record& r) {
  const absl::Time held = events::FromTimestamp(r.held_at());
  if (r.has_missed()) {
    for (const auto& s : r.supervisee_ids()) {
      auto& e = b.Add<v1::SessionMissed>(s, "session_missed", held);
      e.set_record_id(r.record_id());
      e.set_kind(r.kind());
      e.set_supervisor_id(r.supervisor_id());
      e.set_supervisee_id(s);
      e.set_reason(r.missed().reason());
      e.set_cancelled_for_sickness(r.missed().sickness());
    }
    return;
  }
  auto& held_event = b.Add<v1::SessionHeld>(KeyOf(r), "session_held", held);
  held_event.set_record_id(r.record_id());
  held_event.set_kind(r.kind());
  held_event.set_supervisor_id(r.supervisor_id());
  *held_event.mutable_supervisee_ids() = r.supervisee_ids();
  for (const auto& child : r.children())
    held_event.add_child_ids(child.child_id());
  if (r.has_oversight() && !r.oversight().child_id().empty()) {
    held_event.add_child_ids(r.oversight().child_id());
  }
  held_event.set_team_id(r.team_id());
  *held_event.mutable_held_at() = r.held_at();

  // Recorded when it was written up, not when the session was held: the record deadline (H11,
  // D11, S10) is met or missed by this instant.
  const absl::Time written = r.has_recorded_at() ? events::FromTimestamp(r.recorded_at()) : b.now();
  auto& recorded = b.Add<v1::RecordRecorded>(KeyOf(r), "record_recorded", written);
  recorded.set_record_id(r.record_id());
  recorded.set_kind(r.kind());
  *recorded.mutable_held_at() = r.held_at();
  recorded.set_late(r.late());

  if (r.kind() == v1::RECORD_KIND_MANAGEMENT_OVERSIGHT) {
    auto& o = b.Add<v1::OversightRecorded>(KeyOf(r), "oversight_recorded", held);
    o.set_record_id(r.record_id());
    o.set_child_id(r.oversight().child_id());
    o.set_task_id(r.oversight().task_id());
    o.set_decision_maker_id(r.oversight().decision_maker_id());
  }
}

}  // namespace

std::vector<Outbound> EventsFor(const v1::Record* previous, const v1::Record& next) {
  Builder b(next);
  const std::string& change = next.change();
  const bool recorded_now =
      (change == "created" && next.status() != v1::RECORD_STATUS_DRAFT) || change == "recorded";
  if (recorded_now) {
    Recorded(b, next);
    if (!next.has_missed()) ActionsCreated(b, nullptr, next);
  } else if (change == "updated" && next.status() != v1::RECORD_STATUS_DRAFT) {
    ActionsCreated(b, previous, next);
  } else if (change == "circulated") {
    for (const auto& s : next.supervisee_ids()) {
      auto& e = b.Add<v1::RecordCirculated>(s, "record_circulated", b.now());
      e.set_record_id(next.record_id());
      e.set_supervisee_id(s);
    }
  } else if (change == "signed" && next.signatures_size() > 0) {
    const auto& sig = next.signatures(next.signatures_size() - 1);
    auto& e = b.Add<v1::RecordSigned>(KeyOf(next), "record_signed", b.now());
    e.set_record_id(next.record_id());
    e.set_signer_id(sig.signer_id());
    e.set_party(sig.party());
    e.set_fully_signed(FullySigned(next));
    if (FullySigned(next) && next.kind() == v1::RECORD_KIND_SUPERVISION_AGREEMENT) {
      auto& a = b.Add<v1::AgreementSigned>(KeyOf(next), "agreement_signed", b.now());
      a.set_record_id(next.record_id());
      a.set_supervisor_id(next.supervisor_id());
      a.set_supervisee_id(KeyOf(next));
    }
  } else if (change == "amended") {
    auto& e = b.Add<v1::RecordAmended>(KeyOf(next), "record_amended", b.now());
    e.set_record_id(next.record_id());
    e.set_amendment_id(next.amendment().amendment_id());
    e.set_amended_by(next.amendment().amended_by());
    e.set_reason(next.amendment().reason());
    ActionsCreated(b, previous, next);
  }
  return b.Take();
}

}  // namespace oversight::recording
