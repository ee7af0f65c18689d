#include "oversight/kafka/testing/publish.h"

#include "oversight/kafka/event_record.h"

namespace oversight::kafka::testing {

absl::StatusOr<Delivery> PublishEvent(Producer& producer, std::string_view topic,
                                      std::string_view key,
                                      const google::protobuf::Message& message,
                                      ContentType encoding, absl::Duration timeout) {
  auto record = MakeEventRecord(std::string(topic), std::string(key), message, encoding);
  if (!record.ok()) return record.status();
  return producer.ProduceAndWait(*std::move(record), timeout);
}

absl::StatusOr<ConsumedMessage> AsConsumedEvent(std::string_view topic, std::string_view key,
                                                const google::protobuf::Message& message,
                                                ContentType encoding) {
  auto record = MakeEventRecord(std::string(topic), std::string(key), message, encoding);
  if (!record.ok()) return record.status();
  ConsumedMessage consumed;
  consumed.topic = std::move(record->topic);
  consumed.key = std::move(record->key);
  consumed.value = std::move(record->value);
  consumed.headers = std::move(record->headers);
  return consumed;
}

}  // namespace oversight::kafka::testing
