#ifndef OVERSIGHT_KAFKA_EVENT_RECORD_H_
#define OVERSIGHT_KAFKA_EVENT_RECORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/producer.h"

namespace oversight::kafka {

// The CloudEvents attributes of an Oversight event message, taken from its `meta` field
// (oversight.common.v1.EventMeta): ce_id = meta.event_id, ce_source = meta.source ("oversight"
// when empty), ce_type = the message's full name, ce_subject = meta.subject, ce_time =
// meta.occurred_at (absent when unset). Returns INVALID_ARGUMENT if the message has no `meta`
// field of that type or meta.event_id is empty. Thread-safe.
absl::StatusOr<CloudEvent> CloudEventFor(const google::protobuf::Message& message,
                                         ContentType content_type);

// A record ready to produce: `message` encoded as `content_type`, CloudEvents headers from
// CloudEventFor, the given topic and key. Errors as CloudEventFor and EncodePayload.
absl::StatusOr<OutboundMessage> MakeEventRecord(std::string topic, std::string key,
                                                const google::protobuf::Message& message,
                                                ContentType content_type);

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_EVENT_RECORD_H_
