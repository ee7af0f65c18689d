#include "oversight/kafka/cloud_event.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace oversight::kafka {

std::string_view ContentTypeName(ContentType type) {
  switch (type) {
    case ContentType::kProtobuf:
      return "application/protobuf";
    case ContentType::kJson:
      return "application/json";
  }
  return "application/protobuf";
}

absl::StatusOr<ContentType> ParseContentType(std::string_view value) {
  std::string_view media = value.substr(0, value.find(';'));
  const std::string lowered = absl::AsciiStrToLower(absl::StripAsciiWhitespace(std::string(media)));
  if (lowered == "application/protobuf" || lowered == "application/x-protobuf") {
    return ContentType::kProtobuf;
  }
  if (lowered == "application/json") return ContentType::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported content-type \"", std::string(value),
                   "\" (expected application/protobuf or application/json)"));
}

std::string FormatRfc3339(absl::Time time) {
  // %E*S prints fractional seconds only when there are any.
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

void WriteCloudEventHeaders(const CloudEvent& event, Headers& headers) {
  headers.Set(std::string(kCeSpecVersionHeader), std::string(kCloudEventsSpecVersion));
  headers.Set(std::string(kCeIdHeader), event.id);
  headers.Set(std::string(kCeSourceHeader), event.source);
  headers.Set(std::string(kCeTypeHeader), event.type);
  if (event.time != absl::InfinitePast()) {
    headers.Set(std::string(kCeTimeHeader), FormatRfc3339(event.time));
  }
  if (!event.subject.empty()) headers.Set(std::string(kCeSubjectHeader), event.subject);
  headers.Set(std::string(kContentTypeHeader), std::string(ContentTypeName(event.content_type)));
}

namespace {

absl::StatusOr<std::string> Required(const Headers& headers, std::string_view name) {
  const auto value = headers.Get(name);
  if (!value.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing CloudEvents header ", std::string(name)));
  }
  if (value->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("empty CloudEvents header ", std::string(name)));
  }
  return std::string(*value);
}

}  // namespace

absl::StatusOr<CloudEvent> ReadCloudEventHeaders(const Headers& headers) {
  auto spec = Required(headers, kCeSpecVersionHeader);
  if (!spec.ok()) return spec.status();
  if (*spec != kCloudEventsSpecVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported ce_specversion \"", *spec, "\" (expected 1.0)"));
  }
  CloudEvent event;
  for (auto [name, field] :
       {std::pair{kCeIdHeader, &event.id}, std::pair{kCeSourceHeader, &event.source},
        std::pair{kCeTypeHeader, &event.type}}) {
    auto value = Required(headers, name);
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  auto content_type = Required(headers, kContentTypeHeader);
  if (!content_type.ok()) return content_type.status();
  auto parsed_type = ParseContentType(*content_type);
  if (!parsed_type.ok()) return parsed_type.status();
  event.content_type = *parsed_type;
  if (const auto time = headers.Get(kCeTimeHeader); time.has_value() && !time->empty()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, std::string(*time), &event.time, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("ce_time \"", std::string(*time), "\" is not RFC 3339: ", error));
    }
  }
  if (const auto subject = headers.Get(kCeSubjectHeader); subject.has_value()) {
    event.subject = std::string(*subject);
  }
  return event;
}

}  // namespace oversight::kafka
