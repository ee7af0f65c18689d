#include "templates.h"

#include "absl/time/time.h"
#include "oversight/events/outbound.h"

namespace oversight::notifications {
namespace {

// Deadlines are London days: "Wed 30 Dec 2026".
std::string LondonDay(const google::protobuf::Timestamp& at) {
  static const absl::TimeZone* london = [] {
    auto* zone = new absl::TimeZone();
    if (!absl::LoadTimeZone("Europe/London", zone)) *zone = absl::UTCTimeZone();
    return zone;
  }();
  return absl::FormatTime("%a %e %b %Y", events::FromTimestamp(at), *london);
}

std::string CaseLink(const std::string& child_id) {
  return "{{case_system_url}}/children/" + child_id;
}

}  // namespace

void RenderTaskOpened(const triggers::v1::OversightTask& task, v1::Notification& out) {
  const std::string due = LondonDay(task.due_at());
  out.set_kind("oversight_task_opened");
  out.set_rule_id(task.rule_id());
  out.set_link(CaseLink(task.child_id()));
  out.set_critical(task.priority() == triggers::v1::TASK_PRIORITY_ASAP ||
                   task.priority() == triggers::v1::TASK_PRIORITY_STAT);
  out.set_subject("Management oversight needed for child " + task.child_id() + " by " + due);
  out.set_body_text(
      "A management decision needs to be recorded on the file of child " + task.child_id() +
      " by " + due + ".\n\nWhy: " + task.description() + " (rule " + task.rule_id() +
      " of your authority's supervision policy).\n" +
      (task.worker_id().empty() ? std::string() : "Allocated worker: " + task.worker_id() + ".\n") +
      "\nRecord it here: " + out.link() + "\n");
}

void RenderTaskReassigned(const triggers::v1::TaskReassigned& event, v1::Notification& out) {
  const std::string due = LondonDay(event.due_at());
  out.set_kind("oversight_task_reassigned");
  out.set_link(CaseLink(event.child_id()));
  out.set_subject("Oversight task for child " + event.child_id() + " is now yours (due " + due +
                  ")");
  out.set_body_text("An open management-oversight task for child " + event.child_id() +
                    " has been passed to you because the child's case moved. It is due by " + due +
                    ".\n\nRecord it here: " + out.link() + "\n");
}

}  // namespace oversight::notifications
