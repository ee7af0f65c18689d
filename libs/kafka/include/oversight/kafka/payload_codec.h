#ifndef OVERSIGHT_KAFKA_PAYLOAD_CODEC_H_
#define OVERSIGHT_KAFKA_PAYLOAD_CODEC_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/headers.h"

namespace oversight::kafka {

// Encodes `message` as a record value: protobuf binary, or the proto3 JSON mapping (field names
// in lowerCamelCase, as the mapping specifies). Returns INTERNAL if serialization fails (for
// example a message with missing proto2 required fields). Thread-safe.
absl::StatusOr<std::string> EncodePayload(const google::protobuf::Message& message,
                                          ContentType content_type);

// Decodes `payload` into a new message of the type named `type` (a full protobuf name such as
// "oversight.cases.v1.CaseAllocated", the ce_type of the event), found in the generated
// descriptor pool: every message of proto/oversight is linked in through this library.
// Returns NOT_FOUND if no generated message has that name, INVALID_ARGUMENT if the bytes are not
// a valid encoding (malformed protobuf, malformed JSON, a JSON value of the wrong type). JSON
// fields the message does not know are ignored, as unknown protobuf fields are, so producers
// can add fields. Thread-safe.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DecodePayload(std::string_view type,
                                                                         ContentType content_type,
                                                                         std::string_view payload);

// Decodes `payload` into `message` (whose type the caller already knows). Leaves `message` in
// an unspecified (possibly partly filled) state on failure; INVALID_ARGUMENT on bad bytes.
absl::Status DecodePayloadInto(ContentType content_type, std::string_view payload,
                               google::protobuf::Message& message);

// An event read from a record: its CloudEvents attributes and its decoded payload.
struct DecodedEvent {
  CloudEvent cloud_event;
  std::unique_ptr<google::protobuf::Message> message;
};

// ReadCloudEventHeaders + DecodePayload(ce_type, content-type, value). Returns the first error
// (INVALID_ARGUMENT for bad headers or bytes, NOT_FOUND for an unknown ce_type).
absl::StatusOr<DecodedEvent> DecodeEvent(const Headers& headers, std::string_view value);

// The generated descriptor of message type `type`, or nullptr. Thread-safe.
const google::protobuf::Descriptor* FindEventDescriptor(std::string_view type);

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_PAYLOAD_CODEC_H_
