#include "task_tail.h"

#include <librdkafka/rdkafka.h>

#include "absl/strings/str_cat.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/payload_codec.h"

namespace oversight::bench {
namespace {

constexpr std::string_view kTaskOpened = "oversight.triggers.v1.TaskOpened";

std::string_view Header(rd_kafka_headers_t* headers, const char* name) {
  const void* value = nullptr;
  size_t size = 0;
  if (headers == nullptr ||
      rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      value == nullptr) {
    return {};
  }
  return {static_cast<const char*>(value), size};
}

}  // namespace

absl::StatusOr<std::unique_ptr<TaskTail>> TaskTail::Start(const kafka::ClientConfig& client,
                                                          const std::string& topic,
                                                          OnTaskOpened on_task) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> properties = client.properties;
  properties["bootstrap.servers"] = client.bootstrap_servers;
  properties["group.id"] = "oversight-bench-observer";  // required; never joined or committed
  properties["enable.auto.commit"] = "false";
  properties["fetch.wait.max.ms"] = "2";  // an empty fetch on the embedded broker waits this long
  properties["fetch.error.backoff.ms"] = "5";
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(absl::StrCat("tasks reader: ", name, ": ", error));
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("tasks reader: ", error));
  }
  rd_kafka_poll_set_consumer(rk);
  auto tail = std::unique_ptr<TaskTail>(new TaskTail(rk, std::move(on_task)));

  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_topic_t* handle = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, handle, &metadata, 10000);
  rd_kafka_topic_destroy(handle);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || metadata->topic_cnt != 1 ||
      metadata->topics[0].partition_cnt == 0) {
    if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
    return absl::UnavailableError(
        absl::StrCat("tasks reader: no partitions of ", topic, ": ", rd_kafka_err2name(err)));
  }
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(0);
  absl::Status status;
  for (int p = 0; p < metadata->topics[0].partition_cnt && status.ok(); ++p) {
    const int32_t partition = metadata->topics[0].partitions[p].id;
    int64_t low = 0, high = 0;
    const rd_kafka_resp_err_t queried =
        rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high, 10000);
    if (queried != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = absl::UnavailableError(absl::StrCat("tasks reader: end of ", topic, "/", partition,
                                                   ": ", rd_kafka_err2name(queried)));
    }
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), partition)->offset = high;
  }
  rd_kafka_metadata_destroy(metadata);
  if (status.ok() && rd_kafka_assign(rk, assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = absl::UnavailableError("tasks reader: assign failed");
  }
  rd_kafka_topic_partition_list_destroy(assignment);
  if (!status.ok()) return status;
  tail->thread_ = std::thread([raw = tail.get()] { raw->Loop(); });
  return tail;
}

TaskTail::~TaskTail() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

void TaskTail::Loop() {
  triggers::v1::TaskOpened opened;
  while (!stop_) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(rk_, 50);
    if (message == nullptr) continue;
    const absl::Time arrived = absl::Now();
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++records_;
      rd_kafka_headers_t* headers = nullptr;
      rd_kafka_message_headers(message, &headers);
      if (Header(headers, "ce_type") == kTaskOpened) {
        auto type = kafka::ParseContentType(Header(headers, "content-type"));
        const std::string_view value(static_cast<const char*>(message->payload), message->len);
        if (type.ok() && kafka::DecodePayloadInto(*type, value, opened).ok()) {
          on_task_(opened, arrived);
        } else {
          ++undecodable_;
        }
      }
    }
    rd_kafka_message_destroy(message);
  }
}

}  // namespace oversight::bench
