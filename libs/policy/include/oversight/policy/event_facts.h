// Turning an event message (oversight.cases.v1.*, oversight.scheduling.v1.Item*) into the
// CaseEventFacts that trigger rules look at, by protobuf reflection.
#pragma once

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "oversight/policy/facts.h"

namespace oversight::policy {

// Fills CaseEventFacts from an event: `type` is the message's full name; `event_id` and
// `occurred_at` come from its `meta` (oversight.common.v1.EventMeta); `child_id` from a top-level
// `child_id` field or, failing that, `item.child_id`; `fields` holds every set singular field by
// dotted path (enum value names, "true"/"false", decimal numbers, text; Timestamps as RFC 3339).
// INVALID_ARGUMENT if the message has no `meta` or `meta.occurred_at` is unset. Pure; thread-safe.
absl::StatusOr<CaseEventFacts> EventFactsFromMessage(const google::protobuf::Message& event);

}  // namespace oversight::policy
