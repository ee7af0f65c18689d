// Rebuilding recording's Redis from Kafka (issue 5 point 7). Everything recording stores is
// either on its records topic (records_topic.h: every version, action completions, grants,
// published in the same outbox transaction as the change) or derived from the inbound workforce
// and case topics (the directory and the children). A rebuild reads them into an empty Redis:
//   1. the records topic, in any partition order: each version's key, each action's completed
//      state (a null value: deleted), each grant;
//   2. per record, its versions replayed in order through the same commands that stored them
//      (RecordStore::ReplayRecord): head, indexes, actions and agendas, purges;
//   3. the workforce and case topics through the InboundHandler, as the consumer applied them
//      (same event ids, same effects; events the consumer dead-lettered are refused again).
// Versions come back byte for byte, so their content hashes and chains are identical. What is
// not rebuilt: the audit trail (it lives on the audit topic, not in Redis), processed markers of
// the records' writes, and the directory or children older than the inbound topics' retention.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/authorities/authorities.h"
#include "oversight/kafka/client_config.h"
#include "oversight/kafka/consumer.h"
#include "record_store.h"

namespace oversight::recording {

struct RebuildResult {
  int64_t versions = 0;         // record versions restored
  int64_t records = 0;          // records replayed (head, indexes, actions, agendas)
  int64_t actions = 0;          // action states restored (completions)
  int64_t grants = 0;           // grants restored
  int64_t tombstones = 0;       // null values (purged content) read
  int64_t skipped = 0;          // other records on the records topic
  int64_t inbound_events = 0;   // workforce and case events replayed
  int64_t inbound_refused = 0;  // of those, refused as the consumer refused them (dead letters)
};

// Phases 1 and 2 over the records topic's messages. Not thread-safe.
class RecordsTopicRebuild {
 public:
  explicit RecordsTopicRebuild(RecordStore& store) : store_(store) {}

  // Phase 1: one message of the records topic. INVALID_ARGUMENT naming its partition and offset
  // for a record that cannot be decoded (nothing after it should be restored: stop there).
  absl::Status Add(const kafka::ConsumedMessage& message);
  // Phase 2, after every message was added: replays each record seen. DATA_LOSS if a record's
  // versions are incomplete on the topic.
  absl::Status Finish();

  const RebuildResult& result() const { return result_; }

 private:
  RecordStore& store_;
  std::map<std::pair<std::string, std::string>, int> last_version_;  // (authority, id) -> n
  RebuildResult result_;
};

// Phases 1 and 2 over messages already read (tests). Safe to run again: idempotent.
absl::StatusOr<RebuildResult> Rebuild(RecordStore& store,
                                      const std::vector<kafka::ConsumedMessage>& messages);

// The topics a rebuild reads.
struct RebuildTopics {
  std::string records;
  std::string workforce_events;
  std::string case_events;
};

// The whole rebuild from a cluster: every topic read to the end it had when its read began
// (kafka::ReadTopicToEnd). Errors as the reads' and the store's; UNAVAILABLE when Redis is.
absl::StatusOr<RebuildResult> RebuildFromKafka(RecordStore& store,
                                               const authorities::AuthorityRegistry& authorities,
                                               const kafka::ClientConfig& client,
                                               const RebuildTopics& topics, absl::Duration timeout);

}  // namespace oversight::recording
