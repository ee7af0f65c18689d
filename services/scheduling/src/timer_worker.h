// The timer loop of a scheduling replica: fire what is due, wait, repeat, until stopped.
#pragma once

#include <stop_token>

#include "absl/time/time.h"
#include "oversight/runtime/logger.h"
#include "scheduler.h"

namespace oversight::scheduling {

// Calls scheduler.FireDue() every `interval` (real time; the due dates come from the
// scheduler's injected clock) until `stop` is requested; returns within `interval` of the
// request. Errors (Redis down) are logged and retried on the next tick. Runs on the caller's
// thread; the scheduler must not be used by another thread meanwhile.
void RunTimers(std::stop_token stop, Scheduler& scheduler, absl::Duration interval,
               const runtime::Logger* logger);

}  // namespace oversight::scheduling
