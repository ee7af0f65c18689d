// Events into the outbox: a generated event message added to a redis::ChangeSet as the record
// the relay will publish (protobuf payload, CloudEvents headers from its meta, the given key).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "oversight/redis/change_set.h"

namespace oversight::pipeline {

// Adds `message` (an Oversight event with `meta`) to `change` for `topic`, keyed by `key`.
// INVALID_ARGUMENT (and `change` untouched) if the message has no meta.event_id.
absl::Status EmitEvent(redis::ChangeSet& change, const std::string& topic, const std::string& key,
                       const google::protobuf::Message& message);

}  // namespace oversight::pipeline
