// Where scheduling keeps its state in Redis, how a planner decision becomes one atomic change
// (records, items, timers and events in the outbox), and the atomic timer claim. Keys (all carry
// the authority's hash tag {A}, so one authority's keys share a Cluster slot):
//
//   ovs:{A}:sch:worker:<w>         hash: data (JSON WorkerRecord), v (version)
//   ovs:{A}:sch:child:<c>          hash: data (JSON ChildRecord), v
//   ovs:{A}:sch:task:<t>           hash: data (JSON TaskRecord), v
//   ovs:{A}:sch:team:<t>           hash: data (JSON TeamRecord, group supervision), v
//   ovs:{A}:sch:session:<r>        hash: data (JSON SessionRecord, a session whose record has
//                                  deadlines), v
//   ovs:{A}:sch:caseload:<w>       set of child ids allocated to worker w (a change bumps the
//                                  version of worker w's record: it covers their caseload)
//   ovs:{A}:sch:items:<subject>    set of live item ids of a subject ("worker:w", "child:c",
//                                  "task:t", "record:r", "team:t")
//   ovs:{A}:sch:tasks_of:<c>       set of task item ids of child c (for the child's schedule)
//   ovs:{A}:sch:item:<item>        hash: data (DueItem, stage SCHEDULED), escalate_to, stage and
//                                  level (the last stage fired), next (index of the next stage
//                                  to fire), times ("at:stage:level,..." unix seconds), planned
//                                  (unix seconds it was planned at), cause (the event id that
//                                  planned it), v (version)
//   ovs:{A}:sch:timers             sorted set: item id by its next stage time (unix seconds)
//   ovs:{A}:sch:due                sorted set: item id by due time (every dated item)
//   ovs:{A}:sch:due:sup:<s>        the same per supervisor
//   ovs:{A}:sch:due:team:<t>       the same per team
//   ovs:{A}:sch:counts             hash "<kind>:<stage>" -> number of live items (the
//                                  oversight_due_items gauge); stage "paused" for undated items
//   ovs:{A}:sch:history            sorted set by due time of items that were due and ended
//                                  (satisfied, or cancelled after their deadline):
//                                  "<item>|<kind>|<worker>|<team>|<1 on time, 0 late>|<event>",
//                                  trimmed to `history_horizon` before the newest write
//
// Versions (optimistic concurrency): every write of a record or an item increments its `v`.
// An event's change is applied only if every record and item its decision read still has the
// version read (redis::ChangeSet::ExpectField), so two events about the same subject handled
// at once by two replicas (a case event and a session, on different topics) cannot lose an
// update: the later one is ABORTED and the Scheduler reloads and decides again.
//
// A timer fires in two steps: FireDue reads the due items and builds each one's schedule event
// in C++; one Lua script per batch then re-checks that every item is still due and still at the
// version read (else another replica or a replan moved it: skipped), appends the event to the
// outbox and moves the item to its next stage (or off the timer set). So two replicas never
// fire the same stage and a crash never loses or doubles one.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/authorities/authorities.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"
#include "oversight/scheduling/v1/scheduling_service.pb.h"
#include "planner.h"

namespace oversight::scheduling {

inline constexpr char kServiceName[] = "scheduling";

// The stored version of every record and item an event's decision read, by Redis key: the value
// of the hash's "v" field when it was read, "" if it did not exist. ToChange makes the change
// conditional on each (see the header comment).
using ReadVersions = std::map<std::string, std::string>;

// What a change does to the keys later decisions of the same batch read (filled by
// ItemStore::ToChange for BatchView::Commit): the record JSON it writes, by key, and, in the
// order they run, the version changes: an increment (true) or a delete (false: the key, and its
// version, are gone).
struct ChangeEffects {
  std::vector<std::pair<std::string, std::string>> records;
  std::vector<std::pair<std::string, bool>> versions;
  // Caseload moves: worker id, child id, true when the child joins the caseload.
  std::vector<std::tuple<std::string, std::string, bool>> caseload_moves;
};

// One fired stage, for the fire-delay metric: how late it fired, measured from the later of
// its scheduled time and the time its item was planned (a stage that had already passed when
// its item was planned is not late by the time before it existed).
struct FiredStage {
  v1::ItemKind kind = v1::ITEM_KIND_UNSPECIFIED;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  absl::Duration delay;
};

// The label values of the oversight_due_items gauge: "personal_supervision", "overdue" ...
// (kind and stage names lower-cased, without their enum prefix); "paused" for an undated item.
std::string KindLabel(v1::ItemKind kind);
std::string StageLabel(v1::Stage stage);
inline constexpr char kPausedStage[] = "paused";

// The live items of an authority by kind and stage label (see ovs:{A}:sch:counts).
using DueCounts = std::map<std::pair<std::string, std::string>, int64_t>;

// Reads and writes scheduling's keys over one connection. Not thread-safe (the connection is
// not): one ItemStore per thread.
class ItemStore {
 public:
  // `history_horizon`: how long ended items are kept for compliance figures (by due date).
  ItemStore(redis::Connection& connection, std::string schedule_topic,
            absl::Duration history_horizon = kDefaultHistoryHorizon)
      : connection_(connection),
        schedule_topic_(std::move(schedule_topic)),
        history_horizon_(history_horizon) {}

