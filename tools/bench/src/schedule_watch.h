// Watches for scheduling's schedule update of opened tasks: polls Redis every `interval` for
// the deadline item scheduling stores when it has applied a TaskOpened (scheduling::ItemKey of
// its TaskItemId), and reports when each appears. Each poll is one pipelined EXISTS of the
// `per_poll` oldest keys not seen yet (scheduling applies a partition's tasks in order, so newer
// ones are not there before older ones, give or take the interleaving of partitions): the
// watcher's own load on Redis stays bounded when scheduling falls behind. The benchmark reads
// scheduling's keys from outside, as an operator would; it never writes.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "oversight/redis/connection.h"

namespace oversight::bench {

class ScheduleWatch {
 public:
  // Called on the watcher's thread with the `k` given to Watch and the time the item was seen.
  using OnStored = std::function<void(int64_t k, absl::Time seen)>;

  ScheduleWatch(redis::ConnectionOptions redis, std::string authority, OnStored on_stored,
                absl::Duration interval = absl::Milliseconds(2), size_t per_poll = 64);
  ~ScheduleWatch();  // stops the thread

  // Watches the deadline item of `task_id` for event k. Thread-safe.
  void Watch(int64_t k, const std::string& task_id);
  // Keys watched and not seen yet; poll failures so far.
  size_t pending() const;
  int64_t failures() const { return failures_.load(); }

 private:
  void Loop();

  redis::ConnectionOptions redis_;
  std::string authority_;
  OnStored on_stored_;
  absl::Duration interval_;
  size_t per_poll_;
  mutable std::mutex mutex_;
  std::deque<std::pair<std::string, int64_t>> watched_;  // (item key, k), oldest first
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> failures_{0};
  std::thread thread_;
};

}  // namespace oversight::bench
