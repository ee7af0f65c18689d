#include "task_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "oversight/events/outbound.h"
#include "oversight/pipeline/outbox_event.h"
#include "oversight/redis/outbox.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "task_index.h"
#include "team_summary.h"

namespace oversight::triggers {
namespace {

std::string Tag(const std::string& authority) {
  return "ovs:{" + authority + "}:trg:";
}
std::string ChildKey(const std::string& a, const std::string& child) {
  return Tag(a) + "child:" + child;
}
std::string OpenKey(const std::string& a, const std::string& child) {
  return ChildKey(a, child) + ":open";
}
std::string ChildTasksKey(const std::string& a, const std::string& child) {
  return ChildKey(a, child) + ":tasks";
}
std::string TaskKey(const std::string& a, const std::string& task) {
  return Tag(a) + "task:" + task;
}
std::string TeamsKey(const std::string& a) {
  return Tag(a) + "teams";
}
std::string UnteamedKey(const std::string& a) {
  return Tag(a) + "unteamed";
}
std::string OwnerKey(const std::string& a, const std::string& owner) {
  return Tag(a) + "owner:" + owner;
}
std::string TeamKey(const std::string& a, const std::string& team) {
  return Tag(a) + "team:" + team;
}
std::string TeamOpenKey(const std::string& a, const std::string& team) {
  return TeamKey(a, team) + ":open";
}
std::string TeamDoneKey(const std::string& a, const std::string& team, bool on_time) {
  return TeamKey(a, team) + (on_time ? ":done:on_time" : ":done:late");
}
std::string WorkerKey(const std::string& a, const std::string& worker) {
  return Tag(a) + "worker:" + worker;
}

std::map<std::string, std::string> HashOf(const redis::Reply& reply) {
  std::map<std::string, std::string> fields;
  const auto& elements = reply.elements();
  for (size_t i = 0; i + 1 < elements.size(); i += 2) {
    fields[elements[i].str()] = elements[i + 1].str();
  }
  return fields;
}

std::string Field(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

WorkerEntry WorkerFrom(const std::string& worker_id,
                       const std::map<std::string, std::string>& fields) {
  return WorkerEntry{worker_id, Field(fields, "supervisor_id"), Field(fields, "team_id"),
                     Field(fields, "left") == "1"};
}

std::string Seconds(const google::protobuf::Timestamp& at) {
  return std::to_string(at.seconds());
}

// Whether the child has an open task once `decision` is applied to `before`.
bool HasOpenTasksAfter(const CaseContext& before, const Decision& decision) {
  std::map<std::string, bool> open;
  for (const auto& task : before.open_tasks)
    open[task.task_id()] = true;
  for (const auto& task : decision.upserts)
    open[task.task_id()] = IsOpen(task);
  return std::any_of(open.begin(), open.end(), [](const auto& entry) { return entry.second; });
}

}  // namespace

std::string NextVersion(const std::string& version) {
  int64_t n = 0;
  if (!version.empty() && !absl::SimpleAtoi(version, &n)) n = 0;
  return std::to_string(n + 1);
}

absl::StatusOr<CaseContext> TaskStore::LoadContext(const std::string& authority,
                                                   const std::string& child_id) {
  auto contexts = LoadContexts(authority, {child_id});
  if (!contexts.ok()) return contexts.status();
  return std::move((*contexts)[child_id]);
}

absl::StatusOr<std::map<std::string, CaseContext>> TaskStore::LoadContexts(
    const std::string& authority, const std::vector<std::string>& child_ids) {
  std::vector<std::string> children = child_ids;
  std::sort(children.begin(), children.end());
  children.erase(std::unique(children.begin(), children.end()), children.end());
  redis::Pipeline reads;
  for (const auto& child : children) {
    reads.Add({"HGETALL", ChildKey(authority, child)});
    reads.Add({"SMEMBERS", OpenKey(authority, child)});
  }
  auto replies = connection_.Execute(reads, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();

  std::map<std::string, CaseContext> contexts;
  std::vector<std::string> open_ids;
  for (size_t i = 0; i < children.size(); ++i) {
    const auto fields = HashOf((*replies)[2 * i]);
    CaseContext& context = contexts[children[i]];
    context.child.child_id = children[i];
    context.child.worker_id = Field(fields, "worker_id");
    context.child.team_id = Field(fields, "team_id");
    context.child.case_type = Field(fields, "case_type");
    context.child.risk = Field(fields, "risk");
    context.child.closed = Field(fields, "closed") == "1";
    // Children stored before "seen" existed were known by their case fields.
    context.known = Field(fields, "seen") == "1" || fields.count("worker_id") > 0;
    context.version = Field(fields, "version");
    for (const auto& id : (*replies)[2 * i + 1].elements())
      open_ids.push_back(id.str());
  }
  auto tasks = GetTasks(authority, open_ids);
  if (!tasks.ok()) return tasks.status();
  for (auto& [id, task] : *tasks) {
    if (!task.has_value() || !IsOpen(*task)) continue;
    auto it = contexts.find(task->child_id());
    if (it != contexts.end()) it->second.open_tasks.push_back(*std::move(task));
  }
  for (auto& [child, context] : contexts) {
    std::sort(context.open_tasks.begin(), context.open_tasks.end(),
              [](const auto& a, const auto& b) { return a.task_id() < b.task_id(); });
  }
  return contexts;
}

absl::StatusOr<std::vector<bool>> TaskStore::AlreadyProcessed(
    const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids) {
  return redis::AlreadyProcessed(connection_, kServiceName, authority_and_event_ids);
}

absl::StatusOr<std::map<std::string, std::optional<v1::OversightTask>>> TaskStore::GetTasks(
    const std::string& authority, const std::vector<std::string>& task_ids) {
  redis::Pipeline reads;
  for (const auto& id : task_ids)
    reads.Add({"GET", TaskKey(authority, id)});
  auto replies = connection_.Execute(reads, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  std::map<std::string, std::optional<v1::OversightTask>> tasks;
  for (size_t i = 0; i < task_ids.size(); ++i) {
    v1::OversightTask task;
    const auto& reply = (*replies)[i];
    if (reply.is_string() && task.ParseFromString(reply.str())) {
      tasks[task_ids[i]] = std::move(task);
    } else {
      tasks[task_ids[i]] = std::nullopt;
    }
  }
  return tasks;
}

absl::StatusOr<std::map<std::string, WorkerEntry>> TaskStore::GetWorkers(
    const std::string& authority, const std::vector<std::string>& worker_ids) {
  redis::Pipeline reads;
  for (const auto& id : worker_ids)
    reads.Add({"HGETALL", WorkerKey(authority, id)});
  auto replies = connection_.Execute(reads, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  std::map<std::string, WorkerEntry> workers;
  for (size_t i = 0; i < worker_ids.size(); ++i) {
    if ((*replies)[i].elements().empty()) continue;
    workers[worker_ids[i]] = WorkerFrom(worker_ids[i], HashOf((*replies)[i]));
  }
  return workers;
}

void TaskStore::BumpVersion(redis::ChangeSet& change, const std::string& authority,
                            const std::string& child_id, const std::string& version) {
  const std::string key = ChildKey(authority, child_id);
  change.ExpectField(key, "version", version);
  change.Write(key, {"HSET", key, "version", NextVersion(version)});
}

void TaskStore::WriteTask(redis::ChangeSet& change, const std::string& a,
                          const v1::OversightTask& task, const v1::OversightTask* before) const {
  // Only the indexes whose inputs changed are written (a linked or reassigned task keeps most).
  const std::string& id = task.task_id();
  const std::string due = Seconds(task.due_at());
  const bool open = IsOpen(task);
  const bool fresh = before == nullptr;
  const bool due_changed = fresh || before->due_at().seconds() != task.due_at().seconds();
  const bool open_changed = fresh || IsOpen(*before) != open;
  const bool owner_changed = fresh || before->owner_id() != task.owner_id();
  change.Write(TaskKey(a, id), {"SET", TaskKey(a, id), task.SerializeAsString()});
  if (due_changed) {
    change.Write(ChildTasksKey(a, task.child_id()),
                 {"ZADD", ChildTasksKey(a, task.child_id()), due, id});
  }
  // A task's team is set when it opens and never changes: the authority's teams set is written
  // once per task, and a task without a team is indexed as such (for unfiltered listings).
  if (task.team_id().empty() && due_changed) {
    change.Write(UnteamedKey(a), {"ZADD", UnteamedKey(a), due, id});
  }
  if (!task.team_id().empty() && fresh) {
    change.Write(TeamsKey(a), {"SADD", TeamsKey(a), task.team_id()});
  }
  if (open_changed) {
    change.Write(OpenKey(a, task.child_id()),
                 {open ? "SADD" : "SREM", OpenKey(a, task.child_id()), id});
  }
  if (!task.team_id().empty()) {
    if (due_changed) {
      change.Write(TeamKey(a, task.team_id()), {"ZADD", TeamKey(a, task.team_id()), due, id});
    }
    if (open && (open_changed || due_changed)) {
      change.Write(TeamOpenKey(a, task.team_id()),
                   {"ZADD", TeamOpenKey(a, task.team_id()), due, id});
    } else if (!open && open_changed) {
      change.Write(TeamOpenKey(a, task.team_id()), {"ZREM", TeamOpenKey(a, task.team_id()), id});
    }
    const bool completed_now =
        task.status() == v1::TASK_STATUS_COMPLETED && (fresh || before->status() != task.status());
    if (completed_now) {
      const std::string key = TeamDoneKey(a, task.team_id(), task.completed_on_time());
      change.Write(key, {"ZADD", key, Seconds(task.completed_at()), id});
    }
  }
  if (!task.owner_id().empty() && (owner_changed || due_changed)) {
    change.Write(OwnerKey(a, task.owner_id()), {"ZADD", OwnerKey(a, task.owner_id()), due, id});
  }
  if (!fresh && !before->owner_id().empty() && before->owner_id() != task.owner_id()) {
    change.Write(OwnerKey(a, before->owner_id()), {"ZREM", OwnerKey(a, before->owner_id()), id});
  }
}

absl::StatusOr<redis::ChangeSet> TaskStore::ToChange(const std::string& authority,
                                                     const Decision& decision,
                                                     const CaseContext& before) const {
  redis::ChangeSet change;
  const ChildCase& child = decision.child;
  BumpVersion(change, authority, child.child_id, before.version);
  const ChildCase& was = before.child;
  const bool case_changed = !before.known || child.worker_id != was.worker_id ||
                            child.team_id != was.team_id || child.case_type != was.case_type ||
                            child.risk != was.risk || child.closed != was.closed;
  if (decision.case_event && case_changed) {
    const std::string key = ChildKey(authority, child.child_id);
    change.Write(key, {"HSET", key, "worker_id", child.worker_id, "team_id", child.team_id,
                       "case_type", child.case_type, "risk", child.risk, "closed",
                       child.closed ? "1" : "0", "seen", "1"});
    if (!child.worker_id.empty()) {
      // A closed child stays in its worker's set while it has open tasks (the closure's own
      // D14.13 task, say), so a supervisor that becomes known later still gets them.
      const std::string children = WorkerKey(authority, child.worker_id) + ":children";
      const bool keep = !child.closed || HasOpenTasksAfter(before, decision);
      change.Write(children, {keep ? "SADD" : "SREM", children, child.child_id});
    }
    if (!decision.previous_worker_id.empty() && decision.previous_worker_id != child.worker_id) {
      const std::string children = WorkerKey(authority, decision.previous_worker_id) + ":children";
      change.Write(children, {"SREM", children, child.child_id});
    }
  }
  for (const auto& task : decision.upserts) {
    auto was = std::find_if(before.open_tasks.begin(), before.open_tasks.end(),
                            [&](const auto& t) { return t.task_id() == task.task_id(); });
    WriteTask(change, authority, task, was == before.open_tasks.end() ? nullptr : &*was);
  }
  for (const auto& event : decision.opened) {
    if (auto s = pipeline::EmitEvent(change, tasks_topic_, event.task().child_id(), event); !s.ok())
      return s;
  }
  for (const auto& event : decision.reassigned) {
    if (auto s = pipeline::EmitEvent(change, tasks_topic_, event.child_id(), event); !s.ok())
      return s;
  }
  for (const auto& event : decision.cancelled) {
    if (auto s = pipeline::EmitEvent(change, tasks_topic_, event.child_id(), event); !s.ok())
      return s;
  }
  return change;
}

absl::StatusOr<redis::ChangeSet> TaskStore::CompletionChange(const std::string& authority,
                                                             const v1::OversightTask& before,
                                                             const CompletionDecision& decision,
                                                             const std::string& version) const {
  redis::ChangeSet change;
  if (!decision.task.has_value() || !decision.completed.has_value()) return change;
  BumpVersion(change, authority, before.child_id(), version);
  WriteTask(change, authority, *decision.task, &before);
  if (auto s = pipeline::EmitEvent(change, tasks_topic_, before.child_id(), *decision.completed);
      !s.ok()) {
    return s;
  }
  return change;
}

absl::StatusOr<redis::ChangeSet> TaskStore::ReassignmentChange(const std::string& authority,
                                                               const v1::OversightTask& before,
                                                               const Reassignment& reassignment,
                                                               const std::string& version) const {
  redis::ChangeSet change;
  if (!reassignment.changed) return change;
  BumpVersion(change, authority, before.child_id(), version);
  WriteTask(change, authority, reassignment.task, &before);
  if (auto s =
          pipeline::EmitEvent(change, tasks_topic_, before.child_id(), reassignment.reassigned);
      !s.ok()) {
    return s;
  }
  return change;
}

absl::StatusOr<redis::ChangeSet> TaskStore::DirectoryChange(const std::string& authority,
                                                            const google::protobuf::Message& event,
                                                            const common::v1::EventMeta& meta,
                                                            absl::Time now) {
  redis::ChangeSet change;
  std::string worker_id;
  std::string new_supervisor;
  if (const auto* joined = dynamic_cast<const workforce::v1::WorkerJoined*>(&event)) {
    worker_id = joined->worker_id();
    new_supervisor = joined->supervisor_id();
    const std::string key = WorkerKey(authority, worker_id);
    change.Write(key, {"HSET", key, "supervisor_id", joined->supervisor_id(), "team_id",
                       joined->team_id(), "left", "0"});
  } else if (const auto* changed = dynamic_cast<const workforce::v1::SupervisorChanged*>(&event)) {
    worker_id = changed->worker_id();
    new_supervisor = changed->supervisor_id();
    const std::string key = WorkerKey(authority, worker_id);
    change.Write(key, {"HSET", key, "supervisor_id", changed->supervisor_id()});
    if (!changed->team_id().empty())
      change.Write(key, {"HSET", key, "team_id", changed->team_id()});
  } else if (const auto* left = dynamic_cast<const workforce::v1::WorkerLeft*>(&event)) {
    const std::string key = WorkerKey(authority, left->worker_id());
    change.Write(key, {"HSET", key, "left", "1"});
    return change;
  } else {
    return change;
  }

  // Open tasks of the worker's children that may need their owner set or changed.
  WorkerEntry before;
  const bool known = RedisDirectory(connection_, authority).Find(worker_id, before);
  auto children = connection_.Command({"SMEMBERS", WorkerKey(authority, worker_id) + ":children"},
                                      redis::Idempotency::kIdempotent);
  if (!children.ok()) return children.status();
  std::vector<std::string> child_ids;
  for (const auto& child : children->elements())
    child_ids.push_back(child.str());
  auto contexts = LoadContexts(authority, child_ids);
  if (!contexts.ok()) return contexts.status();
  std::vector<v1::OversightTask> open;
  for (const auto& [child, context] : *contexts) {
    open.insert(open.end(), context.open_tasks.begin(), context.open_tasks.end());
  }
  DirectoryDecision decision = DecideSupervisorChange(worker_id, known ? before.supervisor_id : "",
                                                      new_supervisor, open, meta, now);
  std::set<std::string> bumped;
  for (const auto& task : decision.upserts) {
    const CaseContext& context = contexts->at(task.child_id());
    if (bumped.insert(task.child_id()).second) {
      BumpVersion(change, authority, task.child_id(), context.version);
    }
    auto was = std::find_if(context.open_tasks.begin(), context.open_tasks.end(),
                            [&](const auto& t) { return t.task_id() == task.task_id(); });
    WriteTask(change, authority, task, was == context.open_tasks.end() ? nullptr : &*was);
  }
  for (const auto& reassigned : decision.reassigned) {
    if (auto s = pipeline::EmitEvent(change, tasks_topic_, reassigned.child_id(), reassigned);
        !s.ok()) {
      return s;
    }
  }
  return change;
}

absl::StatusOr<v1::OversightTask> TaskStore::GetTask(const std::string& authority,
                                                     const std::string& task_id) {
  auto tasks = GetTasks(authority, {task_id});
  if (!tasks.ok()) return tasks.status();
  auto& task = (*tasks)[task_id];
  if (!task.has_value()) {
    return absl::NotFoundError(absl::StrCat("no task ", task_id, " in authority ", authority));
  }
  return *std::move(task);
}

absl::StatusOr<v1::ListTasksResponse> TaskStore::ListTasks(const v1::ListTasksRequest& request) {
  const std::string& a = request.authority_id();
  std::optional<IndexEntry> cursor;
  const std::string& token = request.page().page_token();
  if (!token.empty()) {
    cursor = ParsePageToken(token);
    if (!cursor.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("page.page_token \"", token,
                       "\" is not a token from a previous ListTasks answer (leave it empty for "
                       "the first page)"));
    }
  }
  std::vector<std::string> indexes;
  if (!request.child_id().empty()) {
    indexes = {ChildTasksKey(a, request.child_id())};
  } else if (!request.owner_id().empty()) {
    indexes = {OwnerKey(a, request.owner_id())};
  } else if (!request.team_id().empty()) {
    indexes = {TeamKey(a, request.team_id())};
  } else {
    // Every task: the teams' indexes and the one of tasks without a team, merged.
    auto teams = connection_.Command({"SMEMBERS", TeamsKey(a)}, redis::Idempotency::kIdempotent);
    if (!teams.ok()) return teams.status();
    for (const auto& team : teams->elements())
      indexes.push_back(TeamKey(a, team.str()));
    std::sort(indexes.begin(), indexes.end());
    indexes.push_back(UnteamedKey(a));
  }
  const int page_size =
      request.page().page_size() <= 0 ? 50 : std::min(request.page().page_size(), 500);
  // Ids read (and tasks fetched) per round trip, shared among the indexes merged.
  constexpr int kChunk = 200;
  const int per_index = std::max(16, kChunk / static_cast<int>(indexes.size()));

  v1::ListTasksResponse response;
  while (true) {
    auto chunks = ReadAfter(connection_, indexes, cursor, per_index);
    if (!chunks.ok()) return chunks.status();
    bool exhausted = false;
    const std::vector<IndexEntry> entries = MergeReadable(*chunks, per_index, exhausted);
    std::vector<std::string> ids;
    for (const auto& entry : entries)
      ids.push_back(entry.task_id);
    auto tasks = GetTasks(a, ids);
    if (!tasks.ok()) return tasks.status();
    for (size_t k = 0; k < entries.size(); ++k) {
      cursor = entries[k];
      const auto& task = (*tasks)[entries[k].task_id];
      if (!task.has_value()) continue;
      if (!request.owner_id().empty() && task->owner_id() != request.owner_id()) continue;
      if (!request.team_id().empty() && task->team_id() != request.team_id()) continue;
      if (!request.child_id().empty() && task->child_id() != request.child_id()) continue;
      if (request.status() != v1::TASK_STATUS_UNSPECIFIED && task->status() != request.status()) {
        continue;
      }
      if (!request.trigger_id().empty() && task->trigger_id() != request.trigger_id()) continue;
      *response.add_tasks() = *task;
      if (response.tasks_size() == page_size) {
        // A full page: the next one starts after this task, if anything is left.
        if (k + 1 < entries.size() || !exhausted) {
          response.mutable_page()->set_next_page_token(FormatPageToken(*cursor));
        }
        return response;
      }
    }
    if (exhausted) return response;  // every index read to its end: no next page
  }
}

absl::StatusOr<v1::TeamSummary> TaskStore::TeamSummary(const std::string& authority,
                                                       const std::string& team_id, absl::Time now,
                                                       const absl::TimeZone& zone) {
  const Month month = MonthContaining(now, zone);
  const std::string start = std::to_string(absl::ToUnixSeconds(month.start));
  const std::string end = "(" + std::to_string(absl::ToUnixSeconds(month.end));
  redis::Pipeline reads;
  reads.Add({"ZCARD", TeamOpenKey(authority, team_id)});
  // Overdue: due before now (due_at is the last second of the due day).
  reads.Add({"ZCOUNT", TeamOpenKey(authority, team_id), "-inf",
             "(" + std::to_string(absl::ToUnixSeconds(now))});
  reads.Add({"ZCOUNT", TeamDoneKey(authority, team_id, true), start, end});
  reads.Add({"ZCOUNT", TeamDoneKey(authority, team_id, false), start, end});
  auto replies = connection_.Execute(reads, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  v1::TeamSummary summary;
  summary.set_open(static_cast<int32_t>((*replies)[0].integer()));
  summary.set_overdue(static_cast<int32_t>((*replies)[1].integer()));
  summary.set_completed_on_time_this_month(static_cast<int32_t>((*replies)[2].integer()));
  summary.set_completed_late_this_month(static_cast<int32_t>((*replies)[3].integer()));
  return summary;
}

bool RedisDirectory::Find(const std::string& worker_id, WorkerEntry& out) const {
  auto cached = cache_.find(worker_id);
  if (cached != cache_.end()) {
    if (!cached->second.has_value()) return false;
    out = *cached->second;
    return true;
  }
  auto reply = connection_.Command({"HGETALL", WorkerKey(authority_, worker_id)},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return false;  // not cached: asked again next time
  if (reply->elements().empty()) {
    cache_[worker_id] = std::nullopt;
    return false;
  }
  out = WorkerFrom(worker_id, HashOf(*reply));
  cache_[worker_id] = out;
  return true;
}

void RedisDirectory::Seed(const std::map<std::string, WorkerEntry>& entries,
                          const std::vector<std::string>& looked_up) {
  for (const auto& id : looked_up) {
    auto it = entries.find(id);
    cache_[id] = it == entries.end() ? std::nullopt : std::optional<WorkerEntry>(it->second);
  }
}

}  // namespace oversight::triggers
