#include "expected_outcome.h"

#include "absl/strings/str_cat.h"
#include "london_calendar.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::faults {
namespace {

namespace sch = ::oversight::scheduling::v1;

// Devon's trigger rule for a case event of the stream ("" for none).
std::string RuleOf(const google::protobuf::Message& event) {
  if (const auto* allocated = dynamic_cast<const cases::v1::CaseAllocated*>(&event)) {
    return allocated->previous_worker_id().empty() ? "D8" : "D14.1";
  }
  if (dynamic_cast<const cases::v1::ChildEnteredCare*>(&event)) return "D14.4";
  if (dynamic_cast<const cases::v1::SignificantIncident*>(&event)) return "D14.2";
  if (dynamic_cast<const cases::v1::CourtDirection*>(&event)) return "D14.5";
  if (dynamic_cast<const cases::v1::EscalationRaised*>(&event)) return "D14.6";
  if (dynamic_cast<const cases::v1::CaseDiscussionOutsideSupervision*>(&event)) return "D14.8";
  if (dynamic_cast<const cases::v1::ProfessionalOpinionUsed*>(&event)) return "D14.12";
  if (dynamic_cast<const cases::v1::CaseClosed*>(&event)) return "D14.13";
  return "";
}

// Kinds whose reminders reach the supervisee as well as the supervisor.
bool SuperviseeIsTold(sch::ItemKind kind) {
  return kind == sch::ITEM_KIND_PERSONAL_SUPERVISION || kind == sch::ITEM_KIND_CASE_DISCUSSION ||
         kind == sch::ITEM_KIND_NEW_AGREEMENT || kind == sch::ITEM_KIND_AGREEMENT_REVIEW ||
         kind == sch::ITEM_KIND_APPRAISAL;
}

struct PersonState {
  std::string supervisor_id;
  std::string team_id;
  absl::CivilDay start;
};

struct TeamState {
  std::string manager_id;
  absl::CivilDay formed;
};

struct ChildState {
  std::string worker_id;
  absl::CivilDay allocated;
  bool closed = false;
  std::map<std::string, std::string> open_task_by_rule;  // rule -> task key
};

}  // namespace

std::string ItemKey(sch::ItemKind kind, const std::string& subject) {
  return absl::StrCat(sch::ItemKind_Name(kind), "/", subject);
}

std::string LatestStage(absl::CivilDay due_day, absl::Time at) {
  const std::pair<absl::Time, const char*> stages[] = {
      {StartOfLondonDay(SubtractWorkingDays(due_day, 5)), "due_soon"},
      {StartOfLondonDay(due_day), "due"},
      {EndOfLondonDay(due_day) + absl::Seconds(1), "overdue"},
      {EndOfLondonDay(AddWorkingDays(due_day, 5)) + absl::Seconds(1), "escalated:1"},
  };
  std::string latest;
  for (const auto& [time, stage] : stages) {
    if (time <= at) latest = stage;
  }
  return latest;
}

