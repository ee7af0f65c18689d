// The Kafka side of recording: what it consumes and why.
//   workforce events   the directory (who supervises whom, teams, leavers): the line-manager
//                      chain of the access decision, and the leaving date of retention (H8);
//   case events        the children the authority knows (a record about an unknown child is
//                      refused) and their allocation (who has access to the child's file, S14);
//   schedule events    scheduling's retention item (ITEM_KIND_RETENTION) falling due: the
//                      leaver's worker-specific records are purged (Recorder::PurgeOnRetentionDue).
// Translates and delegates to RecordStore / Recorder.
#pragma once

#include "oversight/authorities/authorities.h"
#include "oversight/kafka/consumer.h"
#include "oversight/runtime/clock.h"
#include "record_store.h"

namespace oversight::recording {

// Handles records of the workforce, case and schedule topics. Not thread-safe: one per consumer
// thread.
class InboundHandler {
 public:
  InboundHandler(const authorities::AuthorityRegistry& authorities, RecordStore& store,
                 const runtime::Clock& clock)
      : authorities_(authorities), store_(store), clock_(clock) {}

  // Contract failures are dead letters with their reason; Redis unavailable (or a purge racing
  // another writer) is RetryLater; a duplicate event is Processed with no effect; events
  // recording ignores are Processed. A retention item before its date (ItemDue fires at the start
  // of the retention day, when the records are still kept) is Processed with no effect: the
  // purge happens at the item's ItemOverdue (or a later ItemEscalated), just after the day ends.
  kafka::HandlerOutcome Handle(const kafka::ConsumedMessage& record);

 private:
  kafka::HandlerOutcome Apply(const std::string& authority, const std::string& event_id,
                              const redis::ChangeSet& change);
  kafka::HandlerOutcome Retention(const google::protobuf::Message& event,
                                  const common::v1::EventMeta& meta);

  const authorities::AuthorityRegistry& authorities_;
  RecordStore& store_;
  const runtime::Clock& clock_;
};

}  // namespace oversight::recording
