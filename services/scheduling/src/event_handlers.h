// The Kafka side of scheduling: turns a consumed record into a Scheduler call. Handlers
// translate and delegate (contract checks, then Scheduler::Handle); the rules are in planner.h.
#pragma once

#include <vector>

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
  // One record (a batch of one).
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

  // A batch, in order (kafka::Consumer::RunBatches): each record is checked as Handle checks
  // it, then the valid ones go to Scheduler::HandleBatch together (the state they read is
  // loaded in a few round trips, each is decided on the effects of the ones before it, the
  // changes are applied in one pipelined round trip per 128). Outcomes as Handle's, except that
  // once a record must be retried every later record of the batch is retried too (their
  // effects, if applied, are deduplicated on redelivery), so the order of a partition is kept.
  std::vector<kafka::HandlerOutcome> HandleBatch(
      const std::vector<kafka::ConsumedMessage>& records);

 private:
  const authorities::AuthorityRegistry& authorities_;
  Scheduler& scheduler_;
};

}  // namespace oversight::scheduling
