// The Kafka side of scheduling: turns a consumed record into a Scheduler call. Handlers
// translate and delegate (contract checks, then Scheduler::Handle); the rules are in planner.h.
#pragma once

#include "oversight/authorities/authorities.h"
#include "oversight/kafka/consumer.h"
#include "scheduler.h"

namespace oversight::scheduling {

// Handles records of the workforce, case, supervision and task topics. Not thread-safe: one per
// consumer thread (its scheduler owns a connection).
class EventHandlers {
 public:
  EventHandlers(const authorities::AuthorityRegistry& authorities, Scheduler& scheduler)
      : authorities_(authorities), scheduler_(scheduler) {}

  // Contract failures (bad headers, unknown type, missing meta, unserved authority, a type
  // outside the four packages scheduling consumes) are dead letters with their reason; Redis
  // being unavailable, or an event that kept losing races with other replicas (ABORTED), is
  // RetryLater; a duplicate event is Processed with no effect.
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

 private:
  const authorities::AuthorityRegistry& authorities_;
  Scheduler& scheduler_;
};

}  // namespace oversight::scheduling
