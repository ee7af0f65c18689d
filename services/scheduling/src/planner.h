// The rules of scheduling, without I/O: what an event changes in a worker's, a child's or an
// oversight task's facts, and which due items follow from those facts (the policy engine computes
// every date). The Kafka handler loads the records an event names (Subjects), calls Apply and
// Plan, and stores the resulting Changes atomically (item_store.h).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/policy/engine.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"

namespace oversight::scheduling {

// A worker as scheduling knows them (workforce and supervision events).
struct WorkerRecord {
  policy::WorkerFacts facts;  // facts.worker_id is the id
  bool joined = false;        // a WorkerJoined was seen (items are planned only then)
  bool left = false;
};

// A child's case (case and supervision events).
struct ChildRecord {
  policy::ChildFacts facts;  // facts.child_id is the id
  bool allocated = false;    // a CaseAllocated was seen
  bool closed = false;       // closed or transferred out: no more discussions
};

// An oversight task published by oversight-triggers.
struct TaskRecord {
  std::string task_id;
  std::string child_id;
  std::string owner_id;  // the supervisor who must record the oversight
  std::string worker_id;
  std::string team_id;
  std::string rule_id;
  std::string trigger_id;
  std::string description;
  absl::Time due_at = absl::UnixEpoch();
  bool open = true;
};

// A team, for group supervision (D17): formed when its first worker joins. Joins of one team
// come on different partitions (keyed by worker), so they are handled in any order: the first
// joiner is the one whose join happened first (occurred_at, then the smaller worker id), and a
// join handled later that happened earlier takes the team over.
struct TeamRecord {
  policy::TeamFacts facts;   // facts.team_id is the id
  std::string manager_id;    // who runs its group supervision (the first joiner's supervisor)
  std::string first_joiner;  // "" when a group session formed the team (or an old record)
  absl::Time first_joined_at = absl::InfiniteFuture();
};

// A session whose record has deadlines (supervision events).
struct SessionRecord {
  std::string record_id;
  policy::RecordKind kind = policy::RecordKind::kCaseSupervision;
  absl::Time held_at = absl::UnixEpoch();
  std::optional<absl::Time> circulated_at;
  std::string supervisor_id;
  std::string worker_id;  // the first supervisee
  std::string child_id;   // the first child discussed
  std::string team_id;
  bool recorded = false;
  bool signed_off = false;
};

// Who supervises whom: the supervisor (line manager) of a worker, "" if unknown.
class Directory {
 public:
  virtual ~Directory() = default;
  virtual std::string SupervisorOf(const std::string& worker_id) const = 0;
};

// The records an event is applied to, loaded by the caller. A subject missing from a map is
// new (Apply creates it).
struct State {
  std::map<std::string, WorkerRecord> workers;
  std::map<std::string, ChildRecord> children;
  std::map<std::string, TaskRecord> tasks;
  std::map<std::string, SessionRecord> sessions;
  std::map<std::string, TeamRecord> teams;
};

// What must be loaded before Apply: the records of these ids, and the children allocated to
// `caseloads_of` (a supervisor change moves their children's discussions to the new supervisor).
struct Subjects {
  std::vector<std::string> workers;
  std::vector<std::string> children;
  std::vector<std::string> tasks;
  std::vector<std::string> sessions;
  std::vector<std::string> teams;
  std::vector<std::string> caseloads_of;
};

// The subjects an event names (empty for events scheduling ignores).
Subjects SubjectsOf(const google::protobuf::Message& event);

// What Apply did: the subjects whose items must be recomputed, the items the event satisfied
// (a session held, a task completed ...), and why items that disappear are cancelled.
struct Reaction {
  std::set<std::string> workers;
  std::set<std::string> children;
  std::set<std::string> tasks;
  std::set<std::string> sessions;
  std::set<std::string> teams;
  std::set<std::string> satisfied;  // item ids
  std::string cancel_reason;        // e.g. "worker_left", "case_closed"
};

// Applies one event to the loaded records (see the README for each event's effect). Dates of
// day-based facts are the London day of the event's occurred_at unless the event carries a
// date. Unknown or irrelevant events change nothing and return an empty Reaction.
Reaction Apply(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
               const policy::WorkingCalendar& calendar, State& state);

// A due item as planned, with the person an escalation goes to.
struct PlannedItem {
  v1::DueItem item;            // stage SCHEDULED; due_at unset while paused
  std::string subject_key;     // "worker:<id>", "child:<id>" or "task:<id>"
  std::string escalate_to_id;  // the supervisor's line manager ("" if unknown)
};

// The id of the item of `kind` for a subject: "<kind name>:<subject id>" (one live item per
// kind and subject; a session held replaces it with the next one under the same id).
std::string ItemId(policy::ItemKind kind, const std::string& subject_id);
std::string TaskItemId(const std::string& task_id);

// The items a worker needs now: personal supervision, agreement review / new agreement,
// observation, PDR, appraisal, performance conversation (what the pack schedules). A worker who
// left has only the retention item (H8) when they left Children's Services, else nothing.
std::vector<PlannedItem> PlanWorker(const std::string& authority, const WorkerRecord& worker,
                                    const Directory& directory, const policy::Engine& engine);
// The case discussion a child needs (nothing once closed or before allocation).
std::vector<PlannedItem> PlanChild(const std::string& authority, const ChildRecord& child,
                                   const Directory& directory, const policy::Engine& engine);
// The team's next group supervision (D17), owned by its manager.
std::vector<PlannedItem> PlanTeam(const std::string& authority, const TeamRecord& team,
                                  const Directory& directory, const policy::Engine& engine);
// The OVERSIGHT_TASK item of an open task with the task's own due date (nothing once closed).
std::vector<PlannedItem> PlanTask(const std::string& authority, const TaskRecord& task,
                                  const Directory& directory);

// The record / circulate / sign-off deadlines of a session (engine.RecordingDeadlines), minus
// the steps done; ids "<kind>:<record id>:<step>". Sign-off counts from the actual circulation
// once known (S10).
std::vector<PlannedItem> PlanSession(const std::string& authority, const SessionRecord& session,
                                     const policy::Engine& engine);
std::string RecordItemId(policy::ItemKind kind, const std::string& record_id,
                         absl::string_view step);

// A stage a timer will fire, in time order.
struct StageTime {
  v1::Stage stage = v1::STAGE_DUE;
  int level = 0;  // escalation step (1-based) for STAGE_ESCALATED
  absl::Time at;
};

// The stages of an item: due soon (the pack's reminder_lead before the due day, at the start of
// that London day), due (start of the due day), overdue (a second after due_at), and one
// escalation per pack step (a second after the end of the day `overdue_by` after the due day).
// Stages at or before `now` collapse into the latest of them (it fires at once); a paused item
// has none.
std::vector<StageTime> StagesOf(const v1::DueItem& item, const policy::Pack& pack,
                                const policy::WorkingCalendar& calendar, absl::Time now);

// What one event changes in the schedule.
struct Changes {
  std::vector<PlannedItem> upserts;  // new or changed items (their timers restart)
  std::vector<v1::DueItem> satisfied;
  std::vector<v1::DueItem> cancelled;
  std::string cancel_reason;
};

// Compares the items a subject has (`existing`, by item id) with the ones it needs now
// (`planned`): unchanged items stay (their timers keep their progress); changed ones are
// upserted (and, if the event satisfied them, reported satisfied first); items no longer needed
// are satisfied or cancelled. Item equality is deterministic serialization of DueItem.
void Reconcile(const std::map<std::string, v1::DueItem>& existing,
               const std::vector<PlannedItem>& planned, const Reaction& reaction, Changes& changes);

// Converts between the proto and policy vocabularies.
v1::ItemKind ToProtoKind(policy::ItemKind kind);  // ITEM_KIND_UNSPECIFIED for kMentoring
std::string CanonicalBytes(const v1::DueItem& item);

}  // namespace oversight::scheduling
