#include "task_decider.h"

#include <algorithm>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/policy/event_facts.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"

namespace oversight::triggers {
namespace {

v1::TaskPriority ToProto(policy::Priority priority) {
  switch (priority) {
    case policy::Priority::kRoutine:
      return v1::TASK_PRIORITY_ROUTINE;
    case policy::Priority::kUrgent:
      return v1::TASK_PRIORITY_URGENT;
    case policy::Priority::kAsap:
      return v1::TASK_PRIORITY_ASAP;
    case policy::Priority::kStat:
      return v1::TASK_PRIORITY_STAT;
  }
  return v1::TASK_PRIORITY_ROUTINE;
}

// The owner rule a task was opened with (tasks stored before the field existed: supervisor).
policy::Owner OwnerRuleOf(const v1::OversightTask& task) {
  return policy::ParseOwner(task.owner_rule()).value_or(policy::Owner::kSupervisor);
}

bool IsClosingEvent(const google::protobuf::Message& event) {
  return dynamic_cast<const cases::v1::CaseClosed*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::CaseTransferred*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::SteppedAcrossToEarlyHelp*>(&event) != nullptr;
}

// The schedule item of an oversight.scheduling.v1.Item* event, or nullptr for other events.
const scheduling::v1::DueItem* ScheduleItemOf(const google::protobuf::Message& event) {
  if (event.GetDescriptor()->file() != scheduling::v1::ItemOverdue::descriptor()->file()) {
    return nullptr;
  }
  const auto* field = event.GetDescriptor()->FindFieldByName("item");
  if (field == nullptr || field->message_type() != scheduling::v1::DueItem::descriptor()) {
    return nullptr;
  }
  return dynamic_cast<const scheduling::v1::DueItem*>(
      &event.GetReflection()->GetMessage(event, field));
}

// Applies the event's effect on who holds the case and what kind of case it is. Returns true
// when the allocated worker changed.
bool UpdateChild(const google::protobuf::Message& event, ChildCase& child) {
  const std::string previous_worker = child.worker_id;
  if (const auto* allocated = dynamic_cast<const cases::v1::CaseAllocated*>(&event)) {
    child.worker_id = allocated->worker_id();
    if (!allocated->team_id().empty()) child.team_id = allocated->team_id();
    if (allocated->case_type() != common::v1::CASE_TYPE_UNSPECIFIED) {
      child.case_type = common::v1::CaseType_Name(allocated->case_type());
    }
    if (allocated->risk() != common::v1::RISK_LEVEL_UNSPECIFIED) {
      child.risk = common::v1::RiskLevel_Name(allocated->risk());
    }
    child.closed = false;
  } else if (const auto* lead = dynamic_cast<const cases::v1::LeadPractitionerChanged*>(&event)) {
    child.worker_id = lead->worker_id();
  } else if (const auto* type = dynamic_cast<const cases::v1::CaseTypeChanged*>(&event)) {
    child.case_type = common::v1::CaseType_Name(type->case_type());
  } else if (const auto* risk = dynamic_cast<const cases::v1::RiskLevelChanged*>(&event)) {
    child.risk = common::v1::RiskLevel_Name(risk->risk());
  } else if (IsClosingEvent(event)) {
    child.closed = true;
  }
  return child.worker_id != previous_worker;
}

}  // namespace

void AddHistory(v1::OversightTask& task, absl::Time at, const std::string& event_id,
                const std::string& note) {
  auto* entry = task.add_history();
  events::ToTimestamp(at, entry->mutable_at());
  entry->set_status(task.status());
  entry->set_owner_id(task.owner_id());
  entry->set_event_id(event_id);
  entry->set_note(note);
}

std::string ResolveOwner(policy::Owner trigger_owner, const std::string& worker_id,
                         const Directory& directory) {
  if (worker_id.empty()) return "";
  if (trigger_owner == policy::Owner::kAllocatedWorker) return worker_id;
  WorkerEntry worker;
  if (!directory.Find(worker_id, worker) || worker.supervisor_id.empty()) return "";
  if (trigger_owner == policy::Owner::kSupervisor) return worker.supervisor_id;
  WorkerEntry supervisor;
  if (!directory.Find(worker.supervisor_id, supervisor)) return "";
  return supervisor.supervisor_id;
}

Decision Decide(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
                const CaseContext& context, const Directory& directory,
                const policy::Engine& engine, absl::Time now, const DecideOptions& options) {
  Decision decision;
  decision.child = context.child;
  const scheduling::v1::DueItem* item = ScheduleItemOf(event);
  decision.case_event = item == nullptr;
  decision.child.child_id = item != nullptr ? item->child_id() : meta.subject();
  decision.previous_worker_id = context.child.worker_id;
  const bool worker_changed = decision.case_event && UpdateChild(event, decision.child);
  // The worker the owners are resolved from: the allocated one, or (for a schedule event about
  // a child this service never saw allocated) the worker scheduling names.
  std::string worker_id = decision.child.worker_id;
  std::string team_id = decision.child.team_id;
  if (item != nullptr && worker_id.empty()) worker_id = item->worker_id();
  if (item != nullptr && team_id.empty()) team_id = item->team_id();

  // The event passed CheckInbound (meta with occurred_at), so this cannot fail; fall back to
  // the meta alone if it ever does, which triggers nothing.
  auto event_facts = policy::EventFactsFromMessage(event);
  policy::CaseEventFacts facts;
  if (event_facts.ok()) facts = *std::move(event_facts);
  facts.event_id = meta.event_id();
  facts.child_id = decision.child.child_id;
  facts.occurred_at = events::FromTimestamp(meta.occurred_at());

  std::vector<v1::OversightTask> open = context.open_tasks;
  std::vector<std::string> triggered_now;  // tasks this event opened or was linked to
  std::vector<policy::RequiredOversight> required;
  const bool history = facts.occurred_at < options.live_from;
  if (!history && (item == nullptr || !decision.child.closed)) {
    required = engine.TriggeredOversight(facts);
  }
  for (size_t index = 0; index < required.size(); ++index) {
    const policy::RequiredOversight& need = required[index];
    const std::string& rule_id = need.due.explanation.rule_id;
    auto same_trigger = std::find_if(open.begin(), open.end(), [&](const auto& task) {
      return task.trigger_id() == need.trigger;
    });
    // Checkpoints of one assessment are distinct items even though they share a trigger.
    const bool is_checkpoint = need.due.kind == policy::ItemKind::kAssessmentCheckpoint;
    if (options.repeat == RepeatPolicy::kLinkToOpenTask && same_trigger != open.end() &&
        !is_checkpoint) {
      if (std::find(same_trigger->linked_event_ids().begin(),
                    same_trigger->linked_event_ids().end(),
                    meta.event_id()) == same_trigger->linked_event_ids().end()) {
        same_trigger->add_linked_event_ids(meta.event_id());
        AddHistory(*same_trigger, now, meta.event_id(), "repeated trigger linked to this task");
        decision.upserts.push_back(*same_trigger);
      }
      triggered_now.push_back(same_trigger->task_id());
      continue;
    }

    v1::OversightTask task;
    task.set_task_id(events::DeriveId(
        {meta.authority_id(), meta.event_id(), need.trigger, std::to_string(index)}));
    task.set_authority_id(meta.authority_id());
    task.set_status(v1::TASK_STATUS_REQUESTED);
    task.set_child_id(decision.child.child_id);
    task.set_trigger_id(need.trigger);
    task.set_rule_id(rule_id);
    task.set_caused_by_event_id(meta.event_id());
    task.set_worker_id(worker_id);
    task.set_team_id(team_id);
    task.set_owner_rule(std::string(policy::OwnerName(need.owner)));
    task.set_owner_id(ResolveOwner(need.owner, worker_id, directory));
    events::ToTimestamp(now, task.mutable_authored_on());
    events::ToTimestamp(need.due.due_at, task.mutable_due_at());
    task.set_priority(ToProto(need.priority));
    task.set_description(need.description.empty() ? need.due.explanation.summary
                                                  : need.description);
    AddHistory(task, now, meta.event_id(),
               "opened (" + rule_id + "): " + need.due.explanation.summary);

    v1::TaskOpened opened;
    *opened.mutable_meta() =
        events::DerivedMeta(kServiceName, meta.authority_id(), task.child_id(), meta.event_id(),
                            "opened:" + task.task_id(), facts.occurred_at, now);
    *opened.mutable_task() = task;
    decision.opened.push_back(std::move(opened));
    decision.upserts.push_back(task);
    triggered_now.push_back(task.task_id());
    open.push_back(std::move(task));
  }

  const bool closing = decision.case_event && IsClosingEvent(event);
  for (auto& task : open) {
    if (std::find(triggered_now.begin(), triggered_now.end(), task.task_id()) !=
        triggered_now.end()) {
      continue;  // what this event requires (a second closure keeps the first one's task)
    }
    if (closing) {
      task.set_status(v1::TASK_STATUS_CANCELLED);
      AddHistory(task, now, meta.event_id(),
                 "cancelled: case closed, transferred or stepped across");
      v1::TaskCancelled cancelled;
      *cancelled.mutable_meta() =
          events::DerivedMeta(kServiceName, meta.authority_id(), task.child_id(), meta.event_id(),
                              "cancelled:" + task.task_id(), facts.occurred_at, now);
      cancelled.set_task_id(task.task_id());
      cancelled.set_child_id(task.child_id());
      cancelled.set_reason("case " + std::string(event.GetDescriptor()->name()));
      decision.cancelled.push_back(std::move(cancelled));
      decision.upserts.push_back(task);
    } else if (worker_changed) {
      const std::string owner =
          ResolveOwner(OwnerRuleOf(task), decision.child.worker_id, directory);
      task.set_worker_id(decision.child.worker_id);
      if (owner.empty() || owner == task.owner_id()) {
        decision.upserts.push_back(task);  // the new worker, same (or unknown) owner
        continue;
      }
      v1::TaskReassigned reassigned;
      *reassigned.mutable_meta() =
          events::DerivedMeta(kServiceName, meta.authority_id(), task.child_id(), meta.event_id(),
                              "reassigned:" + task.task_id(), facts.occurred_at, now);
      reassigned.set_task_id(task.task_id());
      reassigned.set_child_id(task.child_id());
      reassigned.set_previous_owner_id(task.owner_id());
      reassigned.set_owner_id(owner);
      *reassigned.mutable_due_at() = task.due_at();
      task.set_owner_id(owner);
      AddHistory(task, now, meta.event_id(), "reassigned: the child was reallocated");
      decision.reassigned.push_back(std::move(reassigned));
      decision.upserts.push_back(task);
    }
  }
  // A task linked and then cancelled or reassigned by the same event appears twice: keep the
  // last state of each, where the first one was.
  std::vector<v1::OversightTask>& upserts = decision.upserts;
  for (size_t i = 0; i < upserts.size(); ++i) {
    const std::string id = upserts[i].task_id();
    size_t last = i;
    for (size_t j = i + 1; j < upserts.size(); ++j) {
      if (upserts[j].task_id() == id) last = j;
    }
    if (last == i) continue;
    upserts[i] = upserts[last];  // a copy: the later entries are removed by id below
    upserts.erase(std::remove_if(upserts.begin() + static_cast<ptrdiff_t>(i) + 1, upserts.end(),
                                 [&](const auto& t) { return t.task_id() == id; }),
                  upserts.end());
  }
  return decision;
}

DirectoryDecision DecideSupervisorChange(const std::string& worker_id,
                                         const std::string& previous_supervisor_id,
                                         const std::string& new_supervisor_id,
                                         const std::vector<v1::OversightTask>& open_tasks,
                                         const common::v1::EventMeta& cause, absl::Time now) {
  DirectoryDecision decision;
  if (new_supervisor_id.empty()) return decision;
  for (v1::OversightTask task : open_tasks) {
    if (task.worker_id() != worker_id) continue;
    if (OwnerRuleOf(task) != policy::Owner::kSupervisor) continue;
    const bool unowned = task.owner_id().empty();
    const bool was_old_supervisors =
        !previous_supervisor_id.empty() && task.owner_id() == previous_supervisor_id;
    if (!unowned && !was_old_supervisors) continue;
    if (task.owner_id() == new_supervisor_id) continue;
    v1::TaskReassigned reassigned;
    *reassigned.mutable_meta() = events::DerivedMeta(
        kServiceName, cause.authority_id(), task.child_id(), cause.event_id(),
        "reassigned:" + task.task_id(), events::FromTimestamp(cause.occurred_at()), now);
    reassigned.set_task_id(task.task_id());
    reassigned.set_child_id(task.child_id());
    reassigned.set_previous_owner_id(task.owner_id());
    reassigned.set_owner_id(new_supervisor_id);
    *reassigned.mutable_due_at() = task.due_at();
    task.set_owner_id(new_supervisor_id);
    AddHistory(task, now, cause.event_id(),
               unowned ? "assigned: the worker's supervisor became known"
                       : "reassigned: the worker's supervisor changed");
    decision.reassigned.push_back(std::move(reassigned));
    decision.upserts.push_back(std::move(task));
  }
  return decision;
}

}  // namespace oversight::triggers
