// What the system must have produced from a stream of published events, computed by the fault
// suite itself from Devon's rules as RULES.md and the services' READMEs state them, not from
// the services' code or libs/policy:
//  - oversight tasks (RULES.md D8, D14.x, D15; oversight-triggers README): a new allocation
//    opens D8, entering care D14.4, a significant incident D14.2, a court direction D14.5, an
//    escalation D14.6, a discussion outside supervision D14.8, professional opinion D14.12, a
//    closure D14.13; each due at the end of the 2nd working day after the event's London day,
//    owned by the allocated worker's supervisor. A trigger repeated while its task is open is
//    linked to it (no new task); a closure cancels the child's other open tasks.
//  - due items (scheduling README): per person who joined, personal supervision (D2: weekly in
//    the first 6 weeks, so due 7 days after the start), a new agreement (D7: within 1 month of
//    the start) and an appraisal (D18: 12 months); per team, group supervision 1 month after it
//    formed (D17), run by its first joiner's supervisor; per allocated child still open, a case
//    discussion 2 months after allocation (D9, child in need / looked after, standard risk);
//    per open task, an OVERSIGHT_TASK item with the task's deadline and owner.
//  - reminders (scheduling README "Timers", notifications README "Routing"): at time `at`,
//    each item has reached the latest of its stages whose time has passed (due soon at the
//    start of the day 5 working days before the due day, due at the start of the due day,
//    overdue a second after the deadline, escalated a second after the end of the 5th working
//    day after the due day); that stage's notification reaches the item's supervisor, the
//    supervisee too for their own sessions, agreements, appraisals and their children's case
//    discussions, and on escalation the supervisor's line manager and the supervisor.
//    Earlier stages may have been folded into a later one (a timer that fires late fires only
//    the latest stage), so only the latest is required.
//  - each task's owner is told about it once ("opened", or "reassigned" when the task was
//    opened before its owner was known).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "workload.h"

namespace oversight::faults {

struct ExpectedTask {
  std::string key;  // "<child>/<rule>/<cause event id>"
  std::string child_id;
  std::string rule_id;
  std::string caused_by_event_id;
  std::string worker_id;
  std::string owner_id;
  absl::Time due_at;
  bool open = true;                           // false: cancelled by the child's closure
  std::vector<std::string> linked_event_ids;  // repeated triggers folded into it, in order
};

struct ExpectedItem {
  std::string key;  // "<kind>/<subject>": subject = worker, child or team id, or the task key
  scheduling::v1::ItemKind kind = scheduling::v1::ITEM_KIND_UNSPECIFIED;
  std::string subject;
  std::string worker_id;
  std::string supervisor_id;
  std::string line_manager_id;  // the supervisor's supervisor ("" if unknown)
  absl::Time due_at;
  std::string stage;  // the latest stage reached at the end (LatestStage), "" if scheduled
};

// A notification that must exist exactly once.
struct ExpectedReminder {
  std::string item_key;   // ExpectedItem::key
  std::string stage;      // notifications' stage key: "due_soon", "due", "overdue", "escalated:1"
  std::string recipient;  // person id
};

struct ExpectedOutcome {
  std::map<std::string, ExpectedTask> tasks;  // by key
  std::map<std::string, ExpectedItem> items;  // by key
  std::vector<ExpectedReminder> reminders;    // the latest stage of each item at `at`
  std::set<std::string> people;               // everyone who may be told (joined, or named)
  std::set<std::string> with_email;           // people with an address (they joined)
  int workforce_events = 0;
  int case_events = 0;
};

// The latest stage of an item due at the end of `due_day` whose time is at or before `at`
// ("" if none yet: scheduled).
std::string LatestStage(absl::CivilDay due_day, absl::Time at);

// The expected outcome of `events` (in publish order) at time `at`, after everything settled.
ExpectedOutcome Expect(const std::vector<PublishedEvent>& events, absl::Time at);

std::string ItemKey(scheduling::v1::ItemKind kind, const std::string& subject);

}  // namespace oversight::faults
