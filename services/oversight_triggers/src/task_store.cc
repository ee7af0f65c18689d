#include "task_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "oversight/events/outbound.h"
#include "oversight/pipeline/outbox_event.h"

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
std::string TaskKey(const std::string& a, const std::string& task) {
  return Tag(a) + "task:" + task;
}
std::string AllTasksKey(const std::string& a) {
  return Tag(a) + "tasks";
}
std::string OwnerKey(const std::string& a, const std::string& owner) {
  return Tag(a) + "owner:" + owner;
}
std::string TeamKey(const std::string& a, const std::string& team) {
  return Tag(a) + "team:" + team;
}
std::string WorkerKey(const std::string& a, const std::string& worker) {
  return Tag(a) + "worker:" + worker;
}

bool IsOpen(const v1::OversightTask& task) {
  return task.status() == v1::TASK_STATUS_REQUESTED || task.status() == v1::TASK_STATUS_IN_PROGRESS;
}

std::map<std::string, std::string> HashOf(const redis::Reply& reply) {
  std::map<std::string, std::string> fields;
  const auto& elements = reply.elements();
  for (size_t i = 0; i + 1 < elements.size(); i += 2) {
    fields[elements[i].str()] = elements[i + 1].str();
  }
  return fields;
}

}  // namespace