  // Six years: an inspection looks back over several years of compliance.
  static constexpr absl::Duration kDefaultHistoryHorizon = absl::Hours(24 * 366 * 6);

  // The records of the subjects (absent ones are left out: Apply creates them), including the
  // children in the caseloads named; the version of each (absent ones too) goes to `versions`.
  // UNAVAILABLE if Redis is down; INTERNAL for a record that does not parse.
  absl::StatusOr<State> Load(const std::string& authority, const Subjects& subjects,
                             ReadVersions* versions = nullptr);

  // The live items of a subject key ("worker:w" ...), by item id, with their fired stage; the
  // version of each goes to `versions`.
  absl::StatusOr<std::map<std::string, v1::DueItem>> ItemsOf(const std::string& authority,
                                                             const std::string& subject_key,
                                                             ReadVersions* versions = nullptr);

  // The change that stores the records in `after` (caseload moves computed against `before`),
  // the item changes with their timers and counts, and the satisfied/cancelled events, applied
  // only while every version in `read` holds (else ABORTED). `cause` is the inbound event (its
  // id becomes the events' causation id); `now` stamps recorded_at, decides which stages
  // already passed and trims the history to `history_horizon` before it.
  absl::StatusOr<redis::ChangeSet> ToChange(
      const std::string& authority, const authorities::Authority& policy, const State& before,
      const State& after, const std::map<std::string, v1::DueItem>& existing,
      const Changes& changes, const common::v1::EventMeta& cause, absl::Time now,
      const ReadVersions& read = {}, ChangeEffects* effects = nullptr) const;

  // Fires every timer of `authority` due at `now`: claims batches of up to `batch` items and
  // returns how many stages it fired (emitted into the outbox), each also appended to `fired`
  // when given. Safe against other replicas firing concurrently (each stage fires once).
  // Transport errors as Connection::Command; what fired before an error stays fired.
  absl::StatusOr<int> FireDue(const std::string& authority, absl::Time now, int batch = 256,
                              std::vector<FiredStage>* fired = nullptr);

  // Timers waiting to fire (the size of the timer set) and live items by kind and stage.
  absl::StatusOr<int64_t> PendingTimers(const std::string& authority);
  absl::StatusOr<DueCounts> CountDueItems(const std::string& authority);

  // One item with its fired stage; NOT_FOUND if unknown.
  absl::StatusOr<v1::DueItem> GetItem(const std::string& authority, const std::string& item_id);

  // Whether each (authority, event id) was already applied (its processed marker exists), in
  // one round trip.
  absl::StatusOr<std::vector<bool>> AlreadyProcessed(
      const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids);

  // A worker's items; a child's items (case discussion and oversight tasks).
  absl::StatusOr<v1::Schedule> WorkerSchedule(const std::string& authority,
                                              const std::string& worker_id);
  absl::StatusOr<v1::Schedule> ChildSchedule(const std::string& authority,
                                             const std::string& child_id);

  // Items due in the request's window for a supervisor, a team or the authority, by due date,
  // paged by offset (page_token is the offset). `now` decides "overdue" for overdue_only.
  absl::StatusOr<v1::ListDueItemsResponse> ListDue(const v1::ListDueItemsRequest& request,
                                                   absl::Time now);

  // Compliance over [period_start, period_end) (by due date; either end may be unset) for a
  // team or the authority: satisfied items count as due and, when satisfied by their deadline,
  // on time; items cancelled after their deadline (a leaver's overdue session) as due and not
  // on time; live items due in the period and past `now` as due, not on time, and open
  // overdue. Items cancelled before their deadline and items not yet due count nowhere. Per
  // worker, per team and in total. Sessions: personal supervision; case discussions; records:
  // record, circulate, sign-off; open overdue: every kind.
  absl::StatusOr<v1::ComplianceResponse> Compliance(const v1::ComplianceRequest& request,
                                                    absl::Time now);

  redis::Connection& connection() { return connection_; }

 private:
  absl::StatusOr<std::vector<v1::DueItem>> ItemsByIds(const std::string& authority,
                                                      const std::vector<std::string>& ids,
                                                      ReadVersions* versions = nullptr);

