// The Kafka side of recording: workforce events keep the directory (who supervises whom) that
// the access decision's line-manager chain reads. Translates and delegates to RecordStore.
#pragma once

#include "oversight/authorities/authorities.h"
#include "oversight/kafka/consumer.h"
#include "record_store.h"

namespace oversight::recording {

// Handles records of the workforce-events topic. Not thread-safe: one per consumer thread.
class WorkforceHandler {
 public:
  WorkforceHandler(const authorities::AuthorityRegistry& authorities, RecordStore& store)
      : authorities_(authorities), store_(store) {}

  // Contract failures are dead letters with their reason; Redis unavailable is RetryLater; a
  // duplicate event is Processed with no effect; events recording ignores are Processed.
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

 private:
  const authorities::AuthorityRegistry& authorities_;
  RecordStore& store_;
};

}  // namespace oversight::recording
