#include "planner.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/policy/period.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::scheduling {
namespace {

namespace cases = ::oversight::cases::v1;
namespace rec = ::oversight::recording::v1;
namespace trg = ::oversight::triggers::v1;
namespace wf = ::oversight::workforce::v1;
using policy::ItemKind;

template <typename T>
const T* As(const google::protobuf::Message& m) {
  return dynamic_cast<const T*>(&m);
}

std::optional<absl::CivilDay> DayOf(const common::v1::Date& d) {
  if (d.year() == 0) return std::nullopt;
  return absl::CivilDay(d.year(), d.month(), d.day());
}

policy::AbsenceReason ToReason(wf::AbsenceReason r) {
  switch (r) {
    case wf::ABSENCE_REASON_SICKNESS:
      return policy::AbsenceReason::kSickness;
    case wf::ABSENCE_REASON_ANNUAL_LEAVE:
      return policy::AbsenceReason::kAnnualLeave;
    case wf::ABSENCE_REASON_PARENTAL_LEAVE:
      return policy::AbsenceReason::kParentalLeave;
    default:
      return policy::AbsenceReason::kOther;
  }
}

void SetCaseType(common::v1::CaseType type, ChildRecord& child) {
  if (type == common::v1::CASE_TYPE_UNSPECIFIED) return;
  if (auto parsed = policy::ParseCaseType(common::v1::CaseType_Name(type))) {
    child.facts.case_type = *parsed;
  }
}

void SetRisk(common::v1::RiskLevel risk, ChildRecord& child) {
  if (risk == common::v1::RISK_LEVEL_HIGH) child.facts.risk = policy::RiskLevel::kHigh;
  if (risk == common::v1::RISK_LEVEL_STANDARD) child.facts.risk = policy::RiskLevel::kStandard;
}

void SetPlacement(const common::v1::PlacementFlags& flags, ChildRecord& child) {
  child.facts.placement.placed_with_parents = flags.placed_with_parents();
  child.facts.placement.long_term_matched = flags.long_term_matched();
  child.facts.placement.stability_concern = flags.stability_concern();
}

WorkerRecord& Worker(State& state, const std::string& id) {
  WorkerRecord& w = state.workers[id];
  w.facts.worker_id = id;
  return w;
}

ChildRecord& Child(State& state, const std::string& id) {
  ChildRecord& c = state.children[id];
  c.facts.child_id = id;
  return c;
}

void Later(std::optional<absl::CivilDay>& field, absl::CivilDay day) {
  if (!field.has_value() || *field < day) field = day;
}

Reaction ApplyWorkforce(const google::protobuf::Message& event, absl::Time occurred,
                        absl::CivilDay day, State& state) {
  Reaction r;
  if (const auto* e = As<wf::WorkerJoined>(event)) {
    WorkerRecord& w = Worker(state, e->worker_id());
    policy::WorkerFacts& f = w.facts;
    f.team_id = e->team_id();
    f.supervisor_id = e->supervisor_id();
    f.role = wf::Role_Name(e->role());
    f.start_date = DayOf(e->start_date()).value_or(day);
    f.asye_start = DayOf(e->asye_start_date());
    f.probation_end = DayOf(e->probation_end_date());
    f.fte = e->fte() > 0 ? e->fte() : 1.0;
    f.agency =
        e->employment() == wf::EMPLOYMENT_AGENCY || e->employment() == wf::EMPLOYMENT_TEMPORARY;
    if (!f.supervisor_since.has_value()) f.supervisor_since = f.start_date;
    w.joined = true;
    w.left = false;
    r.workers.insert(e->worker_id());
    if (!e->team_id().empty()) {
      TeamRecord& team = state.teams[e->team_id()];
      const bool first = team.facts.team_id.empty();
      const bool earlier =
          !team.first_joiner.empty() &&
          std::tie(occurred, e->worker_id()) < std::tie(team.first_joined_at, team.first_joiner);
      if (first || earlier) {
        team.facts.team_id = e->team_id();
        team.facts.formed_on = day;
        team.manager_id = e->supervisor_id();
        team.first_joiner = e->worker_id();
        team.first_joined_at = occurred;
      }
      r.teams.insert(e->team_id());
    }
  } else if (const auto* e = As<wf::WorkerLeft>(event)) {
    WorkerRecord& w = Worker(state, e->worker_id());
    w.left = true;
    w.facts.left_on = DayOf(e->left_on()).value_or(day);
    w.facts.left_childrens_services = e->left_childrens_services();
    r.workers.insert(e->worker_id());
    r.cancel_reason = "worker_left";
  } else if (const auto* e = As<wf::SupervisorChanged>(event)) {
    WorkerRecord& w = Worker(state, e->worker_id());
    w.facts.supervisor_id = e->supervisor_id();
    w.facts.supervisor_since = day;
    if (!e->team_id().empty()) w.facts.team_id = e->team_id();
    r.workers.insert(e->worker_id());
    // The worker's children follow them to the new supervisor.
    for (auto& [id, child] : state.children) {
      if (child.facts.worker_id == e->worker_id()) {
        child.facts.team_id = w.facts.team_id;
        r.children.insert(id);
      }
    }
    r.cancel_reason = "supervisor_changed";
  } else if (const auto* e = As<wf::AbsenceStarted>(event)) {
    WorkerRecord& w = Worker(state, e->worker_id());
    policy::AbsenceFacts absence;
    absence.reason = ToReason(e->reason());
    absence.party = policy::Party::kSupervisee;
    absence.starts_on = DayOf(e->starts_on()).value_or(day);
    w.facts.absences.push_back(absence);
    r.workers.insert(e->worker_id());
  } else if (const auto* e = As<wf::AbsenceEnded>(event)) {
    WorkerRecord& w = Worker(state, e->worker_id());
    const policy::AbsenceReason reason = ToReason(e->reason());
    for (auto it = w.facts.absences.rbegin(); it != w.facts.absences.rend(); ++it) {
      if (!it->returned_on.has_value() && it->reason == reason) {
        it->returned_on = DayOf(e->returned_on()).value_or(day);
        break;
      }
    }
    r.workers.insert(e->worker_id());
  } else if (const auto* e = As<wf::WorkerStatusChanged>(event)) {
    WorkerRecord& w = Worker(state, e->worker_id());
    if (e->asye_completed()) w.facts.asye_completed = true;
    if (e->probation_completed()) w.facts.probation_completed = true;
    if (e->fte() > 0) w.facts.fte = e->fte();
    if (e->role() != wf::ROLE_UNSPECIFIED) w.facts.role = wf::Role_Name(e->role());
    r.workers.insert(e->worker_id());
  }
  return r;
}

Reaction ApplyCase(const google::protobuf::Message& event, absl::CivilDay day, State& state) {
  Reaction r;
  if (const auto* e = As<cases::CaseAllocated>(event)) {
    ChildRecord& c = Child(state, e->child_id());
    c.facts.worker_id = e->worker_id();
    c.facts.team_id = e->team_id();
    SetCaseType(e->case_type(), c);
    SetRisk(e->risk(), c);
    c.facts.in_care_proceedings = e->in_care_proceedings();
    if (e->has_placement()) SetPlacement(e->placement(), c);
    c.facts.allocated_on = day;
    c.allocated = true;
    c.closed = false;
    r.children.insert(e->child_id());
  } else if (const auto* e = As<cases::LeadPractitionerChanged>(event)) {
    ChildRecord& c = Child(state, e->child_id());
    c.facts.worker_id = e->worker_id();
    c.facts.allocated_on = day;
    r.children.insert(e->child_id());
  } else if (const auto* e = As<cases::CaseTypeChanged>(event)) {
    ChildRecord& c = Child(state, e->child_id());
    SetCaseType(e->case_type(), c);
    c.facts.in_care_proceedings = e->in_care_proceedings();
    r.children.insert(e->child_id());
  } else if (const auto* e = As<cases::RiskLevelChanged>(event)) {
    SetRisk(e->risk(), Child(state, e->child_id()));
    r.children.insert(e->child_id());
  } else if (const auto* e = As<cases::ChildEnteredCare>(event)) {
    ChildRecord& c = Child(state, e->child_id());
    c.facts.case_type = policy::CaseType::kChildLookedAfter;
    if (e->has_placement()) SetPlacement(e->placement(), c);
    r.children.insert(e->child_id());
  } else if (const auto* e = As<cases::PlacementChanged>(event)) {
    if (e->has_placement()) SetPlacement(e->placement(), Child(state, e->child_id()));
    r.children.insert(e->child_id());
  } else if (const auto* e = As<cases::SteppedAcrossToEarlyHelp>(event)) {
    Child(state, e->child_id()).facts.case_type = policy::CaseType::kEarlyHelp;
    r.children.insert(e->child_id());
  } else if (const auto* e = As<cases::CaseClosed>(event)) {
    Child(state, e->child_id()).closed = true;
    r.children.insert(e->child_id());
    r.cancel_reason = "case_closed";
  } else if (const auto* e = As<cases::CaseTransferred>(event)) {
    ChildRecord& c = Child(state, e->child_id());
    if (!e->to_team_id().empty() && e->to_authority_id().empty()) {
      c.facts.team_id = e->to_team_id();  // within the authority: same child, new team
    } else {
      c.closed = true;
      r.cancel_reason = "case_transferred";
    }
    r.children.insert(e->child_id());
  }
  return r;
}

void ApplySessionHeld(const rec::SessionHeld& e, absl::CivilDay day, State& state, Reaction& r) {
  auto each_supervisee = [&](auto fn, ItemKind satisfied) {
    for (const auto& id : e.supervisee_ids()) {
      fn(Worker(state, id).facts);
      r.workers.insert(id);
      r.satisfied.insert(ItemId(satisfied, id));
    }
  };
  switch (e.kind()) {
    case rec::RECORD_KIND_PERSONAL_SUPERVISION:
      each_supervisee([&](auto& f) { Later(f.last_personal_supervision, day); },
                      ItemKind::kPersonalSupervision);
      break;
    case rec::RECORD_KIND_AD_HOC_DISCUSSION:
      // D6/D13: an informal or ad hoc session never resets personal supervision; it is kept
      // for explanations only. Nothing is satisfied.
      for (const auto& id : e.supervisee_ids()) {
        Later(Worker(state, id).facts.last_informal_supervision, day);
        r.workers.insert(id);
      }
      break;
    case rec::RECORD_KIND_CASE_SUPERVISION:
      for (const auto& id : e.child_ids()) {
        Later(Child(state, id).facts.last_case_discussion, day);
        r.children.insert(id);
        r.satisfied.insert(ItemId(ItemKind::kCaseDiscussion, id));
      }
      break;
    case rec::RECORD_KIND_GROUP_SUPERVISION:
      if (!e.team_id().empty()) {
        TeamRecord& team = state.teams[e.team_id()];
        if (team.facts.team_id.empty()) {
          team.facts.team_id = e.team_id();
          team.facts.formed_on = day;
          team.manager_id = e.supervisor_id();
        }
        Later(team.facts.last_group_supervision, day);
        r.teams.insert(e.team_id());
        r.satisfied.insert(ItemId(ItemKind::kGroupSupervision, e.team_id()));
      }
      break;
    case rec::RECORD_KIND_OBSERVATION:
      each_supervisee([&](auto& f) { Later(f.last_observation, day); }, ItemKind::kObservation);
      break;
    case rec::RECORD_KIND_PDR:
      each_supervisee([&](auto& f) { Later(f.last_pdr, day); }, ItemKind::kPdr);
      break;
    case rec::RECORD_KIND_APPRAISAL:
      each_supervisee([&](auto& f) { Later(f.last_appraisal, day); }, ItemKind::kAppraisal);
      break;
    default:
      break;
  }
}

TaskRecord FromTask(const trg::OversightTask& t) {
  TaskRecord task;
  task.task_id = t.task_id();
  task.child_id = t.child_id();
  task.owner_id = t.owner_id();
  task.worker_id = t.worker_id();
  task.team_id = t.team_id();
  task.rule_id = t.rule_id();
  task.trigger_id = t.trigger_id();
  task.description = t.description();
  task.due_at = events::FromTimestamp(t.due_at());
  task.open = true;
  return task;
}

std::optional<policy::RecordKind> ToRecordKind(rec::RecordKind kind) {
  switch (kind) {
    case rec::RECORD_KIND_PERSONAL_SUPERVISION:
      return policy::RecordKind::kPersonalSupervision;
    case rec::RECORD_KIND_CASE_SUPERVISION:
      return policy::RecordKind::kCaseSupervision;
    case rec::RECORD_KIND_GROUP_SUPERVISION:
      return policy::RecordKind::kGroupSupervision;
    case rec::RECORD_KIND_AD_HOC_DISCUSSION:
      return policy::RecordKind::kAdHocDiscussion;
    case rec::RECORD_KIND_MANAGEMENT_OVERSIGHT:
      return policy::RecordKind::kManagementOversight;
    case rec::RECORD_KIND_OBSERVATION:
      return policy::RecordKind::kObservation;
    case rec::RECORD_KIND_SUPERVISION_AGREEMENT:
      return policy::RecordKind::kAgreement;
    default:
      return std::nullopt;
  }
}

void ApplyRecordSteps(const google::protobuf::Message& event, absl::Time at, State& state,
                      Reaction& r) {
  if (const auto* e = As<rec::SessionHeld>(event)) {
    auto kind = ToRecordKind(e->kind());
    if (!kind.has_value()) return;
    SessionRecord& s = state.sessions[e->record_id()];
    s.record_id = e->record_id();
    s.kind = *kind;
    s.held_at = e->has_held_at() ? events::FromTimestamp(e->held_at()) : at;
    s.supervisor_id = e->supervisor_id();
    if (e->supervisee_ids_size() > 0) s.worker_id = e->supervisee_ids(0);
    if (e->child_ids_size() > 0) s.child_id = e->child_ids(0);
    s.team_id = e->team_id();
    r.sessions.insert(e->record_id());
  } else if (const auto* e = As<rec::RecordRecorded>(event)) {
    if (!state.sessions.count(e->record_id())) return;
    state.sessions[e->record_id()].recorded = true;
    r.sessions.insert(e->record_id());
    r.satisfied.insert(RecordItemId(ItemKind::kRecordDeadline, e->record_id(), "record"));
  } else if (const auto* e = As<rec::RecordCirculated>(event)) {
    if (!state.sessions.count(e->record_id())) return;
    state.sessions[e->record_id()].circulated_at = at;
    r.sessions.insert(e->record_id());
    r.satisfied.insert(RecordItemId(ItemKind::kCirculateDeadline, e->record_id(), "circulate"));
  } else if (const auto* e = As<rec::RecordSigned>(event)) {
    if (!e->fully_signed() || !state.sessions.count(e->record_id())) return;
    state.sessions[e->record_id()].signed_off = true;
    r.sessions.insert(e->record_id());
    r.satisfied.insert(RecordItemId(ItemKind::kSignOffDeadline, e->record_id(), "sign_off"));
  }
}

Reaction ApplyTask(const google::protobuf::Message& event, State& state) {
  Reaction r;
  if (const auto* e = As<trg::TaskOpened>(event)) {
    state.tasks[e->task().task_id()] = FromTask(e->task());
    r.tasks.insert(e->task().task_id());
  } else if (const auto* e = As<trg::TaskReassigned>(event)) {
    TaskRecord& t = state.tasks[e->task_id()];
    t.task_id = e->task_id();
    t.child_id = e->child_id();
    t.owner_id = e->owner_id();
    if (e->has_due_at()) t.due_at = events::FromTimestamp(e->due_at());
    r.tasks.insert(e->task_id());
  } else if (const auto* e = As<trg::TaskCompleted>(event)) {
    state.tasks[e->task_id()].task_id = e->task_id();
    state.tasks[e->task_id()].open = false;
    r.tasks.insert(e->task_id());
    r.satisfied.insert(TaskItemId(e->task_id()));
  } else if (const auto* e = As<trg::TaskCancelled>(event)) {
    state.tasks[e->task_id()].task_id = e->task_id();
    state.tasks[e->task_id()].open = false;
    r.tasks.insert(e->task_id());
    r.cancel_reason = e->reason().empty() ? "task_cancelled" : e->reason();
  }
  return r;
}

// Fills the common fields of a due item from a computed date.
PlannedItem MakeItem(const std::string& authority, const policy::DueDate& due,
                     const std::string& subject_key, const std::string& item_id) {
  PlannedItem p;
  p.subject_key = subject_key;
  v1::DueItem& item = p.item;
  item.set_item_id(item_id);
  item.set_authority_id(authority);
  item.set_kind(ToProtoKind(due.kind));
  item.set_stage(v1::STAGE_SCHEDULED);
  if (!due.paused) events::ToTimestamp(due.due_at, item.mutable_due_at());
  v1::Explanation* x = item.mutable_explanation();
  x->set_rule_id(due.explanation.rule_id);
  x->set_summary(due.explanation.summary);
  x->set_calendar(due.explanation.calendar);
  for (const auto& [k, v] : due.explanation.facts)
    (*x->mutable_facts())[k] = v;
  if (due.paused) (*x->mutable_facts())["paused"] = "true";
  if (!due.explanation.reading.empty()) (*x->mutable_facts())["reading"] = due.explanation.reading;
  return p;
}

}  // namespace

