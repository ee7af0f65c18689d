// The scheduling use cases over Redis: apply one inbound event (load the records it names, let
// the planner decide, store the result atomically with its events) and fire due timers. Used by
// the Kafka handler, the timer worker and the tests; no Kafka here.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "item_store.h"
#include "oversight/authorities/authorities.h"
#include "oversight/redis/outbox.h"
#include "oversight/runtime/clock.h"
#include "planner.h"
#include "probe.h"

namespace oversight::scheduling {

// Not thread-safe (its store's connection is not): one per thread.
class Scheduler {
 public:
  // `probe` (optional, not owned): FireDue reports what fired and, after each pass, the pending
  // timers and the live items by kind and stage.
  Scheduler(const authorities::AuthorityRegistry& authorities, ItemStore& store,
            const runtime::Clock& clock, SchedulingProbe* probe = nullptr)
      : authorities_(authorities), store_(store), clock_(clock), probe_(probe) {}

  // Applies an event that passed the inbound contract checks (a workforce, case, supervision
  // or task event with its meta). Everything it changes - records, items, timers, satisfied and
  // cancelled events - is written in one script guarded by meta.event_id, so a redelivered
  // event changes nothing (the result says duplicate), and by the versions of everything the
  // decision read: when another replica changed one of them meanwhile, the event is read and
  // decided again (up to kMaxAttempts times, then ABORTED: retry later). Events scheduling
  // ignores change nothing. NOT_FOUND for an authority this deployment does not serve;
  // UNAVAILABLE when Redis is down (nothing written).
  absl::StatusOr<redis::OutboxResult> Handle(const google::protobuf::Message& event,
                                             const common::v1::EventMeta& meta);

  // One event of a batch (not owned).
  struct BatchEvent {
    const google::protobuf::Message* event = nullptr;
    const common::v1::EventMeta* meta = nullptr;
  };

  // Applies events in order, each with the result Handle would give it, in a few round trips
  // for the whole batch: the processed markers and the state every event reads are loaded
  // together (BatchView), each event is decided on that state as left by the ones before it,
  // and the changes are applied with redis::ChangeSet::ApplyAll, each guarded by its event id
  // and the versions it read (so an event that depends on an earlier one of the batch is
  // guarded by the versions that one writes). An event already processed, or repeated earlier
  // in the batch, is a duplicate with no effect. When an event's change is refused because
  // something it read changed meanwhile (another replica), the batch from that event on is
  // read and decided again (up to kMaxAttempts times for that event, then it and every later
  // event are ABORTED). A transport failure fails the event and every later one with it.
  std::vector<absl::StatusOr<redis::OutboxResult>> HandleBatch(
      const std::vector<BatchEvent>& events);

  // Fires every timer due at the clock's now, for every authority served; returns how many
  // stages fired. Safe to run on several replicas at once. With a probe, also reads the
  // pending timers and the item counts of each authority for it.
  absl::StatusOr<int> FireDue();

  static constexpr int kMaxAttempts = 8;

 private:
  // One pass over events[start..]: reads, decides and applies them, filling their results;
  // returns the first event to read and decide again (ABORTED), or events.size().
  size_t HandleFrom(const std::vector<BatchEvent>& events, size_t start,
                    std::vector<absl::StatusOr<redis::OutboxResult>>& results);
  // Decides one event on `view` and records its effects there (as once applied).
  absl::StatusOr<redis::ChangeSet> Decide(const google::protobuf::Message& event,
                                          const common::v1::EventMeta& meta,
                                          const authorities::Authority& authority, BatchView& view);

  const authorities::AuthorityRegistry& authorities_;
  ItemStore& store_;
  const runtime::Clock& clock_;
  SchedulingProbe* probe_;
};

}  // namespace oversight::scheduling
