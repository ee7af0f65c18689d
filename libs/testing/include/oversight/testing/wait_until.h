#ifndef OVERSIGHT_TESTING_WAIT_UNTIL_H_
#define OVERSIGHT_TESTING_WAIT_UNTIL_H_

#include <functional>

#include "absl/time/time.h"

namespace oversight::testing {

// Calls `predicate` until it returns true or `timeout` has passed (wall time), sleeping
// `poll_interval` between calls. The predicate is always called at least once, and once more
// after the deadline, so a condition that became true just at the end is not missed.
//
// Returns true as soon as the predicate returned true, false if it never did. This is a bounded
// wait for asynchronous I/O (a process starting, a message arriving); it is never a way to wait
// for a due date, which tests reach by moving an injected clock.
// Thread-safe as long as the predicate is.
bool WaitUntil(const std::function<bool()>& predicate, absl::Duration timeout,
               absl::Duration poll_interval = absl::Milliseconds(10));

}  // namespace oversight::testing

#endif  // OVERSIGHT_TESTING_WAIT_UNTIL_H_