absl::StatusOr<CaseContext> TaskStore::LoadContext(const std::string& authority,
                                                   const std::string& child_id) {
  redis::Pipeline pipeline;
  pipeline.Add({"HGETALL", ChildKey(authority, child_id)});
  pipeline.Add({"SMEMBERS", OpenKey(authority, child_id)});
  auto replies = connection_.Execute(pipeline, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  CaseContext context;
  const auto fields = HashOf((*replies)[0]);
  context.child.child_id = child_id;
  if (auto it = fields.find("worker_id"); it != fields.end()) context.child.worker_id = it->second;
  if (auto it = fields.find("team_id"); it != fields.end()) context.child.team_id = it->second;
  if (auto it = fields.find("case_type"); it != fields.end()) context.child.case_type = it->second;
  if (auto it = fields.find("risk"); it != fields.end()) context.child.risk = it->second;
  if (auto it = fields.find("closed"); it != fields.end()) context.child.closed = it->second == "1";

  redis::Pipeline tasks;
  for (const auto& id : (*replies)[1].elements())
    tasks.Add({"GET", TaskKey(authority, id.str())});
  auto task_replies = connection_.Execute(tasks, redis::Idempotency::kIdempotent);
  if (!task_replies.ok()) return task_replies.status();
  for (const auto& reply : *task_replies) {
    v1::OversightTask task;
    if (reply.is_string() && task.ParseFromString(reply.str()) && IsOpen(task)) {
      context.open_tasks.push_back(std::move(task));
    }
  }
  std::sort(context.open_tasks.begin(), context.open_tasks.end(),
            [](const auto& a, const auto& b) { return a.task_id() < b.task_id(); });
  return context;
}

absl::StatusOr<redis::ChangeSet> TaskStore::ToChange(const std::string& authority,
                                                     const Decision& decision) const {
  redis::ChangeSet change;
  const ChildCase& child = decision.child;
  change.Write(ChildKey(authority, child.child_id),
               {"HSET", ChildKey(authority, child.child_id), "worker_id", child.worker_id,
                "team_id", child.team_id, "case_type", child.case_type, "risk", child.risk,
                "closed", child.closed ? "1" : "0"});
  if (!child.worker_id.empty()) {
    const std::string children = WorkerKey(authority, child.worker_id) + ":children";
    change.Write(children, {child.closed ? "SREM" : "SADD", children, child.child_id});
  }
  if (!decision.previous_worker_id.empty() && decision.previous_worker_id != child.worker_id) {
    const std::string children = WorkerKey(authority, decision.previous_worker_id) + ":children";
    change.Write(children, {"SREM", children, child.child_id});
  }
  for (const auto& task : decision.upserts) {
    const std::string due = std::to_string(task.due_at().seconds());
    change.Write(TaskKey(authority, task.task_id()),
                 {"SET", TaskKey(authority, task.task_id()), task.SerializeAsString()});
    change.Write(AllTasksKey(authority), {"ZADD", AllTasksKey(authority), due, task.task_id()});
    if (!task.team_id().empty()) {
      change.Write(TeamKey(authority, task.team_id()),
                   {"ZADD", TeamKey(authority, task.team_id()), due, task.task_id()});
    }
    if (!task.owner_id().empty()) {
      change.Write(OwnerKey(authority, task.owner_id()),
                   {"ZADD", OwnerKey(authority, task.owner_id()), due, task.task_id()});
    }
    change.Write(
        OpenKey(authority, task.child_id()),
        {IsOpen(task) ? "SADD" : "SREM", OpenKey(authority, task.child_id()), task.task_id()});
  }
  for (const auto& reassigned : decision.reassigned) {
    if (reassigned.previous_owner_id().empty()) continue;
    change.Write(
        OwnerKey(authority, reassigned.previous_owner_id()),
        {"ZREM", OwnerKey(authority, reassigned.previous_owner_id()), reassigned.task_id()});
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
  std::vector<v1::OversightTask> open;
  for (const auto& child : children->elements()) {
    auto context = LoadContext(authority, child.str());
    if (!context.ok()) return context.status();
    open.insert(open.end(), context->open_tasks.begin(), context->open_tasks.end());
  }
  DirectoryDecision decision = DecideSupervisorChange(worker_id, known ? before.supervisor_id : "",
                                                      new_supervisor, open, meta, now);
  for (const auto& task : decision.upserts) {
    const std::string due = std::to_string(task.due_at().seconds());
    change.Write(TaskKey(authority, task.task_id()),
                 {"SET", TaskKey(authority, task.task_id()), task.SerializeAsString()});
    change.Write(OwnerKey(authority, task.owner_id()),
                 {"ZADD", OwnerKey(authority, task.owner_id()), due, task.task_id()});
  }
  for (const auto& reassigned : decision.reassigned) {
    if (!reassigned.previous_owner_id().empty()) {
      change.Write(
          OwnerKey(authority, reassigned.previous_owner_id()),
          {"ZREM", OwnerKey(authority, reassigned.previous_owner_id()), reassigned.task_id()});
    }
    if (auto s = pipeline::EmitEvent(change, tasks_topic_, reassigned.child_id(), reassigned);
        !s.ok()) {
      return s;
    }
  }
  return change;
}

absl::StatusOr<v1::OversightTask> TaskStore::GetTask(const std::string& authority,
                                                     const std::string& task_id) {
  auto reply =
      connection_.Command({"GET", TaskKey(authority, task_id)}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  v1::OversightTask task;
  if (!reply->is_string() || !task.ParseFromString(reply->str())) {
    return absl::NotFoundError(absl::StrCat("no task ", task_id, " in authority ", authority));
  }
  return task;
}

absl::StatusOr<v1::ListTasksResponse> TaskStore::ListTasks(const v1::ListTasksRequest& request) {
  const std::string& a = request.authority_id();
  std::vector<std::string> ids;
  if (!request.child_id().empty()) {
    // Every task of a child: the open set only holds open ones, so scan the authority index.
    auto reply =
        connection_.Command({"ZRANGE", AllTasksKey(a), "0", "-1"}, redis::Idempotency::kIdempotent);
    if (!reply.ok()) return reply.status();
    for (const auto& id : reply->elements())
      ids.push_back(id.str());
  } else {
    const std::string index = !request.owner_id().empty()  ? OwnerKey(a, request.owner_id())
                              : !request.team_id().empty() ? TeamKey(a, request.team_id())
                                                           : AllTasksKey(a);
    auto reply = connection_.Command({"ZRANGE", index, "0", "-1"}, redis::Idempotency::kIdempotent);
    if (!reply.ok()) return reply.status();
    for (const auto& id : reply->elements())
      ids.push_back(id.str());
  }
  const int page_size =
      request.page().page_size() <= 0 ? 50 : std::min(request.page().page_size(), 500);
  size_t offset = 0;
  if (!request.page().page_token().empty()) {
    offset = std::strtoull(request.page().page_token().c_str(), nullptr, 10);
  }
  v1::ListTasksResponse response;
  size_t matched = 0;
  for (const auto& id : ids) {
    auto task = GetTask(a, id);
    if (!task.ok()) {
      if (absl::IsNotFound(task.status())) continue;
      return task.status();
    }
    if (!request.owner_id().empty() && task->owner_id() != request.owner_id()) continue;
    if (!request.team_id().empty() && task->team_id() != request.team_id()) continue;
    if (!request.child_id().empty() && task->child_id() != request.child_id()) continue;
    if (request.status() != v1::TASK_STATUS_UNSPECIFIED && task->status() != request.status()) {
      continue;
    }
    if (!request.trigger_id().empty() && task->trigger_id() != request.trigger_id()) continue;
    if (matched++ < offset) continue;
    if (response.tasks_size() == page_size) {
      response.mutable_page()->set_next_page_token(std::to_string(offset + page_size));
      break;
    }
    *response.add_tasks() = *std::move(task);
  }
  return response;
}

bool RedisDirectory::Find(const std::string& worker_id, WorkerEntry& out) const {
  auto reply = connection_.Command({"HGETALL", WorkerKey(authority_, worker_id)},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok() || reply->elements().empty()) return false;
  const auto fields = HashOf(*reply);
  out.worker_id = worker_id;
  out.supervisor_id = fields.count("supervisor_id") ? fields.at("supervisor_id") : "";
  out.team_id = fields.count("team_id") ? fields.at("team_id") : "";
  out.left = fields.count("left") && fields.at("left") == "1";
  return true;
}

}  // namespace oversight::triggers
