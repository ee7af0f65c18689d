// Where scheduling keeps its state in Redis, how a planner decision becomes one atomic change
// (records, items, timers and events in the outbox), and the atomic timer claim. Keys (all carry
// the authority's hash tag {A}, so one authority's keys share a Cluster slot):
//
//   ovs:{A}:sch:worker:<w>         JSON WorkerRecord (facts of the worker)
//   ovs:{A}:sch:child:<c>          JSON ChildRecord
//   ovs:{A}:sch:task:<t>           JSON TaskRecord
//   ovs:{A}:sch:team:<t>           JSON TeamRecord (group supervision)
//   ovs:{A}:sch:session:<r>        JSON SessionRecord (a session whose record has deadlines)
//   ovs:{A}:sch:caseload:<w>       set of child ids allocated to worker w
//   ovs:{A}:sch:items:<subject>    set of live item ids of a subject ("worker:w", "child:c",
//                                  "task:t", "record:r", "team:t")
//   ovs:{A}:sch:tasks_of:<c>       set of task item ids of child c (for the child's schedule)
//   ovs:{A}:sch:item:<item>        hash: data (DueItem, stage SCHEDULED), escalate_to, stage and
//                                  level (the last stage fired), n (stage count), next (index of
//                                  the next stage to fire), times ("at:stage:level,..." unix
//                                  seconds), cause (the event id that planned it)
//   ovs:{A}:sch:timers             sorted set: item id by its next stage time (unix seconds)
//   ovs:{A}:sch:due                sorted set: item id by due time (every dated item)
//   ovs:{A}:sch:due:sup:<s>        the same per supervisor
//   ovs:{A}:sch:due:team:<t>       the same per team
//   ovs:{A}:sch:history            sorted set by due time of satisfied items:
//                                  "<item>|<kind>|<worker>|<team>|<1 on time, 0 late>"
//
// A timer fires in two steps: FireDue reads the due items and builds each one's schedule event
// in C++; one Lua script per batch then re-checks that every item is still due and still at the
// stage index read (else another replica or a replan moved it: skipped), appends the event to
// the outbox and moves the item to its next stage (or off the timer set). So two replicas never
// fire the same stage and a crash never loses or doubles one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/authorities/authorities.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"
#include "oversight/scheduling/v1/scheduling_service.pb.h"
#include "planner.h"

namespace oversight::scheduling {

inline constexpr char kServiceName[] = "scheduling";

// Reads and writes scheduling's keys over one connection. Not thread-safe (the connection is
// not): one ItemStore per thread.
class ItemStore {
 public:
  ItemStore(redis::Connection& connection, std::string schedule_topic)
      : connection_(connection), schedule_topic_(std::move(schedule_topic)) {}

  // The records of the subjects (absent ones are left out: Apply creates them), including the
  // children in the caseloads named. UNAVAILABLE if Redis is down; INTERNAL for a record that
  // does not parse.
  absl::StatusOr<State> Load(const std::string& authority, const Subjects& subjects);

  // The live items of a subject key ("worker:w" ...), by item id, with their fired stage.
  absl::StatusOr<std::map<std::string, v1::DueItem>> ItemsOf(const std::string& authority,
                                                             const std::string& subject_key);

  // The change that stores the records in `after` (caseload moves computed against `before`),
  // the item changes with their timers, and the satisfied/cancelled events. `cause` is the
  // inbound event (its id becomes the events' causation id); `now` stamps recorded_at and
  // decides which stages already passed.
  absl::StatusOr<redis::ChangeSet> ToChange(
      const std::string& authority, const authorities::Authority& policy, const State& before,
      const State& after, const std::map<std::string, v1::DueItem>& existing,
      const Changes& changes, const common::v1::EventMeta& cause, absl::Time now) const;

  // Fires every timer of `authority` due at `now`: claims batches of up to `batch` items and
  // returns how many stages it fired (emitted into the outbox). Safe against other replicas
  // firing concurrently (each stage fires once). Transport errors as Connection::Command;
  // what fired before an error stays fired.
  absl::StatusOr<int> FireDue(const std::string& authority, absl::Time now, int batch = 256);

  // One item with its fired stage; NOT_FOUND if unknown.
  absl::StatusOr<v1::DueItem> GetItem(const std::string& authority, const std::string& item_id);

  // A worker's items; a child's items (case discussion and oversight tasks).
  absl::StatusOr<v1::Schedule> WorkerSchedule(const std::string& authority,
                                              const std::string& worker_id);
  absl::StatusOr<v1::Schedule> ChildSchedule(const std::string& authority,
                                             const std::string& child_id);

  // Items due in the request's window for a supervisor, a team or the authority, by due date,
  // paged by offset (page_token is the offset). `now` decides "overdue" for overdue_only.
  absl::StatusOr<v1::ListDueItemsResponse> ListDue(const v1::ListDueItemsRequest& request,
                                                   absl::Time now);

  // Compliance over [period_start, period_end] (by due date) for a team or the authority:
  // satisfied items count as due and, when satisfied by their deadline, on time; live items due
  // in the period and past `now` count as due, not on time, and open overdue. Per worker, per
  // team and in total. Sessions: personal supervision; records: record, circulate, sign-off.
  absl::StatusOr<v1::ComplianceResponse> Compliance(const v1::ComplianceRequest& request,
                                                    absl::Time now);

  redis::Connection& connection() { return connection_; }

 private:
  absl::StatusOr<std::vector<v1::DueItem>> ItemsByIds(const std::string& authority,
                                                      const std::vector<std::string>& ids);

  redis::Connection& connection_;
  std::string schedule_topic_;
};

// Key of an item's hash and of the authority's timer set (exposed for tests and benchmarks).
std::string ItemKey(const std::string& authority, const std::string& item_id);
std::string TimersKey(const std::string& authority);

// The directory as scheduling knows it: the records in `state` first (an event may have just
// changed a supervisor), then the stored worker records.
class StoreDirectory : public Directory {
 public:
  StoreDirectory(redis::Connection& connection, std::string authority, const State& state)
      : connection_(connection), authority_(std::move(authority)), state_(state) {}
  std::string SupervisorOf(const std::string& worker_id) const override;

 private:
  redis::Connection& connection_;
  std::string authority_;
  const State& state_;
};

}  // namespace oversight::scheduling
