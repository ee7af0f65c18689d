// The Kafka side of oversight-triggers: turns a consumed record into a decision and stores it.
// Handlers translate and delegate (decoding, contract checks, Decide, one atomic change); the
// rules are in task_decider.h.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include <string>

#include "oversight/authorities/authorities.h"
#include "oversight/kafka/consumer.h"
#include "oversight/runtime/clock.h"
#include "task_decider.h"
#include "task_store.h"

namespace oversight::triggers {

// Handles records of the case-events topic and the workforce-events topic. Not thread-safe:
// one per consumer thread (it owns its store's connection use).
class EventHandlers {
 public:
  EventHandlers(const authorities::AuthorityRegistry& authorities, TaskStore& store,
                const runtime::Clock& clock, DecideOptions options = {})
      : authorities_(authorities), store_(store), clock_(clock), options_(options) {}

  // Counts the tasks this handler opens (oversight_tasks_opened_total{rule_id}); not owned,
  // may be null. Redelivered events count nothing.
  void set_tasks_opened(prometheus::Family<prometheus::Counter>* family) { tasks_opened_ = family; }

  // Dispatches on the ce_type header's package: oversight.cases.v1.* decides tasks,
  // oversight.workforce.v1.* updates the directory. Contract failures are dead letters with
  // their reason; Redis being unavailable is RetryLater; a duplicate event is Processed with
  // no effect.
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

 private:
  kafka::HandlerOutcome HandleCaseEvent(const kafka::ConsumedMessage& record);
  kafka::HandlerOutcome HandleWorkforceEvent(const kafka::ConsumedMessage& record);

  const authorities::AuthorityRegistry& authorities_;
  TaskStore& store_;
  const runtime::Clock& clock_;
  DecideOptions options_;
  prometheus::Family<prometheus::Counter>* tasks_opened_ = nullptr;
};

}  // namespace oversight::triggers
