// The load phase's completions: every opened task is completed a fixed delay after it opened
// (oversight-bench publishes an OversightRecorded for it), in the order the tasks opened. A
// completion that `must_wait` says is not ready yet (a sampled task whose deadline item the
// schedule watch has not seen: the completion removes the item, and a watch that never saw it
// would never move on) is held, in order, until it is ready or has been due for `hold_limit`;
// one released by the limit is counted. Pure; not thread-safe (the caller locks).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace oversight::bench {

struct Completion {
  absl::Time at;  // when it is due
  int64_t k;      // the event whose task it completes
  std::string task_id, child_id;
};

class CompletionQueue {
 public:
  CompletionQueue(std::function<bool(int64_t k)> must_wait, absl::Duration hold_limit)
      : must_wait_(std::move(must_wait)), hold_limit_(hold_limit) {}

  // Adds one; completions are added in the order they fall due.
  void Add(Completion completion) { queued_.push_back(std::move(completion)); }
  // The completions to publish at `now`, in order.
  std::vector<Completion> TakeDue(absl::Time now);

  // Nothing queued and nothing held.
  bool empty() const { return queued_.empty() && held_.empty(); }
  // Completions released by the hold limit while still not ready.
  int64_t released_unready() const { return released_unready_; }
  absl::Duration hold_limit() const { return hold_limit_; }
  void ResetCounts() { released_unready_ = 0; }

 private:
  std::function<bool(int64_t k)> must_wait_;
  absl::Duration hold_limit_;
  std::deque<Completion> queued_;  // not due yet, or due and not looked at
  std::deque<Completion> held_;    // due, waiting for must_wait_ to say no
  int64_t released_unready_ = 0;
};

}  // namespace oversight::bench