Subjects SubjectsOf(const google::protobuf::Message& event) {
  Subjects s;
  const auto* descriptor = event.GetDescriptor();
  const std::string& package = descriptor->file()->package();
  auto string_field = [&](const char* name) -> std::string {
    const auto* field = descriptor->FindFieldByName(name);
    if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
        field->is_repeated()) {
      return "";
    }
    return event.GetReflection()->GetString(event, field);
  };
  if (package == "oversight.workforce.v1") {
    if (auto id = string_field("worker_id"); !id.empty()) s.workers.push_back(id);
    if (As<wf::SupervisorChanged>(event)) s.caseloads_of = s.workers;
    if (const auto* e = As<wf::WorkerJoined>(event); e != nullptr && !e->team_id().empty()) {
      s.teams.push_back(e->team_id());
    }
  } else if (package == "oversight.cases.v1") {
    if (auto id = string_field("child_id"); !id.empty()) s.children.push_back(id);
  } else if (const auto* e = As<rec::SessionHeld>(event)) {
    s.workers.assign(e->supervisee_ids().begin(), e->supervisee_ids().end());
    s.children.assign(e->child_ids().begin(), e->child_ids().end());
    s.sessions.push_back(e->record_id());
    if (!e->team_id().empty()) s.teams.push_back(e->team_id());
  } else if (const auto* e = As<rec::AgreementSigned>(event)) {
    s.workers.push_back(e->supervisee_id());
  } else if (package == "oversight.recording.v1") {
    if (auto id = string_field("record_id"); !id.empty()) s.sessions.push_back(id);
  } else if (const auto* e = As<trg::TaskOpened>(event)) {
    s.tasks.push_back(e->task().task_id());
  } else if (package == "oversight.triggers.v1") {
    if (auto id = string_field("task_id"); !id.empty()) s.tasks.push_back(id);
  }
  return s;
}

