#include "oversight/statutory_returns/case_event_type.h"

#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace oversight::statutory_returns {
namespace {

const google::protobuf::FieldDescriptor* SetField(const oversight::cases::v1::CaseEvent& event) {
  const google::protobuf::OneofDescriptor* oneof =
      oversight::cases::v1::CaseEvent::descriptor()->FindOneofByName("event");
  return event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
}

}  // namespace

std::string_view EventTypeName(const oversight::cases::v1::CaseEvent& event) {
  const google::protobuf::FieldDescriptor* field = SetField(event);
  if (field == nullptr) return {};
  return field->message_type()->full_name();
}

const oversight::common::v1::EventMeta* EventMetaOf(const oversight::cases::v1::CaseEvent& event) {
  const google::protobuf::FieldDescriptor* field = SetField(event);
  if (field == nullptr) return nullptr;
  const google::protobuf::Message& message = event.GetReflection()->GetMessage(event, field);
  const google::protobuf::FieldDescriptor* meta_field =
      message.GetDescriptor()->FindFieldByName("meta");
  if (meta_field == nullptr ||
      meta_field->message_type() != oversight::common::v1::EventMeta::descriptor()) {
    return nullptr;
  }
  return static_cast<const oversight::common::v1::EventMeta*>(
      &message.GetReflection()->GetMessage(message, meta_field));
}

std::map<std::string, int> CountByType(const std::vector<oversight::cases::v1::CaseEvent>& events) {
  std::map<std::string, int> counts;
  for (const auto& event : events) {
    std::string_view name = EventTypeName(event);
    if (!name.empty()) ++counts[std::string(name)];
  }
  return counts;
}

}  // namespace oversight::statutory_returns
