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
  return std::unique_ptr<WatermarkReader>(new WatermarkReader(rk, client));
}

WatermarkReader::~WatermarkReader() {
  for (auto& [group, rk] : group_handles_)
    rd_kafka_destroy(rk);
  rd_kafka_destroy(rk_);
}

absl::StatusOr<std::map<std::string, std::vector<int32_t>>> WatermarkReader::Partitions(
    const std::vector<std::string>& topics, int timeout_ms) {
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk_, /*all_topics=*/1, nullptr, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot read cluster metadata: ", rd_kafka_err2name(err)));
  }
  const std::set<std::string> wanted(topics.begin(), topics.end());
  std::map<std::string, std::vector<int32_t>> partitions;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || !wanted.contains(topic.topic)) continue;
    for (int p = 0; p < topic.partition_cnt; ++p)
      partitions[topic.topic].push_back(topic.partitions[p].id);
  }
  rd_kafka_metadata_destroy(metadata);
  return partitions;
}

absl::StatusOr<std::map<std::string, int64_t>> WatermarkReader::EndOffsets(
    const std::vector<std::string>& topics, absl::Duration timeout) {
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  auto partitions = Partitions(topics, timeout_ms);
  if (!partitions.ok()) return partitions.status();
  std::map<std::string, int64_t> ends;
  for (const std::string& topic : topics)
    ends[topic] = 0;
  for (const auto& [topic, ids] : *partitions) {
    for (const int32_t partition : ids) {
      int64_t low = 0;
      int64_t high = 0;
      const rd_kafka_resp_err_t queried =
          rd_kafka_query_watermark_offsets(rk_, topic.c_str(), partition, &low, &high, timeout_ms);
      if (queried != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return absl::UnavailableError(absl::StrCat("cannot read the end offset of ", topic, "/",
                                                   partition, ": ", rd_kafka_err2name(queried)));
      }
      ends[topic] += high;
    }
  }
  return ends;
}

absl::StatusOr<std::map<std::string, int64_t>> WatermarkReader::CommittedOffsets(
    const std::string& group_id, const std::vector<std::string>& topics, absl::Duration timeout) {
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  auto partitions = Partitions(topics, timeout_ms);
  if (!partitions.ok()) return partitions.status();
  std::map<std::string, int64_t> committed;
  for (const std::string& topic : topics)
    committed[topic] = 0;

  std::lock_guard lock(mu_);
  rd_kafka_t*& group = group_handles_[group_id];
  if (group == nullptr) {
    // A consumer handle that never subscribes: it only asks the group's coordinator.
    auto conf =
        internal::BuildConf(client_, {}, {{"group.id", group_id}, {"enable.auto.commit", "false"}});
    if (!conf.ok()) {
      group_handles_.erase(group_id);
      return conf.status();
    }
    char error[512];
    group = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), error, sizeof(error));
    if (group == nullptr) {
      group_handles_.erase(group_id);
      return absl::InternalError(absl::StrCat("cannot create Kafka consumer: ", error));
    }
    conf->release();
  }
  internal::PartitionListPtr list(rd_kafka_topic_partition_list_new(16));
  for (const auto& [topic, ids] : *partitions) {
    for (const int32_t partition : ids)
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  }
  if (list->cnt == 0) return committed;
  const rd_kafka_resp_err_t err = rd_kafka_committed(group, list.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("cannot read the offsets group ", group_id,
                                               " committed: ", rd_kafka_err2name(err)));
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& partition = list->elems[i];
    if (partition.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::UnavailableError(
          absl::StrCat("cannot read the offset group ", group_id, " committed on ", partition.topic,
                       "/", partition.partition, ": ", rd_kafka_err2name(partition.err)));
    }
    if (partition.offset >= 0) committed[partition.topic] += partition.offset;
  }
  return committed;
}

}  // namespace oversight::kafka
