// Where oversight-triggers keeps its state in Redis, and how a decision becomes one atomic
// change with its events in the outbox. Keys (all carry the authority's hash tag):
//
//   ovs:{A}:trg:child:<child>          hash: worker_id, team_id, case_type, risk, closed,
//                                      seen ("1" once a case event was accepted), version
//   ovs:{A}:trg:child:<child>:open     set of open task ids
//   ovs:{A}:trg:child:<child>:tasks    sorted set of every task id of the child, by due time
//   ovs:{A}:trg:task:<task>            serialized oversight.triggers.v1.OversightTask
//   ovs:{A}:trg:teams                  set of the team ids tasks were opened for
//   ovs:{A}:trg:unteamed               sorted set of the ids of tasks without a team, by due time
//   ovs:{A}:trg:owner:<worker>         sorted set of task ids owned, by due time
//   ovs:{A}:trg:team:<team>            sorted set of task ids of the team, by due time
//   ovs:{A}:trg:team:<team>:open       sorted set of the team's open task ids, by due time
//   ovs:{A}:trg:team:<team>:done:on_time / :done:late
//                                      sorted sets of completed task ids, by completion time
//   ovs:{A}:trg:worker:<worker>        hash: supervisor_id, team_id, left (the directory)
//   ovs:{A}:trg:worker:<worker>:children  set of child ids allocated to the worker
//
// Every change to a child's case or tasks is guarded by the child's `version` as read and
// writes the next one (redis::ChangeSet::ExpectField): a consumer and a gRPC call that decided
// on the same state cannot both apply; the loser gets ABORTED and decides again.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/triggers/v1/triggers_service.pb.h"
#include "task_completion.h"
#include "task_decider.h"
#include "task_reassignment.h"

namespace oversight::triggers {

// The version after `version` ("" -> "1", "7" -> "8").
std::string NextVersion(const std::string& version);

// Reads and writes oversight-triggers' keys over one connection. Not thread-safe (the
// connection is not): use one TaskStore per thread.
class TaskStore {
 public:
  TaskStore(redis::Connection& connection, std::string tasks_topic)
      : connection_(connection), tasks_topic_(std::move(tasks_topic)) {}

  // The child's case, version and open tasks (an empty, unknown case if the child is new).
  absl::StatusOr<CaseContext> LoadContext(const std::string& authority,
                                          const std::string& child_id);
  // The same for many children of one authority, in two round trips.
  absl::StatusOr<std::map<std::string, CaseContext>> LoadContexts(
      const std::string& authority, const std::vector<std::string>& child_ids);

  // Whether each (authority, event id) was already applied (its processed marker exists), in
  // one round trip.
  absl::StatusOr<std::vector<bool>> AlreadyProcessed(
      const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids);

  // Tasks by id (nullopt for unknown ids), in one round trip.
  absl::StatusOr<std::map<std::string, std::optional<v1::OversightTask>>> GetTasks(
      const std::string& authority, const std::vector<std::string>& task_ids);

  // Directory entries by worker id (unknown workers are absent), in one round trip.
  absl::StatusOr<std::map<std::string, WorkerEntry>> GetWorkers(
      const std::string& authority, const std::vector<std::string>& worker_ids);

  // The change that stores `decision` (decided on `before`) and emits its task events.
  absl::StatusOr<redis::ChangeSet> ToChange(const std::string& authority, const Decision& decision,
                                            const CaseContext& before) const;

  // The change that stores a completion (`before` is the task as read, `version` its child's).
  absl::StatusOr<redis::ChangeSet> CompletionChange(const std::string& authority,
                                                    const v1::OversightTask& before,
                                                    const CompletionDecision& decision,
                                                    const std::string& version) const;

  // The change that stores a reassignment by hand.
  absl::StatusOr<redis::ChangeSet> ReassignmentChange(const std::string& authority,
                                                      const v1::OversightTask& before,
                                                      const Reassignment& reassignment,
                                                      const std::string& version) const;

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

  // Tasks matching every filter set in `request`, ordered by due time then id. The index read
  // is the most selective filter's (child, owner, team; without one, every team's merged with
  // the tasks without a team: task_index.h); page_token names the last task listed, so tasks
  // opened or closed meanwhile neither repeat nor skip one. INVALID_ARGUMENT for a page token
  // this call did not make.
  absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest& request);

  // The team's open tasks, those overdue at `now`, and those completed on time and late in
  // the calendar month of `now` in `zone` (by the time the oversight took place).
  absl::StatusOr<v1::TeamSummary> TeamSummary(const std::string& authority,
                                              const std::string& team_id, absl::Time now,
                                              const absl::TimeZone& zone);

  redis::Connection& connection() { return connection_; }

 private:
  // Adds the writes that store `task` (and keep every index right), given its state before
  // (nullptr for a new task).
  void WriteTask(redis::ChangeSet& change, const std::string& authority,
                 const v1::OversightTask& task, const v1::OversightTask* before) const;
  // Guards `change` by the child's version as read and writes the next one.
  static void BumpVersion(redis::ChangeSet& change, const std::string& authority,
                          const std::string& child_id, const std::string& version);

  redis::Connection& connection_;
  std::string tasks_topic_;
};

// The directory as stored by TaskStore, read through one connection, with what was read kept
// (one instance per batch of events: Seed it with entries read in bulk). A lookup that fails
// (Redis unavailable) finds nothing.
class RedisDirectory : public Directory {
 public:
  RedisDirectory(redis::Connection& connection, std::string authority)
      : connection_(connection), authority_(std::move(authority)) {}
  bool Find(const std::string& worker_id, WorkerEntry& out) const override;

  // Remembers entries read elsewhere (TaskStore::GetWorkers); `looked_up` ids not among them
  // are remembered as unknown.
  void Seed(const std::map<std::string, WorkerEntry>& entries,
            const std::vector<std::string>& looked_up);

 private:
  redis::Connection& connection_;
  std::string authority_;
  mutable std::map<std::string, std::optional<WorkerEntry>> cache_;
};

}  // namespace oversight::triggers
