// The Kafka side of notifications: task (and, later, schedule) events in, in-app notifications
// stored and NotificationSent events in the outbox. Rules are in routing.h.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include "notification_store.h"
#include "oversight/authorities/authorities.h"
#include "oversight/kafka/consumer.h"
#include "oversight/runtime/clock.h"

namespace oversight::notifications {

// Not thread-safe: one per consumer thread.
class EventHandler {
 public:
  EventHandler(const authorities::AuthorityRegistry& authorities, NotificationStore& store,
               redis::Connection& connection, const runtime::Clock& clock)
      : authorities_(authorities), store_(store), connection_(connection), clock_(clock) {}

  // Contract failures are dead letters with their reason; Redis unavailable is RetryLater; a
  // redelivered event is Processed with no effect (its event id was already applied).
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

  // Counts notifications by channel and outcome (oversight_notifications_total); not owned, may
  // be null. Redelivered events count nothing.
  void set_notifications(prometheus::Family<prometheus::Counter>* family) {
    notifications_ = family;
  }

 private:
  const authorities::AuthorityRegistry& authorities_;
  NotificationStore& store_;
  redis::Connection& connection_;
  const runtime::Clock& clock_;
  prometheus::Family<prometheus::Counter>* notifications_ = nullptr;
};

}  // namespace oversight::notifications
