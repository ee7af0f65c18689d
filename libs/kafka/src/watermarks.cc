#include "oversight/kafka/watermarks.h"

#include <librdkafka/rdkafka.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "internal/rdkafka_handles.h"

namespace oversight::kafka {

absl::StatusOr<std::unique_ptr<WatermarkReader>> WatermarkReader::Create(
    const ClientConfig& client) {
  auto conf = internal::BuildConf(client, {}, {});
  if (!conf.ok()) return conf.status();
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), error, sizeof(error));
  if (rk == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create Kafka client: ", error));
  }
  conf->release();
  return std::unique_ptr<WatermarkReader>(new WatermarkReader(rk));
}

WatermarkReader::~WatermarkReader() {
  rd_kafka_destroy(rk_);
}

absl::StatusOr<std::map<std::string, int64_t>> WatermarkReader::EndOffsets(
    const std::vector<std::string>& topics, absl::Duration timeout) {
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk_, /*all_topics=*/1, nullptr, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot read cluster metadata: ", rd_kafka_err2name(err)));
  }
  const std::set<std::string> wanted(topics.begin(), topics.end());
  std::map<std::string, int64_t> ends;
  for (const std::string& topic : topics)
    ends[topic] = 0;
  absl::Status status;
  for (int t = 0; t < metadata->topic_cnt && status.ok(); ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || !wanted.contains(topic.topic)) continue;
    for (int p = 0; p < topic.partition_cnt; ++p) {
      int64_t low = 0;
      int64_t high = 0;
      const rd_kafka_resp_err_t queried = rd_kafka_query_watermark_offsets(
          rk_, topic.topic, topic.partitions[p].id, &low, &high, timeout_ms);
      if (queried != RD_KAFKA_RESP_ERR_NO_ERROR) {
        status = absl::UnavailableError(absl::StrCat("cannot read the end offset of ", topic.topic,
                                                     "/", topic.partitions[p].id, ": ",
                                                     rd_kafka_err2name(queried)));
        break;
      }
      ends[topic.topic] += high;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  if (!status.ok()) return status;
  return ends;
}

}  // namespace oversight::kafka
