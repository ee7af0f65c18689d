#include "oversight/events/fields.h"

#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/cloud_event.h"

namespace oversight::events {
namespace {

using google::protobuf::FieldDescriptor;

void Flatten(const google::protobuf::Message& message, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->is_repeated()) continue;
    if (prefix.empty() && field->name() == "meta") continue;
    const std::string path = prefix.empty() ? field->name() : prefix + "." + field->name();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        out[path] = std::to_string(reflection->GetInt32(message, field));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        out[path] = std::to_string(reflection->GetInt64(message, field));
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        out[path] = std::to_string(reflection->GetUInt32(message, field));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        out[path] = std::to_string(reflection->GetUInt64(message, field));
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        out[path] = std::to_string(reflection->GetDouble(message, field));
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        out[path] = std::to_string(reflection->GetFloat(message, field));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        out[path] = reflection->GetBool(message, field) ? "true" : "false";
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        out[path] = reflection->GetEnum(message, field)->name();
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        out[path] = reflection->GetString(message, field);
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const auto& nested = reflection->GetMessage(message, field);
        if (field->message_type()->full_name() == "google.protobuf.Timestamp") {
          const auto* timestamp = dynamic_cast<const google::protobuf::Timestamp*>(&nested);
          if (timestamp != nullptr) out[path] = kafka::FormatRfc3339(FromTimestamp(*timestamp));
        } else {
          Flatten(nested, path, out);
        }
        break;
      }
    }
  }
}

}  // namespace

std::map<std::string, std::string> FlattenFields(const google::protobuf::Message& message) {
  std::map<std::string, std::string> out;
  Flatten(message, "", out);
  return out;
}

}  // namespace oversight::events
