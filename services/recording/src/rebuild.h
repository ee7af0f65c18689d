// Rebuilding recording's Redis from Kafka (issue 5 point 7): every stored version was published
// on the records topic (RecordVersionStored, key record id) in the same outbox transaction as
// the change; replaying that topic into an empty store gives back the same versions, byte for
// byte, so their content hashes and chains are identical.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "oversight/kafka/consumer.h"
#include "record_store.h"

namespace oversight::recording {

struct RebuildResult {
  int versions = 0;  // versions restored
  int skipped = 0;   // records of other types on the topic
};

// Restores every RecordVersionStored in `messages` (in topic order per partition) through
// RecordStore::RestoreVersion. Records with another ce_type are skipped; an undecodable record
// is INVALID_ARGUMENT naming its partition and offset (nothing after it is restored). Safe to run
// again: each version is restored once.
absl::StatusOr<RebuildResult> Rebuild(RecordStore& store,
                                      const std::vector<kafka::ConsumedMessage>& messages);

}  // namespace oversight::recording