Reaction Apply(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
               const policy::WorkingCalendar& calendar, State& state) {
  const absl::CivilDay day = calendar.LocalDay(events::FromTimestamp(meta.occurred_at()));
  const std::string& package = event.GetDescriptor()->file()->package();
  if (package == "oversight.workforce.v1") {
    return ApplyWorkforce(event, events::FromTimestamp(meta.occurred_at()), day, state);
  }
  if (package == "oversight.cases.v1") return ApplyCase(event, day, state);
  if (package == "oversight.triggers.v1") return ApplyTask(event, state);
  Reaction r;
  if (const auto* e = As<rec::SessionHeld>(event)) {
    const absl::CivilDay held =
        e->has_held_at() ? calendar.LocalDay(events::FromTimestamp(e->held_at())) : day;
    ApplySessionHeld(*e, held, state, r);
  } else if (const auto* e = As<rec::AgreementSigned>(event)) {
    Later(Worker(state, e->supervisee_id()).facts.last_agreement_signed, day);
    r.workers.insert(e->supervisee_id());
    r.satisfied.insert(ItemId(ItemKind::kAgreementReview, e->supervisee_id()));
    r.satisfied.insert(ItemId(ItemKind::kNewAgreement, e->supervisee_id()));
  }
  ApplyRecordSteps(event, events::FromTimestamp(meta.occurred_at()), state, r);
  return r;
}