ExpectedOutcome Expect(const std::vector<PublishedEvent>& events, absl::Time at) {
  ExpectedOutcome out;
  std::map<std::string, PersonState> people;  // who joined
  std::map<std::string, TeamState> teams;
  std::map<std::string, ChildState> children;

  for (const PublishedEvent& published : events) {
    const google::protobuf::Message& message = *published.message;
    if (published.stream == PublishedEvent::Stream::kWorkforce) {
      ++out.workforce_events;
      const auto* joined = dynamic_cast<const workforce::v1::WorkerJoined*>(&message);
      if (joined == nullptr) continue;
      const absl::CivilDay start(joined->start_date().year(), joined->start_date().month(),
                                 joined->start_date().day());
      people[joined->worker_id()] = {joined->supervisor_id(), joined->team_id(), start};
      if (!joined->team_id().empty() && !teams.contains(joined->team_id())) {
        teams[joined->team_id()] = {joined->supervisor_id(), start};
      }
      continue;
    }
    ++out.case_events;
    const std::string child_id = published.key;
    ChildState& child = children[child_id];
    const absl::Time occurred = published.occurred_at();
    if (const auto* allocated = dynamic_cast<const cases::v1::CaseAllocated*>(&message)) {
      child.worker_id = allocated->worker_id();
      child.allocated = LondonDay(occurred);
      child.closed = false;
    }
    const std::string rule = RuleOf(message);
    std::string triggered;  // the task this event opened or was linked to
    if (!rule.empty()) {
      auto open = child.open_task_by_rule.find(rule);
      if (open != child.open_task_by_rule.end()) {
        triggered = open->second;  // linked to the open task of the same trigger
        out.tasks[triggered].linked_event_ids.push_back(published.meta().event_id());
      } else {
        ExpectedTask task;
        task.key = absl::StrCat(child_id, "/", rule, "/", published.meta().event_id());
        task.child_id = child_id;
        task.rule_id = rule;
        task.caused_by_event_id = published.meta().event_id();
        task.worker_id = child.worker_id;
        auto worker = people.find(child.worker_id);
        task.owner_id = worker == people.end() ? "" : worker->second.supervisor_id;
        task.due_at = EndOfLondonDay(AddWorkingDays(LondonDay(occurred), 2));
        triggered = task.key;
        child.open_task_by_rule[rule] = task.key;
        out.tasks[task.key] = task;
      }
    }
    if (dynamic_cast<const cases::v1::CaseClosed*>(&message)) {
      for (auto it = child.open_task_by_rule.begin(); it != child.open_task_by_rule.end();) {
        if (it->second == triggered) {
          ++it;
          continue;
        }
        out.tasks[it->second].open = false;
        it = child.open_task_by_rule.erase(it);
      }
      child.closed = true;
    }
  }

  // Who may be told, and who has an email address (the directory knows it from their join).
  for (const auto& [id, person] : people) {
    out.people.insert(id);
    out.with_email.insert(id);
    if (!person.supervisor_id.empty()) out.people.insert(person.supervisor_id);
  }
  auto line_manager_of = [&](const std::string& supervisor) {
    auto it = people.find(supervisor);
    return it == people.end() ? std::string() : it->second.supervisor_id;
  };
  auto add_item = [&](sch::ItemKind kind, const std::string& subject, const std::string& worker,
                      const std::string& supervisor, absl::Time due_at) {
    ExpectedItem item;
    item.key = ItemKey(kind, subject);
    item.kind = kind;
    item.subject = subject;
    item.worker_id = worker;
    item.supervisor_id = supervisor;
    item.line_manager_id = line_manager_of(supervisor);
    item.due_at = due_at;
    out.items[item.key] = item;
  };
  for (const auto& [id, person] : people) {
    add_item(sch::ITEM_KIND_PERSONAL_SUPERVISION, id, id, person.supervisor_id,
             EndOfLondonDay(person.start + 7));
    add_item(sch::ITEM_KIND_NEW_AGREEMENT, id, id, person.supervisor_id,
             EndOfLondonDay(AddMonths(person.start, 1)));
    add_item(sch::ITEM_KIND_APPRAISAL, id, id, person.supervisor_id,
             EndOfLondonDay(AddMonths(person.start, 12)));
  }
  for (const auto& [id, team] : teams) {
    add_item(sch::ITEM_KIND_GROUP_SUPERVISION, id, "", team.manager_id,
             EndOfLondonDay(AddMonths(team.formed, 1)));
  }
  for (const auto& [id, child] : children) {
    if (child.closed || child.worker_id.empty()) continue;
    auto worker = people.find(child.worker_id);
    add_item(sch::ITEM_KIND_CASE_DISCUSSION, id, child.worker_id,
             worker == people.end() ? "" : worker->second.supervisor_id,
             EndOfLondonDay(AddMonths(child.allocated, 2)));
  }
  for (const auto& [key, task] : out.tasks) {
    if (task.open) {
      add_item(sch::ITEM_KIND_OVERSIGHT_TASK, key, task.worker_id, task.owner_id, task.due_at);
    }
  }

  for (auto& [key, item] : out.items) {
    const std::string stage = LatestStage(LondonDay(item.due_at), at);
    item.stage = stage;
    if (stage.empty()) continue;
    std::vector<std::string> recipients;
    if (stage.starts_with("escalated")) {
      recipients = {item.line_manager_id, item.supervisor_id};
    } else {
      recipients = {item.supervisor_id};
      if (SuperviseeIsTold(item.kind) && item.worker_id != item.supervisor_id) {
        recipients.push_back(item.worker_id);
      }
    }
    std::set<std::string> told;
    for (const std::string& recipient : recipients) {
      if (recipient.empty() || !told.insert(recipient).second) continue;
      out.reminders.push_back({key, stage, recipient});
    }
  }
  return out;
}

}  // namespace oversight::faults
