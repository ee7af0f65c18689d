#include "oversight/kafka/topic_reader.h"

#include <librdkafka/rdkafka.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "internal/rdkafka_handles.h"

namespace oversight::kafka {
namespace {

int TimeoutMs(absl::Time deadline, int cap_ms) {
  const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(left, cap_ms)));
}

absl::StatusOr<int> PartitionCount(rd_kafka_t* rk, const std::string& topic, absl::Time deadline) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  int partitions = 0;
  std::string error = "no metadata";
  // The topic may just have been created: retry until it has partitions or time runs out.
  while (partitions == 0 && absl::Now() < deadline) {
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 0, rkt, &metadata, TimeoutMs(deadline, 5000));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        partitions = metadata->topics[0].partition_cnt;
      } else if (metadata->topic_cnt == 1) {
        error = rd_kafka_err2str(metadata->topics[0].err);
      }
      rd_kafka_metadata_destroy(metadata);
    } else {
      error = rd_kafka_err2str(err);
    }
    if (partitions == 0) rd_kafka_poll(rk, 100);
  }
  rd_kafka_topic_destroy(rkt);
  if (partitions == 0) {
    return absl::UnavailableError(absl::StrCat("topic ", topic, " has no partitions: ", error));
  }
  return partitions;
}

}  // namespace

absl::StatusOr<TopicReadResult> ReadTopicToEnd(
    const ClientConfig& client, const std::string& topic,
    const std::function<absl::Status(const ConsumedMessage&)>& handle, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::mt19937_64 random{std::random_device{}()};
  auto conf =
      internal::BuildConf(client, {{"fetch.wait.max.ms", "100"}},
                          {{"group.id", absl::StrFormat("oversight-reader-%016x", random())},
                           {"enable.auto.commit", "false"},
                           {"enable.auto.offset.store", "false"},
                           {"enable.partition.eof", "true"},
                           {"auto.offset.reset", "earliest"}});
  if (!conf.ok()) return conf.status();
  char error[512];
  rd_kafka_t* raw = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), error, sizeof(error));
  if (raw == nullptr) return absl::InternalError(absl::StrCat("topic reader: ", error));
  conf->release();
  internal::HandlePtr rk(raw);

  auto partitions = PartitionCount(rk.get(), topic, deadline);
  if (!partitions.ok()) return partitions.status();
  TopicReadResult result;
  result.partitions = *partitions;
  for (int32_t p = 0; p < *partitions; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    // A new topic's leaders may not be elected yet: retry until the deadline.
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    do {
      err = rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high,
                                             TimeoutMs(deadline, 5000));
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_poll(rk.get(), 100);
    } while (err != RD_KAFKA_RESP_ERR_NO_ERROR && absl::Now() < deadline);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::UnavailableError(
          absl::StrCat("watermarks of ", topic, "[", p, "]: ", rd_kafka_err2str(err)));
    }
    result.no_longer_held += low;
    if (high <= low) continue;  // empty
    internal::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset = low;
    if (auto s = internal::StatusFromError(rd_kafka_assign(rk.get(), assignment.get()),
                                           "topic reader assign");
        !s.ok()) {
      return s;
    }
    bool done = false;
    while (!done) {
      if (absl::Now() >= deadline) {
        rd_kafka_assign(rk.get(), nullptr);
        return absl::DeadlineExceededError(
            absl::StrCat("read ", result.records, " records of ", topic, " but not partition ", p,
                         " to offset ", high, " within ", absl::FormatDuration(timeout)));
      }
      internal::MessagePtr message(rd_kafka_consumer_poll(rk.get(), TimeoutMs(deadline, 200)));
      if (message == nullptr) continue;
      if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        done = message->partition == p;
        continue;
      }
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;  // transient; librdkafka retries
      if (message->partition != p) continue;
      if (message->offset >= high) {
        done = true;  // produced after the read began
        continue;
      }
      const ConsumedMessage consumed = internal::ToConsumedMessage(*message);
      if (auto s = handle(consumed); !s.ok()) {
        rd_kafka_assign(rk.get(), nullptr);
        return s;
      }
      ++result.records;
      done = consumed.offset + 1 >= high;
    }
    rd_kafka_assign(rk.get(), nullptr);
  }
  return result;
}

}  // namespace oversight::kafka