std::string ItemId(policy::ItemKind kind, const std::string& subject_id) {
  return absl::StrCat(policy::ItemKindName(kind), ":", subject_id);
}

std::string TaskItemId(const std::string& task_id) {
  return ItemId(ItemKind::kOversightTask, task_id);
}

v1::ItemKind ToProtoKind(policy::ItemKind kind) {
  if (kind == ItemKind::kMentoring) return v1::ITEM_KIND_UNSPECIFIED;
  return static_cast<v1::ItemKind>(static_cast<int>(kind) + 1);
}

std::vector<PlannedItem> PlanWorker(const std::string& authority, const WorkerRecord& worker,
                                    const Directory& directory, const policy::Engine& engine) {
  std::vector<PlannedItem> out;
  if (!worker.joined) return out;
  const policy::WorkerFacts& f = worker.facts;
  const std::string subject = "worker:" + f.worker_id;
  auto add = [&](const policy::DueDate& due) {
    if (ToProtoKind(due.kind) == v1::ITEM_KIND_UNSPECIFIED) return;  // S4 mentoring: no kind yet
    PlannedItem p = MakeItem(authority, due, subject, ItemId(due.kind, f.worker_id));
    p.item.set_worker_id(f.worker_id);
    p.item.set_team_id(f.team_id);
    p.item.set_supervisor_id(f.supervisor_id);
    if (!f.supervisor_id.empty()) p.escalate_to_id = directory.SupervisorOf(f.supervisor_id);
    out.push_back(std::move(p));
  };
  if (worker.left) {
    if (auto retention = engine.RetentionDate(f); retention.ok()) add(*retention);
    return out;
  }
  auto items = engine.AllWorkerItems(f);
  if (!items.ok()) return out;  // facts the engine rejects: nothing to schedule
  for (const auto& due : *items) {
    if (due.kind != ItemKind::kRetention) add(due);
  }
  return out;
}

