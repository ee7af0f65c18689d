#include "completion_queue.h"

namespace oversight::bench {

std::vector<Completion> CompletionQueue::TakeDue(absl::Time now) {
  std::vector<Completion> due;
  // Those held first, in order: each goes once ready or once held too long.
  while (!held_.empty()) {
    const bool ready = !must_wait_(held_.front().k);
    if (!ready && now - held_.front().at < hold_limit_) break;
    if (!ready) ++released_unready_;
    due.push_back(std::move(held_.front()));
    held_.pop_front();
  }
  while (!queued_.empty() && queued_.front().at <= now) {
    Completion c = std::move(queued_.front());
    queued_.pop_front();
    if (must_wait_(c.k)) {
      if (now - c.at < hold_limit_) {
        held_.push_back(std::move(c));
        continue;
      }
      ++released_unready_;
    }
    due.push_back(std::move(c));
  }
  return due;
}

}  // namespace oversight::bench
