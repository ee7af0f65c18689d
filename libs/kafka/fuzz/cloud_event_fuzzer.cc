// libFuzzer target: the CloudEvents headers of a consumed record (ReadCloudEventHeaders,
// ParseContentType). Input: a record as text (oversight/kafka/testing/record_text.h); only the
// headers are read.
//
// Contract checked on every input:
// - a rejection is INVALID_ARGUMENT with a message;
// - an accepted event has the required attributes non-empty, the content type its header
//   names, and survives WriteCloudEventHeaders + ReadCloudEventHeaders unchanged (so a
//   service can republish or dead-letter what it accepted);
// - ParseContentType of any header value: accepted values map back to a media type that parses
//   to the same content type; rejected ones are INVALID_ARGUMENT with a message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/testing/record_text.h"
#include "oversight/testing/fuzz_check.h"

namespace {

using oversight::kafka::CloudEvent;
using oversight::kafka::ContentType;

void CheckContentType(std::string_view value) {
  const absl::StatusOr<ContentType> parsed = oversight::kafka::ParseContentType(value);
  if (!parsed.ok()) {
    OVERSIGHT_FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument,
                         parsed.status().ToString());
    OVERSIGHT_FUZZ_CHECK(!parsed.status().message().empty(), "empty error message");
    return;
  }
  const absl::StatusOr<ContentType> again =
      oversight::kafka::ParseContentType(oversight::kafka::ContentTypeName(*parsed));
  OVERSIGHT_FUZZ_CHECK(
      again.ok() && *again == *parsed,
      absl::StrCat("content type of '", std::string(value), "' does not round-trip"));
}

std::string Describe(const CloudEvent& e) {
  return absl::StrCat("id='", e.id, "' source='", e.source, "' type='", e.type, "' subject='",
                      e.subject, "' time=", absl::FormatTime(e.time), " content_type=",
                      std::string(oversight::kafka::ContentTypeName(e.content_type)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto record = oversight::kafka::testing::RecordFromText(
      std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& header : record.headers)
    CheckContentType(header.value);

  const absl::StatusOr<CloudEvent> event = oversight::kafka::ReadCloudEventHeaders(record.headers);
  if (!event.ok()) {
    OVERSIGHT_FUZZ_CHECK(event.status().code() == absl::StatusCode::kInvalidArgument,
                         event.status().ToString());
    OVERSIGHT_FUZZ_CHECK(!event.status().message().empty(), "empty error message");
    return 0;
  }
  OVERSIGHT_FUZZ_CHECK(!event->id.empty() && !event->source.empty() && !event->type.empty(),
                       Describe(*event));
  OVERSIGHT_FUZZ_CHECK(record.headers.Get(oversight::kafka::kCeSpecVersionHeader) ==
                           oversight::kafka::kCloudEventsSpecVersion,
                       "accepted without ce_specversion 1.0");
  const auto content_type = oversight::kafka::ParseContentType(
      record.headers.Get(oversight::kafka::kContentTypeHeader).value_or(""));
  OVERSIGHT_FUZZ_CHECK(content_type.ok() && *content_type == event->content_type,
                       "content type differs from the content-type header");
  // A present ce_time is an RFC 3339 instant: a finite time (InfinitePast() means absent).
  const std::string_view time_header =
      record.headers.Get(oversight::kafka::kCeTimeHeader).value_or("");
  OVERSIGHT_FUZZ_CHECK(
      time_header.empty()
          ? event->time == absl::InfinitePast()
          : (event->time != absl::InfinitePast() && event->time != absl::InfiniteFuture()),
      absl::StrCat("ce_time '", std::string(time_header), "' read as ", Describe(*event)));

  oversight::kafka::Headers rewritten;
  oversight::kafka::WriteCloudEventHeaders(*event, rewritten);
  const absl::StatusOr<CloudEvent> reread = oversight::kafka::ReadCloudEventHeaders(rewritten);
  OVERSIGHT_FUZZ_CHECK(
      reread.ok(), absl::StrCat("rewritten headers rejected: ", reread.status().ToString(), " for ",
                                Describe(*event)));
  OVERSIGHT_FUZZ_CHECK(
      reread->id == event->id && reread->source == event->source && reread->type == event->type &&
          reread->subject == event->subject && reread->time == event->time &&
          reread->content_type == event->content_type,
      absl::StrCat("round trip changed ", Describe(*event), " into ", Describe(*reread)));
  return 0;
}
