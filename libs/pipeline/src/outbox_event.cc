#include "oversight/pipeline/outbox_event.h"

#include "oversight/kafka/event_record.h"

namespace oversight::pipeline {

absl::Status EmitEvent(redis::ChangeSet& change, const std::string& topic, const std::string& key,
                       const google::protobuf::Message& message) {
  auto record = kafka::MakeEventRecord(topic, key, message, kafka::ContentType::kProtobuf);
  if (!record.ok()) return record.status();
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& header : record->headers)
    headers.emplace_back(header.key, header.value);
  change.Emit(record->topic, record->key, record->value, std::move(headers));
  return absl::OkStatus();
}

}  // namespace oversight::pipeline