  redis::Connection& connection_;
  std::string schedule_topic_;
  absl::Duration history_horizon_;
};

// Key of an item's hash and of the authority's timer set (exposed for tests and benchmarks).
std::string ItemKey(const std::string& authority, const std::string& item_id);
std::string TimersKey(const std::string& authority);

// The state a batch of events is decided on: the records, caseloads, items and directory
// entries the events name, read with a few pipelined round trips for the whole batch
// (Prefetch), then kept as they will be once the changes decided so far are applied (Commit),
// so each event of the batch sees the effects of the ones before it, and the versions it
// reports are the ones its change must be guarded by. Reads of keys not prefetched go to Redis
// once and are kept. A read of something an earlier change of the batch touched without it
// having been read (so its state after that change is unknown here) is ABORTED: the caller
// applies what it decided so far and starts a new view. One batch, one thread.
class BatchView {
 public:
  explicit BatchView(ItemStore& store) : store_(store) {}

  // What one event of the batch reads.
  struct Needs {
    std::string authority;
    Subjects subjects;  // its records, the caseloads named and those children's records
    // Whether it may plan items: then the live items of its subjects and the directory entries
    // of the workers its records name (and of their supervisors) are read up front too.
    bool plans = true;
    std::vector<std::string> workers;  // directory entries it names outside its subjects
  };

  // Reads what the events need in about six pipelined round trips, whatever their number.
  // UNAVAILABLE if Redis is down.
  absl::Status Prefetch(const std::vector<Needs>& needs);

  // As ItemStore::Load and ItemsOf, on the view (the items are the view's own, valid until
  // the next Commit).
  absl::StatusOr<State> Load(const std::string& authority, const Subjects& subjects,
                             ReadVersions* versions);
  absl::StatusOr<const std::map<std::string, v1::DueItem>*> ItemsOf(const std::string& authority,
                                                                    const std::string& subject_key,
                                                                    ReadVersions* versions);
  // The stored supervisor of a worker ("" if unknown; the record's version goes to `versions`).
  absl::StatusOr<std::string> SupervisorOf(const std::string& authority,
                                           const std::string& worker_id, ReadVersions* versions);

  // Records the effects of a change decided on this view (`changes` and what ToChange reported
  // in `effects`), as they will be once it is applied.
  void Commit(const std::string& authority, const Changes& changes, const ChangeEffects& effects);

 private:
  // The keys of `keys` neither read into `cache` nor changed unread by a commit: sorted, once.
  template <typename Cache>
  std::vector<std::string> Unread(std::vector<std::string> keys, const Cache& cache) const;
  // One pipelined round trip: `command` of each key, the replies in order.
  absl::StatusOr<std::vector<redis::Reply>> ReadEach(
      const std::vector<std::string>& keys,
      const std::function<std::vector<std::string>(const std::string&)>& command);
  // The members of each set of `keys` not read into `cache` yet, by key (one round trip).
  template <typename Cache>
  absl::StatusOr<std::vector<std::pair<std::string, std::vector<std::string>>>> ReadUnreadSets(
      std::vector<std::string> keys, const Cache& cache);
  absl::Status FetchRecords(const std::vector<std::string>& keys);
  absl::Status FetchCaseloads(const std::string& authority, const std::vector<std::string>& ids);
  absl::Status FetchItems(const std::string& authority, const std::vector<std::string>& subjects);
  absl::Status Readable(const std::string& key) const;

  ItemStore& store_;
  // Hashed by key (the keys share long prefixes: ordered maps spend their time comparing them).
  std::unordered_map<std::string, std::optional<std::string>> records_;  // JSON, nullopt: none
  std::unordered_map<std::string, std::set<std::string>> caseloads_;     // key -> child ids
  // Items key of a subject -> its live items by id.
  std::unordered_map<std::string, std::map<std::string, v1::DueItem>> items_;
  // The version of every record and item read, as it will be after the commits.
  std::unordered_map<std::string, std::string> versions_;
  std::unordered_set<std::string> unseen_;  // keys changed by a commit without having been read
};

// A Directory over a BatchView: the records of `state` first (the event being decided may have
// just changed a supervisor), then the view, whose versions go to `versions`. A failed read
// answers "" and is kept in status().
class BatchDirectory : public Directory {
 public:
  BatchDirectory(BatchView& view, std::string authority, const State& state, ReadVersions* versions)
      : view_(view), authority_(std::move(authority)), state_(state), versions_(versions) {}
  std::string SupervisorOf(const std::string& worker_id) const override;
  const absl::Status& status() const { return status_; }

 private:
  BatchView& view_;
  std::string authority_;
  const State& state_;
  ReadVersions* versions_;
  mutable absl::Status status_;
};

}  // namespace oversight::scheduling
