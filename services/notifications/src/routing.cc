#include "routing.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "oversight/events/outbound.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::notifications {
namespace {

namespace sch = ::oversight::scheduling::v1;
namespace tr = ::oversight::triggers::v1;

// Kinds that are the supervisee's own as well as their supervisor's: sessions, agreements,
// reviews (and sign-offs, handled apart).
bool SuperviseeIsTold(sch::ItemKind kind) {
  switch (kind) {
    case sch::ITEM_KIND_PERSONAL_SUPERVISION:
    case sch::ITEM_KIND_CASE_DISCUSSION:
    case sch::ITEM_KIND_AGREEMENT_REVIEW:
    case sch::ITEM_KIND_NEW_AGREEMENT:
    case sch::ITEM_KIND_OBSERVATION:
    case sch::ITEM_KIND_PDR:
    case sch::ITEM_KIND_APPRAISAL:
    case sch::ITEM_KIND_PERFORMANCE_CONVERSATION:
    case sch::ITEM_KIND_SIGN_OFF_DEADLINE:
      return true;
    default:
      return false;
  }
}

std::string StageKey(const sch::DueItem& item) {
  switch (item.stage()) {
    case sch::STAGE_DUE_SOON:
      return "due_soon";
    case sch::STAGE_DUE:
      return "due";
    case sch::STAGE_OVERDUE:
      return "overdue";
    case sch::STAGE_ESCALATED:
      return absl::StrCat("escalated:", item.escalation_level());
    default:
      return "other";
  }
}

class Builder {
 public:
  Builder(const common::v1::EventMeta& meta, const RoutingContext& context, absl::Time now)
      : meta_(meta), context_(context), now_(now) {}

  // A notification for `recipient` unless they have one already in this batch, are unknown
  // ("") or have left. Returns nullptr when nobody is to be told.
  v1::Notification* Add(const std::string& recipient, const std::string& id) {
    if (recipient.empty()) return nullptr;
    const Person* person = context_.directory.Find(recipient);
    if (person != nullptr && person->left) return nullptr;
    for (const auto& existing : routed_.notifications) {
      if (existing.recipient_id() == recipient) return nullptr;
    }
    v1::Notification& n = routed_.notifications.emplace_back();
    n.set_notification_id(id);
    n.set_authority_id(meta_.authority_id());
    n.set_recipient_id(recipient);
    if (person != nullptr) n.set_recipient_name(person->display_name);
    events::ToTimestamp(now_, n.mutable_created_at());
    return &n;
  }

  std::string NameOf(const std::string& id) const {
    const Person* person = context_.directory.Find(id);
    return person == nullptr ? "" : person->display_name;
  }

  Routed Take() { return std::move(routed_); }
  Routed& routed() { return routed_; }

 private:
  const common::v1::EventMeta& meta_;
  const RoutingContext& context_;
  absl::Time now_;
  Routed routed_;
};

void RouteTaskOpened(const tr::TaskOpened& event, Builder& builder, const RoutingContext& context) {
  const auto& task = event.task();
  const std::string& a = event.meta().authority_id();
  v1::Notification* n = builder.Add(
      task.owner_id(), events::DeriveId({a, task.task_id(), "opened", task.owner_id()}));
  if (n == nullptr) return;
  n->set_item_id(task.task_id());
  n->set_stage("opened");
  n->set_child_id(task.child_id());
  n->set_worker_id(task.worker_id());
  n->set_occurrence_id(TaskOccurrence(task.task_id()));
  *n->mutable_due_at() = task.due_at();
  RenderTaskOpened(task, context.render, *n);
}

void RouteTaskReassigned(const tr::TaskReassigned& event, Builder& builder,
                         const RoutingContext& context) {
  const std::string& a = event.meta().authority_id();
  v1::Notification* n = builder.Add(
      event.owner_id(), events::DeriveId({a, event.task_id(), "reassigned", event.owner_id()}));
  if (n == nullptr) return;
  n->set_item_id(event.task_id());
  n->set_stage("reassigned");
  n->set_child_id(event.child_id());
  n->set_occurrence_id(TaskOccurrence(event.task_id()));
  *n->mutable_due_at() = event.due_at();
  RenderTaskReassigned(event, context.render, *n);
}

// The escalation target of `item` at its level, and whether they are told as the supervisor's
// manager (else as the supervisor or supervisee the pack's step names).
struct Target {
  std::string id;
  Audience audience = Audience::kEscalationTarget;
};

Target EscalationTarget(const sch::DueItem& item, const std::string& escalate_to_id,
                        const RoutingContext& context) {
  const int level = std::max(1, item.escalation_level());
  int depth = 0;
  policy::Owner to = policy::Owner::kSupervisorLineManager;
  for (int i = 0; i < level; ++i) {
    to = i < static_cast<int>(context.escalation.size()) ? context.escalation[i].to
                                                         : policy::Owner::kSupervisorLineManager;
    if (to == policy::Owner::kSupervisorLineManager) ++depth;
  }
  if (to == policy::Owner::kSupervisor) return {item.supervisor_id(), Audience::kSupervisor};
  if (to == policy::Owner::kAllocatedWorker) return {item.worker_id(), Audience::kSupervisee};
  std::string target = context.directory.ManagerAbove(item.supervisor_id(), depth);
  if (target.empty()) target = escalate_to_id;
  return {target, Audience::kEscalationTarget};
}

void RouteDueItem(const sch::DueItem& item, const std::string& escalate_to_id, Builder& builder,
                  const RoutingContext& context) {
  const std::string& a = item.authority_id();
  const std::string stage = StageKey(item);
  const std::string occurrence = OccurrenceOf(item);
  const std::string supervisor_name = builder.NameOf(item.supervisor_id());
  auto tell = [&](const std::string& recipient, Audience audience) {
    v1::Notification* n = builder.Add(
        recipient, events::DeriveId({a, item.item_id(), absl::StrCat(item.due_at().seconds()),
                                     stage, recipient}));
    if (n == nullptr) return;
    n->set_item_id(item.item_id());
    n->set_stage(stage);
    n->set_child_id(item.child_id());
    n->set_worker_id(item.worker_id());
    n->set_occurrence_id(occurrence);
    *n->mutable_due_at() = item.due_at();
    n->set_critical(item.critical() || item.stage() == sch::STAGE_ESCALATED);
    RenderDueItem(item, audience, supervisor_name, context.render, *n);
  };

  if (item.stage() == sch::STAGE_ESCALATED) {
    const Target target = EscalationTarget(item, escalate_to_id, context);
    tell(target.id, target.audience);
    tell(item.supervisor_id(), Audience::kSupervisor);
    return;
  }
  const bool sign_off = item.kind() == sch::ITEM_KIND_SIGN_OFF_DEADLINE;
  if (!sign_off || item.stage() == sch::STAGE_OVERDUE) {
    tell(item.supervisor_id(), Audience::kSupervisor);
  }
  if (SuperviseeIsTold(item.kind()) && item.worker_id() != item.supervisor_id()) {
    tell(item.worker_id(), Audience::kSupervisee);
  }
}

// The item of a schedule event with a stage that reaches people, and the escalation target.
const sch::DueItem* ReminderItem(const google::protobuf::Message& event, std::string* escalate_to) {
  if (const auto* e = dynamic_cast<const sch::ItemDueSoon*>(&event)) return &e->item();
  if (const auto* e = dynamic_cast<const sch::ItemDue*>(&event)) return &e->item();
  if (const auto* e = dynamic_cast<const sch::ItemOverdue*>(&event)) return &e->item();
  if (const auto* e = dynamic_cast<const sch::ItemEscalated*>(&event)) {
    *escalate_to = e->escalate_to_id();
    return &e->item();
  }
  return nullptr;
}

// The stage a reminder event stands for (events may arrive with the item's stage unset).
sch::Stage StageOfEvent(const google::protobuf::Message& event) {
  if (dynamic_cast<const sch::ItemDueSoon*>(&event)) return sch::STAGE_DUE_SOON;
  if (dynamic_cast<const sch::ItemDue*>(&event)) return sch::STAGE_DUE;
  if (dynamic_cast<const sch::ItemOverdue*>(&event)) return sch::STAGE_OVERDUE;
  return sch::STAGE_ESCALATED;
}

}  // namespace

