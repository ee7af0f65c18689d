#include "latency_meter.h"

namespace oversight::bench {

LatencyMeter::Entry* LatencyMeter::Find(int64_t k) {
  if (k < origin_k_) return nullptr;
  const auto index = static_cast<size_t>(k - origin_k_);
  if (index >= entries_.size()) entries_.resize(std::max(index + 1, entries_.size() * 2));
  return &entries_[index];
}

void LatencyMeter::Published(int64_t k, absl::Time at) {
  std::lock_guard lock(mutex_);
  if (Entry* entry = Find(k)) {
    entry->published_ns = absl::ToInt64Nanoseconds(at - origin_);
    ++published_;
  }
}

bool LatencyMeter::TaskArrived(int64_t k, absl::Time at) {
  std::lock_guard lock(mutex_);
  Entry* entry = Find(k);
  if (entry == nullptr) return false;
  if (entry->task_ns >= 0) {
    ++repeats_;
    return false;
  }
  entry->task_ns = absl::ToInt64Nanoseconds(at - origin_);
  ++tasks_;
  return true;
}

void LatencyMeter::ScheduleStored(int64_t k, absl::Time at) {
  std::lock_guard lock(mutex_);
  Entry* entry = Find(k);
  if (entry == nullptr || entry->schedule_ns >= 0) return;
  entry->schedule_ns = absl::ToInt64Nanoseconds(at - origin_);
  ++schedules_;
}

bool LatencyMeter::ScheduleSeen(int64_t k) const {
  std::lock_guard lock(mutex_);
  const auto index = k - origin_k_;
  return index >= 0 && static_cast<size_t>(index) < entries_.size() &&
         entries_[static_cast<size_t>(index)].schedule_ns >= 0;
}

int64_t LatencyMeter::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}
int64_t LatencyMeter::tasks() const {
  std::lock_guard lock(mutex_);
  return tasks_;
}
int64_t LatencyMeter::repeated_tasks() const {
  std::lock_guard lock(mutex_);
  return repeats_;
}
int64_t LatencyMeter::schedules() const {
  std::lock_guard lock(mutex_);
  return schedules_;
}

std::vector<TimedLatency> LatencyMeter::Latencies(int64_t Entry::*arrival) const {
  std::lock_guard lock(mutex_);
  std::vector<TimedLatency> out;
  for (const Entry& entry : entries_) {
    if (entry.published_ns < 0 || entry.*arrival < 0) continue;
    out.push_back({static_cast<double>(entry.published_ns) * 1e-9,
                   static_cast<double>(entry.*arrival - entry.published_ns) * 1e-6});
  }
  return out;
}

std::vector<TimedLatency> LatencyMeter::TaskLatencies() const {
  return Latencies(&Entry::task_ns);
}
std::vector<TimedLatency> LatencyMeter::ScheduleLatencies() const {
  return Latencies(&Entry::schedule_ns);
}

int64_t LatencyMeter::MissingTasks() const {
  std::lock_guard lock(mutex_);
  int64_t missing = 0;
  for (const Entry& entry : entries_) {
    if (entry.published_ns >= 0 && entry.task_ns < 0) ++missing;
  }
  return missing;
}

}  // namespace oversight::bench
