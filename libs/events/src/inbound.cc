#include "oversight/events/inbound.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "oversight/kafka/cloud_event.h"

namespace oversight::events {
namespace {

Rejection Reject(std::string_view reason, std::string detail) {
  return Rejection{std::string(reason), std::move(detail)};
}

// Whether protobuf accepts `text` in a string field (proto3 strings must be UTF-8; an event
// holding anything else cannot be decoded downstream). Protobuf's own check, so the two agree.
bool IsUtf8(std::string_view text) {
  return google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                             static_cast<int>(text.size()));
}

// The dotted path of the first google.protobuf.Timestamp in `message` that a Timestamp may not
// hold (outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z, or nanos outside 0..999999999), or
// "" when there is none. Such a value decodes from protobuf but cannot be encoded as JSON, and
// means nothing as a date.
std::string InvalidTimestampPath(const google::protobuf::Message& message,
                                 const std::string& prefix) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::util::TimeUtil;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const google::protobuf::Message& value =
          field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                               : reflection->GetMessage(message, field);
      if (const auto* t = dynamic_cast<const google::protobuf::Timestamp*>(&value)) {
        if (t->seconds() < TimeUtil::kTimestampMinSeconds ||
            t->seconds() > TimeUtil::kTimestampMaxSeconds || t->nanos() < 0 ||
            t->nanos() > 999'999'999) {
          return path;
        }
        continue;
      }
      if (std::string nested = InvalidTimestampPath(value, path); !nested.empty()) return nested;
    }
  }
  return "";
}

}  // namespace

std::variant<InboundEvent, Rejection> CheckInbound(const kafka::ConsumedMessage& record,
                                                   std::string_view type_prefix,
                                                   const AuthorityFilter& served) {
  return CheckInbound(record, type_prefix, served, InboundLimits{});
}

std::variant<InboundEvent, Rejection> CheckInbound(const kafka::ConsumedMessage& record,
                                                   std::string_view type_prefix,
                                                   const AuthorityFilter& served,
                                                   const InboundLimits& limits) {
  if (limits.max_payload_bytes > 0 && record.value.size() > limits.max_payload_bytes) {
    return Reject(kReasonPayloadTooLarge,
                  absl::StrCat("the payload has ", record.value.size(), " bytes; at most ",
                               limits.max_payload_bytes, " are accepted"));
  }
  auto cloud_event = kafka::ReadCloudEventHeaders(record.headers);
  if (!cloud_event.ok()) {
    return Reject(kReasonBadHeaders, std::string(cloud_event.status().message()));
  }
  if (!std::string_view(cloud_event->type).starts_with(type_prefix) ||
      kafka::FindEventDescriptor(cloud_event->type) == nullptr) {
    return Reject(kReasonUnknownType, absl::StrCat("ce_type \"", cloud_event->type,
                                                   "\" is not an event type of this topic (",
                                                   std::string(type_prefix), "*)"));
  }
  auto message = kafka::DecodePayload(cloud_event->type, cloud_event->content_type, record.value);
  if (!message.ok()) {
    return Reject(kReasonUndecodable, std::string(message.status().message()));
  }

  const google::protobuf::Descriptor* descriptor = (*message)->GetDescriptor();
  const google::protobuf::FieldDescriptor* meta_field = descriptor->FindFieldByName("meta");
  if (meta_field == nullptr || meta_field->message_type() != common::v1::EventMeta::descriptor()) {
    return Reject(kReasonContractViolation,
                  absl::StrCat(cloud_event->type, " has no oversight.common.v1.EventMeta meta"));
  }
  auto* meta = dynamic_cast<common::v1::EventMeta*>(
      (*message)->GetReflection()->MutableMessage(message->get(), meta_field));
  if (meta == nullptr) {
    return Reject(kReasonContractViolation, "meta is not the generated EventMeta type");
  }
  if (const std::string path = InvalidTimestampPath(**message, ""); !path.empty()) {
    return Reject(kReasonContractViolation,
                  absl::StrCat(path,
                               " is not a valid timestamp (0001-01-01T00:00:00Z to "
                               "9999-12-31T23:59:59Z, nanos 0 to 999999999)"));
  }
  if (meta->event_id().empty()) {
    if (!IsUtf8(cloud_event->id)) {
      return Reject(kReasonBadHeaders, "ce_id is not UTF-8 text (it becomes meta.event_id)");
    }
    meta->set_event_id(cloud_event->id);
  }
  if (meta->event_id() != cloud_event->id) {
    return Reject(kReasonContractViolation,
                  absl::StrCat("meta.event_id \"", meta->event_id(), "\" differs from ce_id \"",
                               cloud_event->id, "\""));
  }
  if (meta->authority_id().empty()) {
    return Reject(kReasonMissingField, "meta.authority_id is required (the local authority)");
  }
  if (!meta->has_occurred_at()) {
    return Reject(kReasonMissingField, "meta.occurred_at is required (when it happened)");
  }
  if (meta->subject().empty()) {
    const bool from_header = !cloud_event->subject.empty();
    const std::string& subject = from_header ? cloud_event->subject : record.key;
    if (!IsUtf8(subject)) {
      return Reject(from_header ? kReasonBadHeaders : kReasonContractViolation,
                    absl::StrCat(from_header ? "ce_subject" : "the record key",
                                 " is not UTF-8 text (it becomes meta.subject)"));
    }
    meta->set_subject(subject);
  }
  if (meta->subject().empty()) {
    return Reject(kReasonMissingField,
                  "meta.subject (or ce_subject, or the record key) is required");
  }
  if (limits.max_id_length > 0 && (meta->event_id().size() > limits.max_id_length ||
                                   meta->subject().size() > limits.max_id_length)) {
    return Reject(kReasonContractViolation,
                  absl::StrCat("meta.event_id and meta.subject are at most ", limits.max_id_length,
                               " characters"));
  }
  if (!served(meta->authority_id())) {
    return Reject(kReasonUnknownAuthority,
                  absl::StrCat("authority \"", meta->authority_id(),
                               "\" is not served by this deployment (no policy pack)"));
  }
  InboundEvent event;
  event.cloud_event = *std::move(cloud_event);
  event.type = descriptor->full_name();
  event.meta = meta;
  event.message = *std::move(message);
  return event;
}

kafka::HandlerOutcome ToOutcome(const Rejection& rejection) {
  return kafka::HandlerOutcome::DeadLetter(rejection.reason, rejection.detail);
}

}  // namespace oversight::events
