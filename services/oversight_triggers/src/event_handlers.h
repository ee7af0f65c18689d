// The Kafka side of oversight-triggers: turns consumed records into decisions and stores them.
// Handlers translate and delegate (decoding, contract checks, Decide / DecideCompletion /
// DecideSupervisorChange, atomic changes); the rules are in task_decider.h, task_completion.h
// and case_contract.h.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include <string>
#include <vector>

#include "oversight/authorities/authorities.h"
#include "oversight/events/inbound.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/segmented_batch.h"
#include "oversight/kafka/topics.h"
#include "oversight/runtime/clock.h"
#include "task_decider.h"
#include "task_store.h"

namespace oversight::triggers {

// The topics this service consumes (configurable: topics.case_events, ...).
struct ConsumedTopics {
  std::string case_events = std::string(kafka::kCaseEventsTopic);
  std::string workforce_events = std::string(kafka::kWorkforceEventsTopic);
  std::string supervision_events = std::string(kafka::kSupervisionEventsTopic);
  std::string schedule_events = std::string(kafka::kScheduleEventsTopic);
};

struct HandlerOptions {
  DecideOptions decide;
  // Case events are small (the largest documented example is under 1 KiB): anything near the
  // broker's 1 MiB limit is a producer bug, refused before decoding. Ids as IngestCaseEvent.
  events::InboundLimits limits{.max_payload_bytes = 64 * 1024, .max_id_length = 256};
};

// Counters the handlers keep (not owned; each may be null). Opened tasks and completions count
// once (a redelivery counts nothing); records that change nothing count per delivery.
struct HandlerMetrics {
  // oversight_tasks_opened_total{rule_id}
  prometheus::Family<prometheus::Counter>* tasks_opened = nullptr;
  // oversight_oversight_records_total{outcome}: what each OversightRecorded did to its task
  // (CompletionOutcomeName: completed, already_completed, task_closed, unknown_task, no_task,
  // child_mismatch).
  prometheus::Family<prometheus::Counter>* oversight_records = nullptr;
};

// Handles records of the case-events, schedule-events, supervision-events and workforce-events
// topics (by the record's topic). Not thread-safe: one per consumer thread (it uses its store's
// connection).
//
// Per topic:
//  - case events: the inbound contract (CheckInbound with HandlerOptions::limits), then the
//    child checks (CheckCaseEvent: child_id, subject, unknown_child), then Decide;
//  - schedule events: Item* events about a child go through Decide (the pack's triggers, e.g.
//    Devon's drift or delay D14.14 on an overdue case discussion); others are ignored;
//  - supervision events: OversightRecorded completes the task it names (DecideCompletion);
//    other supervision events are ignored. One for an unknown task, a task already closed, or
//    naming no task changes nothing (counted by outcome); one whose child is not the task's is
//    dead-lettered (contract_violation);
//  - workforce events: the directory, and the reassignment of open tasks it implies.
// Contract failures are dead letters with their reason (libs/events reasons); Redis
// unavailable or a concurrent change (ABORTED) is RetryLater; a duplicate event is Processed
// with no effect.
class EventHandlers {
 public:
  EventHandlers(const authorities::AuthorityRegistry& authorities, TaskStore& store,
                const runtime::Clock& clock, ConsumedTopics topics = {},
                HandlerOptions options = {})
      : authorities_(authorities),
        store_(store),
        clock_(clock),
        topics_(std::move(topics)),
        options_(options) {}

  void set_metrics(HandlerMetrics metrics) { metrics_ = metrics; }

  // One record (a batch of one).
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

  // A batch, in order (kafka::Consumer::RunBatches). The case, schedule and oversight records
  // between two workforce records are read together (processed markers, the children's cases
  // and open tasks, the directory entries: a few round trips), decided one after the other on
  // that state (each seeing the effects of the ones before), and applied in one pipelined round
  // trip, each as its own guarded change. Once a record must be retried, every later record of
  // the batch is retried too (their effects, if applied, are deduplicated on redelivery).
  std::vector<kafka::HandlerOutcome> HandleBatch(
      const std::vector<kafka::ConsumedMessage>& records);

 private:
  struct Staged;
  // Checks a case, schedule or supervision record: its outcome when it needs no state (a dead
  // letter, an ignored event), else it staged for its segment.
  kafka::SegmentStep<Staged> Stage(const kafka::ConsumedMessage& record, size_t index) const;
  // Reads, decides and applies the staged records; false if one of them must be retried.
  bool ApplySegment(std::vector<Staged>& segment, std::vector<kafka::HandlerOutcome>& outcomes);
  kafka::HandlerOutcome HandleWorkforceEvent(const kafka::ConsumedMessage& record);

  const authorities::AuthorityRegistry& authorities_;
  TaskStore& store_;
  const runtime::Clock& clock_;
  ConsumedTopics topics_;
  HandlerOptions options_;
  HandlerMetrics metrics_;
};

}  // namespace oversight::triggers
