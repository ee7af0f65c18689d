#include <atomic>
#include <mutex>

#include "event_sink.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/producer.h"
#include "oversight/statutory_returns/case_event_type.h"

namespace oversight::importer {
namespace {

using oversight::statutory_returns::EventMetaOf;
using oversight::statutory_returns::EventTypeName;

class KafkaSink : public EventSink {
 public:
  KafkaSink(std::unique_ptr<oversight::kafka::Producer> producer, std::string topic)
      : producer_(std::move(producer)), topic_(std::move(topic)) {}

  absl::Status Write(const oversight::cases::v1::CaseEvent& event) override {
    const oversight::common::v1::EventMeta* meta = EventMetaOf(event);
    if (meta == nullptr) return absl::InvalidArgumentError("event without a type or meta");
    const google::protobuf::Reflection* reflection = event.GetReflection();
    const google::protobuf::FieldDescriptor* field = reflection->GetOneofFieldDescriptor(
        event, oversight::cases::v1::CaseEvent::descriptor()->FindOneofByName("event"));
    oversight::kafka::OutboundMessage message;
    message.topic = topic_;
    message.key = meta->subject();
    if (!reflection->GetMessage(event, field).SerializeToString(&message.value)) {
      return absl::InternalError("protobuf encoding failed");
    }
    oversight::kafka::CloudEvent ce;
    ce.id = meta->event_id();
    ce.source = meta->source();
    ce.type = std::string(EventTypeName(event));
    ce.subject = meta->subject();
    ce.time = absl::FromUnixSeconds(meta->occurred_at().seconds()) +
              absl::Nanoseconds(meta->occurred_at().nanos());
    ce.content_type = oversight::kafka::ContentType::kProtobuf;
    oversight::kafka::WriteCloudEventHeaders(ce, message.headers);
    return producer_->Produce(
        std::move(message), [this](const absl::Status& status, const oversight::kafka::Delivery&) {
          if (status.ok()) return;
          std::lock_guard<std::mutex> lock(mu_);
          if (failures_++ == 0) first_failure_ = status;
        });
  }

  absl::Status Close() override {
    absl::Status flushed = producer_->Flush(absl::Minutes(2));
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_ > 0) {
      return absl::UnavailableError(
          std::to_string(failures_) +
          " events were not delivered; first error: " + first_failure_.ToString());
    }
    return flushed;
  }

 private:
  std::unique_ptr<oversight::kafka::Producer> producer_;
  std::string topic_;
  std::mutex mu_;
  int failures_ = 0;
  absl::Status first_failure_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventSink>> OpenKafkaSink(const std::string& bootstrap_servers,
                                                         const std::string& topic) {
  oversight::kafka::ProducerConfig config;
  config.client.bootstrap_servers = bootstrap_servers;
  config.client.client_id = "oversight-import";
  absl::StatusOr<std::unique_ptr<oversight::kafka::Producer>> producer =
      oversight::kafka::Producer::Create(config);
  if (!producer.ok()) return producer.status();
  return std::make_unique<KafkaSink>(std::move(*producer), topic);
}

}  // namespace oversight::importer
