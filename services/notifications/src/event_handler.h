// The Kafka side of notifications: workforce events into the directory; task and schedule
// events routed (routing.h), planned (delivery_policy.h) and stored with their deliveries in one
// ChangeSet guarded by the event id. Decisions live in those pure parts; this class checks the
// contract, loads what they need, and applies the change.
#pragma once

#include "delivery_policy.h"
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

  // Counts notifications (in-app sent, channels skipped); not owned, may be null. Redelivered
  // events count nothing.
  void set_probe(NotificationsProbe* probe) { probe_ = probe; }

 private:
  kafka::HandlerOutcome Apply(const redis::ChangeSet& change, const common::v1::EventMeta& meta,
                              bool* duplicate);

  const authorities::AuthorityRegistry& authorities_;
  NotificationStore& store_;
  redis::Connection& connection_;
  const runtime::Clock& clock_;
  HandlerSettings settings_;
  NotificationsProbe* probe_ = nullptr;
};

}  // namespace oversight::notifications
