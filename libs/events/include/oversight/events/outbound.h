// Outbound events: metadata for the events a service publishes as the result of another, with
// deterministic ids so that reprocessing the same input produces the same output ids (consumers
// deduplicate by event id).
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "oversight/common/v1/common.pb.h"

namespace oversight::events {

// A stable id derived from the parts (SHA-256, first 16 bytes as 32 hex digits). The same parts
// always give the same id; different parts collide with negligible probability. Thread-safe.
std::string DeriveId(std::initializer_list<std::string_view> parts);

// EventMeta for an event caused by `cause_event_id`: event_id = DeriveId({source, cause,
// discriminator}), authority and subject as given, occurred_at = `occurred_at`, recorded_at =
// `now`, source = "oversight/<service>", causation_id = `cause_event_id`.
common::v1::EventMeta DerivedMeta(std::string_view service, std::string_view authority_id,
                                  std::string_view subject, std::string_view cause_event_id,
                                  std::string_view discriminator, absl::Time occurred_at,
                                  absl::Time now);

// Converts between absl::Time and google.protobuf.Timestamp (seconds + nanos, UTC).
void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace oversight::events
