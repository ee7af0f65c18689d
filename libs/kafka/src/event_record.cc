#include "oversight/kafka/event_record.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/kafka/payload_codec.h"

namespace oversight::kafka {

absl::StatusOr<CloudEvent> CloudEventFor(const google::protobuf::Message& message,
                                         ContentType content_type) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::FieldDescriptor* meta_field = descriptor->FindFieldByName("meta");
  if (meta_field == nullptr ||
      meta_field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE ||
      meta_field->message_type() != common::v1::EventMeta::descriptor() ||
      meta_field->is_repeated()) {
    return absl::InvalidArgumentError(absl::StrCat(
        descriptor->full_name(), " has no `oversight.common.v1.EventMeta meta` field"));
  }
  common::v1::EventMeta meta;
  meta.CopyFrom(message.GetReflection()->GetMessage(message, meta_field));
  if (meta.event_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(descriptor->full_name(), ": meta.event_id is empty"));
  }
  CloudEvent event;
  event.id = meta.event_id();
  event.source = meta.source().empty() ? "oversight" : meta.source();
  event.type = descriptor->full_name();
  event.subject = meta.subject();
  if (meta.has_occurred_at()) {
    event.time = absl::FromUnixSeconds(meta.occurred_at().seconds()) +
                 absl::Nanoseconds(meta.occurred_at().nanos());
  }
  event.content_type = content_type;
  return event;
}

absl::StatusOr<OutboundMessage> MakeEventRecord(std::string topic, std::string key,
                                                const google::protobuf::Message& message,
                                                ContentType content_type) {
  auto cloud_event = CloudEventFor(message, content_type);
  if (!cloud_event.ok()) return cloud_event.status();
  auto payload = EncodePayload(message, content_type);
  if (!payload.ok()) return payload.status();
  OutboundMessage record;
  record.topic = std::move(topic);
  record.key = std::move(key);
  record.value = *std::move(payload);
  WriteCloudEventHeaders(*cloud_event, record.headers);
  return record;
}

}  // namespace oversight::kafka
