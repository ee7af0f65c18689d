// Where oversight-triggers keeps its state in Redis, and how a Decision becomes one atomic
// change with its events in the outbox. Keys (all carry the authority's hash tag):
//
//   ovs:{A}:trg:child:<child>          hash: worker_id, team_id, case_type, risk, closed
//   ovs:{A}:trg:child:<child>:open     set of open task ids
//   ovs:{A}:trg:task:<task>            serialized oversight.triggers.v1.OversightTask
//   ovs:{A}:trg:tasks                  sorted set of every task id, by due time (seconds)
//   ovs:{A}:trg:owner:<worker>         sorted set of task ids owned, by due time
//   ovs:{A}:trg:team:<team>            sorted set of task ids of the team, by due time
//   ovs:{A}:trg:worker:<worker>        hash: supervisor_id, team_id, left (the directory)
//   ovs:{A}:trg:worker:<worker>:children  set of child ids allocated to the worker
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/triggers/v1/triggers_service.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "task_decider.h"

namespace oversight::triggers {

inline constexpr char kServiceName[] = "oversight-triggers";

// Reads and writes oversight-triggers' keys over one connection. Not thread-safe (the
// connection is not): use one TaskStore per thread.
class TaskStore {
 public:
  TaskStore(redis::Connection& connection, std::string tasks_topic)
      : connection_(connection), tasks_topic_(std::move(tasks_topic)) {}

  // The child's case and open tasks (an empty case if the child is new).
  absl::StatusOr<CaseContext> LoadContext(const std::string& authority,
                                          const std::string& child_id);

  // The change that stores `decision` and emits its task events to the tasks topic.
  absl::StatusOr<redis::ChangeSet> ToChange(const std::string& authority,
                                            const Decision& decision) const;

  // The change a workforce event makes to the directory (empty for events it ignores), plus
  // the reassignment of open tasks when a worker's supervisor becomes known or changes
  // (DecideSupervisorChange). Reads the directory and the worker's children first.
  absl::StatusOr<redis::ChangeSet> DirectoryChange(const std::string& authority,
                                                   const google::protobuf::Message& event,
                                                   const common::v1::EventMeta& meta,
                                                   absl::Time now);

  // One task, NOT_FOUND if unknown.
  absl::StatusOr<v1::OversightTask> GetTask(const std::string& authority,
                                            const std::string& task_id);

  // Tasks matching every filter set in `request`, ordered by due time, paged by offset.
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest& request);

  redis::Connection& connection() { return connection_; }

 private:
  redis::Connection& connection_;
  std::string tasks_topic_;
};

// The directory as stored by TaskStore, read through one connection.
class RedisDirectory : public Directory {
 public:
  RedisDirectory(redis::Connection& connection, std::string authority)
      : connection_(connection), authority_(std::move(authority)) {}
  bool Find(const std::string& worker_id, WorkerEntry& out) const override;

 private:
  redis::Connection& connection_;
  std::string authority_;
};

}  // namespace oversight::triggers
