#ifndef OVERSIGHT_KAFKA_CLOUD_EVENT_H_
#define OVERSIGHT_KAFKA_CLOUD_EVENT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/headers.h"

namespace oversight::kafka {

// The CloudEvents Kafka protocol binding, binary content mode. Every function here is pure and
// thread-safe.

// Header names.
inline constexpr std::string_view kCeSpecVersionHeader = "ce_specversion";
inline constexpr std::string_view kCeIdHeader = "ce_id";
inline constexpr std::string_view kCeSourceHeader = "ce_source";
inline constexpr std::string_view kCeTypeHeader = "ce_type";
inline constexpr std::string_view kCeTimeHeader = "ce_time";
inline constexpr std::string_view kCeSubjectHeader = "ce_subject";
inline constexpr std::string_view kContentTypeHeader = "content-type";
inline constexpr std::string_view kCloudEventsSpecVersion = "1.0";

// How an event's payload (the record value) is encoded.
enum class ContentType {
  kProtobuf,  // "application/protobuf": protobuf binary wire format
  kJson,      // "application/json": the proto3 JSON mapping
};

// The media type for `type`: "application/protobuf" or "application/json".
std::string_view ContentTypeName(ContentType type);

// Parses a content-type header value. Media-type parameters (";charset=utf-8") and case are
// ignored; "application/x-protobuf" is accepted as protobuf. Returns INVALID_ARGUMENT naming the
// value for anything else.
absl::StatusOr<ContentType> ParseContentType(std::string_view value);

// The CloudEvents attributes of one Kafka record (binary mode: the value is the payload).
struct CloudEvent {
  std::string id;       // ce_id, required: unique per source (our EventMeta.event_id)
  std::string source;   // ce_source, required: for example "lcs://devon"
  std::string type;     // ce_type, required: full protobuf message name
  std::string subject;  // ce_subject, optional: child id, worker id, record id
  absl::Time time = absl::InfinitePast();             // ce_time, optional; InfinitePast() = absent
  ContentType content_type = ContentType::kProtobuf;  // content-type, required
};

// Writes `event` as headers: replaces (Headers::Set) ce_specversion ("1.0"), ce_id, ce_source,
// ce_type, content-type, and ce_time (RFC 3339, UTC) / ce_subject when present. Other headers are
// left untouched.
void WriteCloudEventHeaders(const CloudEvent& event, Headers& headers);

// Reads and validates the CloudEvents headers. Returns INVALID_ARGUMENT naming the header when a
// required one (ce_specversion, ce_id, ce_source, ce_type, content-type) is missing or empty,
// when ce_specversion is not "1.0", when ce_time is not RFC 3339, or when content-type is not a
// supported media type.
absl::StatusOr<CloudEvent> ReadCloudEventHeaders(const Headers& headers);

// RFC 3339 text for `time` in UTC, with fractional seconds only when non-zero
// (for example "2026-11-24T09:30:00Z").
std::string FormatRfc3339(absl::Time time);

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_CLOUD_EVENT_H_
