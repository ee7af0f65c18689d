// The records topic (oversight.records.v1): recording's changelog, written through the outbox in
// the same transaction as each change, from which `oversight-recording rebuild` restores the
// store (rebuild.h). It is meant to be compacted: every stored item has its own key, so
// compaction keeps every version of every record, and a purge (H8) publishes a null value for
// each destroyed key, so compaction removes the purged content from Kafka too.
//
//   key                                              value
//   <authority>/record/<record id>/v<version>        RecordVersionStored (null once purged)
//   <authority>/action/<action id>                   ActionStored (null once purged)
//   <authority>/grant/<kind>/<subject>/<target>      GrantStored
//
// Authority ids contain no '/'. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "oversight/recording/v1/recording_service.pb.h"

namespace oversight::recording {

// Topic-level configs the service creates the topic with (kafka.create_topics).
inline constexpr char kRecordsTopicCleanupPolicy[] = "compact";

std::string RecordVersionTopicKey(const std::string& authority, const std::string& record_id,
                                  int version);
std::string ActionTopicKey(const std::string& authority, const std::string& action_id);
std::string GrantTopicKey(const v1::GrantAccessRequest& grant, const std::string& target);

// What a key names.
struct RecordsTopicKey {
  enum class Kind { kRecordVersion, kAction, kGrant };
  Kind kind = Kind::kRecordVersion;
  std::string authority;
  std::string id;   // record id, action id, or "<kind>/<subject>/<target>"
  int version = 0;  // kRecordVersion only
};

// Parses a key of the records topic; nullopt for a key of another shape.
std::optional<RecordsTopicKey> ParseRecordsTopicKey(const std::string& key);

}  // namespace oversight::recording