std::vector<PlannedItem> PlanChild(const std::string& authority, const ChildRecord& child,
                                   const Directory& directory, const policy::Engine& engine) {
  std::vector<PlannedItem> out;
  if (!child.allocated || child.closed) return out;
  auto due = engine.NextCaseDiscussion(child.facts);
  if (!due.ok()) return out;
  const policy::ChildFacts& f = child.facts;
  PlannedItem p = MakeItem(authority, *due, "child:" + f.child_id,
                           ItemId(ItemKind::kCaseDiscussion, f.child_id));
  p.item.set_child_id(f.child_id);
  p.item.set_worker_id(f.worker_id);
  p.item.set_team_id(f.team_id);
  p.item.set_case_type(std::string(policy::CaseTypeName(f.case_type)));
  const std::string supervisor = directory.SupervisorOf(f.worker_id);
  p.item.set_supervisor_id(supervisor);
  if (!supervisor.empty()) p.escalate_to_id = directory.SupervisorOf(supervisor);
  out.push_back(std::move(p));
  return out;
}

std::vector<PlannedItem> PlanTeam(const std::string& authority, const TeamRecord& team,
                                  const Directory& directory, const policy::Engine& engine) {
  std::vector<PlannedItem> out;
  if (team.facts.team_id.empty()) return out;
  auto due = engine.NextGroupSupervision(team.facts);
  if (!due.ok()) return out;  // the pack schedules no group supervision
  PlannedItem p = MakeItem(authority, *due, "team:" + team.facts.team_id,
                           ItemId(ItemKind::kGroupSupervision, team.facts.team_id));
  p.item.set_team_id(team.facts.team_id);
  p.item.set_supervisor_id(team.manager_id);
  if (!team.manager_id.empty()) p.escalate_to_id = directory.SupervisorOf(team.manager_id);
  out.push_back(std::move(p));
  return out;
}

