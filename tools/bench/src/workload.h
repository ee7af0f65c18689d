// What the benchmark publishes, as a case system and an HR system would: a directory (workers,
// their managers, one head of service), a caseload of open cases loaded before go-live (history:
// they open no task), and a stream of case events on those open cases, each of which opens one
// oversight task (every event names a trigger the child has no open task for yet), plus the
// OversightRecorded a manager's record would publish to complete a task. Deterministic: the
// same sequence number always gives the same event. Pure, no I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace oversight::bench {

// One event to publish: its topic name (System::Topic's names: "case_events", ...), Kafka key
// (child or worker id) and message.
struct Publication {
  std::string topic;
  std::string key;
  std::unique_ptr<google::protobuf::Message> message;
};

struct WorkloadShape {
  std::string authority = "devon";
  int managers = 40;
  int workers = 400;           // each supervised by manager (w % managers)
  int64_t open_cases = 10000;  // children allocated before go-live, round robin over workers
  // The authority's go-live (policy.live_from); open cases were allocated 30 days before it.
  absl::Time live_from = absl::FromCivil(absl::CivilDay(2026, 1, 5), absl::UTCTimeZone());
};

class Workload {
 public:
  explicit Workload(WorkloadShape shape);

  const WorkloadShape& shape() const { return shape_; }

  // The directory: the head of service, the managers, the workers (WorkerJoined each).
  std::vector<Publication> Directory() const;

  // The allocation of open case `n` (0 <= n < open_cases), before go-live.
  Publication OpenCase(int64_t n) const;

  // How many task-opening events there are before a (child, trigger) pair comes round again:
  // open_cases x the number of triggers used.
  int64_t DistinctEvents() const;

  // Case event number `k` (0, 1, 2 ...), occurring at `at`: a trigger event on an open case.
  // Its event id is EventId(k). Events k and k + DistinctEvents() name the same child and
  // trigger: the second opens a new task only if the first one's task was completed meanwhile.
  Publication CaseEvent(int64_t k, absl::Time at) const;

  // The OversightRecorded completing `task_id` of `child_id`, recorded for event number `k`.
  Publication Completion(int64_t k, const std::string& task_id, const std::string& child_id,
                         absl::Time at) const;

  // "bench-<k>" and back (-1 if `event_id` is not one of ours).
  static std::string EventId(int64_t k);
  static int64_t SequenceOf(std::string_view event_id);

  std::string ChildId(int64_t n) const;

 private:
  WorkloadShape shape_;
  int64_t stride_;  // visits the open cases in a scattered order, each once per round
};

}  // namespace oversight::bench
