#include "schedule_watch.h"

#include <algorithm>
#include <set>
#include <vector>

#include "item_store.h"
#include "planner.h"

namespace oversight::bench {

ScheduleWatch::ScheduleWatch(redis::ConnectionOptions redis, std::string authority,
                             OnStored on_stored, absl::Duration interval, size_t per_poll)
    : redis_(std::move(redis)),
      authority_(std::move(authority)),
      on_stored_(std::move(on_stored)),
      interval_(interval),
      per_poll_(per_poll) {
  thread_ = std::thread([this] { Loop(); });
}

ScheduleWatch::~ScheduleWatch() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ScheduleWatch::Watch(int64_t k, const std::string& task_id) {
  std::lock_guard lock(mutex_);
  watched_.emplace_back(scheduling::ItemKey(authority_, scheduling::TaskItemId(task_id)), k);
}

size_t ScheduleWatch::pending() const {
  std::lock_guard lock(mutex_);
  return watched_.size();
}

void ScheduleWatch::Loop() {
  redis::Connection connection(redis_);
  while (!stop_) {
    std::vector<std::pair<std::string, int64_t>> keys;
    {
      std::lock_guard lock(mutex_);
      keys.assign(watched_.begin(),
                  watched_.begin() + static_cast<ptrdiff_t>(std::min(per_poll_, watched_.size())));
    }
    if (!keys.empty()) {
      redis::Pipeline pipeline;
      for (const auto& [key, k] : keys)
        pipeline.Add({"EXISTS", key});
      auto replies = connection.Execute(pipeline, redis::Idempotency::kIdempotent);
      const absl::Time seen = absl::Now();
      if (!replies.ok()) {
        ++failures_;
      } else {
        std::lock_guard lock(mutex_);
        std::set<std::string> stored;
        for (size_t i = 0; i < keys.size(); ++i) {
          if (!(*replies)[i].is_integer() || (*replies)[i].integer() != 1) continue;
          stored.insert(keys[i].first);
          on_stored_(keys[i].second, seen);
        }
        // Only this thread removes entries, and Watch appends: the first keys.size() are ours.
        auto end = watched_.begin() + static_cast<ptrdiff_t>(keys.size());
        watched_.erase(std::remove_if(watched_.begin(), end,
                                      [&](const auto& w) { return stored.contains(w.first); }),
                       end);
      }
    }
    absl::SleepFor(interval_);
  }
}

}  // namespace oversight::bench
