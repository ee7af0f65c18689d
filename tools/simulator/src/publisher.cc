#include "publisher.h"

#include "oversight/kafka/event_record.h"

namespace oversight::simulator {

absl::Status EventPublisher::Publish(const std::string& topic, const std::string& key,
                                     const google::protobuf::Message& message) {
  auto record = kafka::MakeEventRecord(topic, key, message, kafka::ContentType::kProtobuf);
  if (!record.ok()) return record.status();
  absl::Status queued = producer_.Produce(
      *std::move(record), [this](const absl::Status& status, const kafka::Delivery&) {
        if (status.ok()) return;
        std::lock_guard lock(mu_);
        if (first_failure_.ok()) first_failure_ = status;
      });
  if (queued.ok()) ++sent_by_type_[message.GetDescriptor()->full_name()];
  return queued;
}

absl::Status EventPublisher::Flush(absl::Duration timeout) {
  absl::Status flushed = producer_.Flush(timeout);
  std::lock_guard lock(mu_);
  absl::Status failure = first_failure_;
  first_failure_ = absl::OkStatus();
  return failure.ok() ? flushed : failure;
}

int EventPublisher::sent() const {
  int total = 0;
  for (const auto& [type, count] : sent_by_type_)
    total += count;
  return total;
}

}  // namespace oversight::simulator
