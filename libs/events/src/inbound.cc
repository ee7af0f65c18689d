#include "oversight/events/inbound.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "oversight/kafka/cloud_event.h"

namespace oversight::events {
namespace {

Rejection Reject(std::string_view reason, std::string detail) {
  return Rejection{std::string(reason), std::move(detail)};
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
  if (meta->event_id().empty()) meta->set_event_id(cloud_event->id);
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
    meta->set_subject(!cloud_event->subject.empty() ? cloud_event->subject : record.key);
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