std::vector<PlannedItem> PlanTask(const std::string& authority, const TaskRecord& task,
                                  const Directory& directory) {
  std::vector<PlannedItem> out;
  if (!task.open || task.due_at == absl::UnixEpoch()) return out;
  PlannedItem p;
  p.subject_key = "task:" + task.task_id;
  v1::DueItem& item = p.item;
  item.set_item_id(TaskItemId(task.task_id));
  item.set_authority_id(authority);
  item.set_kind(v1::ITEM_KIND_OVERSIGHT_TASK);
  item.set_stage(v1::STAGE_SCHEDULED);
  item.set_task_id(task.task_id);
  item.set_child_id(task.child_id);
  item.set_worker_id(task.worker_id);
  item.set_team_id(task.team_id);
  item.set_supervisor_id(task.owner_id);
  events::ToTimestamp(task.due_at, item.mutable_due_at());
  item.mutable_explanation()->set_rule_id(task.rule_id);
  item.mutable_explanation()->set_summary(task.description.empty()
                                              ? "oversight task deadline set by oversight-triggers"
                                              : task.description);
  (*item.mutable_explanation()->mutable_facts())["trigger"] = task.trigger_id;
  if (!task.owner_id.empty()) p.escalate_to_id = directory.SupervisorOf(task.owner_id);
  out.push_back(std::move(p));
  return out;
}

std::string RecordItemId(policy::ItemKind kind, const std::string& record_id,
                         absl::string_view step) {
  return absl::StrCat(policy::ItemKindName(kind), ":", record_id, ":", step);
}

