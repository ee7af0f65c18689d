// The Kafka side of notifications: workforce events into the directory; task and schedule
// events routed (routing.h), planned (delivery_policy.h) and stored with their deliveries in one
// ChangeSet guarded by the event id. Decisions live in those pure parts; this class checks the
// contract, loads what they need, and applies the change.
//
// Records come in batches (HandleBatch): the task and schedule events between two workforce
// events form a segment, handled with a few pipelined reads (processed markers, the directory
// entries every event of it names with their managers, the preferences of every recipient) and
// one ChangeSet::ApplyAll. Each event is decided on its own, as if alone (nothing one writes is
// read by routing or planning of the next), and its change is applied in batch order, each
// guarded by its own event id. A workforce event ends the segment
// before it, so events after it see the directory it changed. Once one record must be retried,
// every later record of the batch is retried too.
#pragma once

#include <vector>

#include "delivery_policy.h"
#include "directory.h"
#include "notification_store.h"
#include "oversight/authorities/authorities.h"
#include "oversight/kafka/consumer.h"
#include "oversight/runtime/clock.h"
#include "probe.h"
#include "templates.h"

namespace oversight::notifications {

struct HandlerSettings {
  RenderOptions render;
  SendingRules sending;
  PushChannels offered;
};

// Not thread-safe: one per consumer thread.
class EventHandler {
 public:
  EventHandler(const authorities::AuthorityRegistry& authorities, NotificationStore& store,
               redis::Connection& connection, const runtime::Clock& clock,
               HandlerSettings settings = {})
      : authorities_(authorities),
        store_(store),
        connection_(connection),
        clock_(clock),
        settings_(std::move(settings)) {}

  // Contract failures are dead letters with their reason; Redis unavailable is RetryLater; a
  // redelivered event is Processed with no effect (its event id was already applied).
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

  // One outcome per record, in order, each as Handle would give it had the records come one by
  // one (kafka::BatchHandler).
  std::vector<kafka::HandlerOutcome> HandleBatch(
      const std::vector<kafka::ConsumedMessage>& records);

  // Counts notifications (in-app sent, channels skipped); not owned, may be null. Redelivered
  // events count nothing.
  void set_probe(NotificationsProbe* probe) { probe_ = probe; }

 private:
  struct Staged;
  // Decides and applies a segment of task and schedule events, setting their outcomes; false if
  // one of them must be retried (later ones then are too).
  bool ApplySegment(std::vector<Staged>& segment, std::vector<kafka::HandlerOutcome>& outcomes);
  kafka::HandlerOutcome ApplyDirectoryUpdate(const DirectoryUpdate& update,
                                             const common::v1::EventMeta& meta);

  const authorities::AuthorityRegistry& authorities_;
  NotificationStore& store_;
  redis::Connection& connection_;
  const runtime::Clock& clock_;
  HandlerSettings settings_;
  NotificationsProbe* probe_ = nullptr;
};

}  // namespace oversight::notifications