std::string OccurrenceOf(const sch::DueItem& item) {
  if (item.kind() == sch::ITEM_KIND_OVERSIGHT_TASK && !item.task_id().empty()) {
    return TaskOccurrence(item.task_id());
  }
  return absl::StrCat(item.item_id(), "@", item.due_at().seconds());
}

std::string TaskOccurrence(const std::string& task_id) {
  return "task:" + task_id;
}

Routed Route(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
             const RoutingContext& context, absl::Time now) {
  Builder builder(meta, context, now);
  if (const auto* opened = dynamic_cast<const tr::TaskOpened*>(&event)) {
    RouteTaskOpened(*opened, builder, context);
  } else if (const auto* reassigned = dynamic_cast<const tr::TaskReassigned*>(&event)) {
    RouteTaskReassigned(*reassigned, builder, context);
  } else if (const auto* completed = dynamic_cast<const tr::TaskCompleted*>(&event)) {
    builder.routed().closed_occurrences.push_back(TaskOccurrence(completed->task_id()));
  } else if (const auto* cancelled = dynamic_cast<const tr::TaskCancelled*>(&event)) {
    builder.routed().closed_occurrences.push_back(TaskOccurrence(cancelled->task_id()));
  } else if (const auto* satisfied = dynamic_cast<const sch::ItemSatisfied*>(&event)) {
    builder.routed().closed_occurrences.push_back(OccurrenceOf(satisfied->item()));
  } else if (const auto* gone = dynamic_cast<const sch::ItemCancelled*>(&event)) {
    builder.routed().closed_occurrences.push_back(OccurrenceOf(gone->item()));
  } else {
    std::string escalate_to;
    if (const sch::DueItem* reminder = ReminderItem(event, &escalate_to)) {
      sch::DueItem item = *reminder;
      if (item.authority_id().empty()) item.set_authority_id(meta.authority_id());
      item.set_stage(StageOfEvent(event));
      RouteDueItem(item, escalate_to, builder, context);
    }
  }
  return builder.Take();
}

DirectoryNeeds NeedsOf(const google::protobuf::Message& event,
                       const std::vector<policy::EscalationStep>& escalation) {
  DirectoryNeeds needs;
  if (const auto* opened = dynamic_cast<const tr::TaskOpened*>(&event)) {
    needs.ids = {opened->task().owner_id()};
  } else if (const auto* reassigned = dynamic_cast<const tr::TaskReassigned*>(&event)) {
    needs.ids = {reassigned->owner_id()};
  } else {
    std::string escalate_to;
    if (const sch::DueItem* item = ReminderItem(event, &escalate_to)) {
      needs.ids = {item->supervisor_id(), item->worker_id()};
      if (!escalate_to.empty()) needs.ids.push_back(escalate_to);
      if (dynamic_cast<const sch::ItemEscalated*>(&event)) {
        needs.manager_levels =
            std::max<int>(item->escalation_level(), static_cast<int>(escalation.size()));
      }
    }
  }
  needs.ids.erase(std::remove(needs.ids.begin(), needs.ids.end(), std::string()), needs.ids.end());
  return needs;
}

}  // namespace oversight::notifications
