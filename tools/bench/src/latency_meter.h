// The latency of each benchmark event: from the moment the driver published it to the arrival
// of its TaskOpened on the tasks topic, and to the moment scheduling had stored that task's
// deadline item (the schedule update). Events are numbered by their sequence number k
// (Workload::EventId). Thread-safe: the publisher, the tasks-topic reader and the schedule
// watcher report from their own threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "stats.h"

namespace oversight::bench {

class LatencyMeter {
 public:
  // Measures events origin_k, origin_k + 1, ...; times are kept relative to `origin`.
  LatencyMeter(int64_t origin_k, absl::Time origin) : origin_k_(origin_k), origin_(origin) {}

  void Published(int64_t k, absl::Time at);
  // The first TaskOpened of event k; later ones (a relay redelivery) are counted as repeats.
  // Returns false for an event this meter does not measure or a repeat.
  bool TaskArrived(int64_t k, absl::Time at);
  void ScheduleStored(int64_t k, absl::Time at);
  // Whether event k's schedule update was seen (ScheduleStored).
  bool ScheduleSeen(int64_t k) const;

  int64_t published() const;
  int64_t tasks() const;
  int64_t repeated_tasks() const;
  int64_t schedules() const;

  // Per measured event: seconds after the origin it was published, and its latency.
  std::vector<TimedLatency> TaskLatencies() const;
  std::vector<TimedLatency> ScheduleLatencies() const;
  // Events published whose TaskOpened never arrived.
  int64_t MissingTasks() const;

 private:
  struct Entry {
    int64_t published_ns = -1;  // since origin_
    int64_t task_ns = -1;
    int64_t schedule_ns = -1;
  };
  Entry* Find(int64_t k);  // creates the entry; nullptr before origin_k_
  std::vector<TimedLatency> Latencies(int64_t Entry::*arrival) const;

  const int64_t origin_k_;
  const absl::Time origin_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  int64_t published_ = 0, tasks_ = 0, repeats_ = 0, schedules_ = 0;
};

}  // namespace oversight::bench
