#include "oversight/kafka/payload_codec.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "oversight/audit/v1/audit_events.pb.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/runtime/v1/clock.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/scheduling/v1/scheduling_service.pb.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/triggers/v1/triggers_service.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::kafka {
namespace {

// Generated code registers a .proto file's descriptors from a static initializer in its .pb.cc.
// A static library member that nothing references is not linked, and its types would then be
// missing from the generated pool; naming one message of every file here keeps them all.
void KeepGeneratedDescriptorsLinked() {
  static const google::protobuf::Descriptor* const kOnePerFile[] = {
      oversight::audit::v1::RecordAccessed::descriptor(),
      oversight::cases::v1::ReferralReceived::descriptor(),
      oversight::common::v1::EventMeta::descriptor(),
      oversight::notifications::v1::Notification::descriptor(),
      oversight::recording::v1::SmartAction::descriptor(),
      oversight::recording::v1::SessionHeld::descriptor(),
      oversight::runtime::v1::GetTimeRequest::descriptor(),
      oversight::scheduling::v1::Explanation::descriptor(),
      oversight::scheduling::v1::GetWorkerScheduleRequest::descriptor(),
      oversight::triggers::v1::TaskHistoryEntry::descriptor(),
      oversight::triggers::v1::IngestCaseEventRequest::descriptor(),
      oversight::workforce::v1::WorkerJoined::descriptor(),
  };
  (void)kOnePerFile;
}

}  // namespace

const google::protobuf::Descriptor* FindEventDescriptor(std::string_view type) {
  KeepGeneratedDescriptorsLinked();
  return google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
      std::string(type));
}

absl::StatusOr<std::string> EncodePayload(const google::protobuf::Message& message,
                                          ContentType content_type) {
  std::string out;
  if (content_type == ContentType::kJson) {
    google::protobuf::util::JsonPrintOptions options;
    const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
    if (!status.ok()) {
      return absl::InternalError(
          absl::StrCat("cannot encode ", message.GetTypeName(), " as JSON: ", status.ToString()));
    }
    return out;
  }
  if (!message.SerializeToString(&out)) {
    return absl::InternalError(absl::StrCat("cannot serialize ", message.GetTypeName()));
  }
  return out;
}

absl::Status DecodePayloadInto(ContentType content_type, std::string_view payload,
                               google::protobuf::Message& message) {
  if (content_type == ContentType::kJson) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(payload.data(), payload.size()), &message, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("invalid JSON for ", message.GetTypeName(),
                                                     ": ", status.message().as_string()));
    }
    return absl::OkStatus();
  }
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid protobuf bytes for ", message.GetTypeName(), " (", payload.size(), " bytes)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DecodePayload(std::string_view type,
                                                                         ContentType content_type,
                                                                         std::string_view payload) {
  const google::protobuf::Descriptor* descriptor = FindEventDescriptor(type);
  if (descriptor == nullptr) {
    return absl::NotFoundError(absl::StrCat("unknown event type \"", std::string(type),
                                            "\" (no generated protobuf message of that name)"));
  }
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  if (prototype == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no generated class for event type \"", std::string(type), "\""));
  }
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (auto status = DecodePayloadInto(content_type, payload, *message); !status.ok()) {
    return status;
  }
  return message;
}

absl::StatusOr<DecodedEvent> DecodeEvent(const Headers& headers, std::string_view value) {
  auto cloud_event = ReadCloudEventHeaders(headers);
  if (!cloud_event.ok()) return cloud_event.status();
  auto message = DecodePayload(cloud_event->type, cloud_event->content_type, value);
  if (!message.ok()) return message.status();
  return DecodedEvent{*std::move(cloud_event), *std::move(message)};
}

}  // namespace oversight::kafka