std::vector<PlannedItem> PlanSession(const std::string& authority, const SessionRecord& session,
                                     const policy::Engine& engine) {
  std::vector<PlannedItem> out;
  policy::SessionFacts facts;
  facts.record_id = session.record_id;
  facts.kind = session.kind;
  facts.held_at = session.held_at;
  facts.circulated_at = session.circulated_at;
  for (const auto& due : engine.RecordingDeadlines(facts)) {
    std::string step;
    for (const auto& [k, v] : due.explanation.facts)
      if (k == "step") step = v;
    if (step == "record" && session.recorded) continue;
    if (step == "circulate" && session.circulated_at.has_value()) continue;
    if (step == "sign_off" && session.signed_off) continue;
    PlannedItem p = MakeItem(authority, due, "record:" + session.record_id,
                             RecordItemId(due.kind, session.record_id, step));
    p.item.set_worker_id(session.worker_id);
    p.item.set_child_id(session.child_id);
    p.item.set_team_id(session.team_id);
    p.item.set_supervisor_id(session.supervisor_id);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<StageTime> StagesOf(const v1::DueItem& item, const policy::Pack& pack,
                                const policy::WorkingCalendar& calendar, absl::Time now) {
  std::vector<StageTime> stages;
  if (!item.has_due_at()) return stages;  // paused
  const absl::Time due_at = events::FromTimestamp(item.due_at());
  const absl::CivilDay due_day = calendar.LocalDay(due_at);
  auto start_of = [&](absl::CivilDay d) { return absl::FromCivil(d, calendar.zone()); };

  // Due soon: `reminder_lead` before the due day.
  const policy::Period& lead = pack.scheduling.reminder_lead;
  std::optional<absl::CivilDay> soon_day;
  if (lead.unit == policy::PeriodUnit::kWorkingDays) {
    absl::CivilDay d = due_day;
    for (int n = 0; n < lead.count;) {
      --d;
      if (calendar.IsWorkingDay(d)) ++n;
    }
    soon_day = d;
  } else if (lead.IsCalendarDate()) {
    policy::Period back = lead;
    back.count = -lead.count;
    soon_day = policy::AddCalendarPeriod(due_day, back);
  }
  if (soon_day.has_value() && lead.count > 0) {
    stages.push_back({v1::STAGE_DUE_SOON, 0, start_of(*soon_day)});
  }
  stages.push_back({v1::STAGE_DUE, 0, std::min(start_of(due_day), due_at)});
  stages.push_back({v1::STAGE_OVERDUE, 0, due_at + absl::Seconds(1)});
  int level = 0;
  for (const auto& step : pack.scheduling.escalation) {
    const policy::DueDate at = policy::Engine(pack, calendar).DayDeadline(due_day, step.overdue_by);
    stages.push_back({v1::STAGE_ESCALATED, ++level, at.due_at + absl::Seconds(1)});
  }
  std::stable_sort(stages.begin(), stages.end(),
                   [](const StageTime& a, const StageTime& b) { return a.at < b.at; });
  // Collapse the stages already passed into the latest of them.
  size_t passed = 0;
  while (passed < stages.size() && stages[passed].at <= now)
    ++passed;
  if (passed > 1) stages.erase(stages.begin(), stages.begin() + (passed - 1));
  return stages;
}

std::string CanonicalBytes(const v1::DueItem& item) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  item.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

void Reconcile(const std::map<std::string, v1::DueItem>& existing,
               const std::vector<PlannedItem>& planned, const Reaction& reaction,
               Changes& changes) {
  std::set<std::string> wanted;
  for (const auto& p : planned) {
    wanted.insert(p.item.item_id());
    auto it = existing.find(p.item.item_id());
    if (it == existing.end()) {
      changes.upserts.push_back(p);
      continue;
    }
    v1::DueItem old = it->second;
    old.set_stage(v1::STAGE_SCHEDULED);
    old.set_escalation_level(0);
    old.set_critical(false);
    if (CanonicalBytes(old) == CanonicalBytes(p.item)) continue;
    if (reaction.satisfied.count(p.item.item_id())) changes.satisfied.push_back(it->second);
    changes.upserts.push_back(p);
  }
  for (const auto& [id, item] : existing) {
    if (wanted.count(id)) continue;
    if (reaction.satisfied.count(id)) {
      changes.satisfied.push_back(item);
    } else {
      changes.cancelled.push_back(item);
    }
  }
  if (!reaction.cancel_reason.empty()) changes.cancel_reason = reaction.cancel_reason;
}

}  // namespace oversight::scheduling
