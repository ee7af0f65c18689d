#include "oversight/kafka/testing/topic_collector.h"

#include <librdkafka/rdkafka.h>

#include "absl/strings/str_cat.h"
#include "internal/rdkafka_handles.h"
#include "oversight/kafka/testing/test_broker.h"

namespace oversight::kafka::testing {

TopicCollector::TopicCollector(ClientConfig client, std::string topic)
    : client_(std::move(client)), topic_(std::move(topic)) {}

absl::StatusOr<std::vector<ConsumedMessage>> TopicCollector::CollectUntil(
    const std::function<bool(const std::vector<ConsumedMessage>&)>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  auto conf = internal::BuildConf(client_, {{"fetch.wait.max.ms", "50"}},
                                  {{"group.id", UniqueName("collector")},
                                   {"enable.auto.commit", "false"},
                                   {"enable.partition.eof", "false"},
                                   {"auto.offset.reset", "earliest"}});
  if (!conf.ok()) return conf.status();
  char error[512];
  rd_kafka_t* raw = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), error, sizeof(error));
  if (raw == nullptr) return absl::InternalError(absl::StrCat("collector: ", error));
  conf->release();
  internal::HandlePtr rk(raw);

  // Partitions of the topic (retrying: it may just have been created).
  int partitions = 0;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk.get(), topic_.c_str(), nullptr);
  while (partitions == 0 && absl::Now() < deadline) {
    const rd_kafka_metadata_t* metadata = nullptr;
    if (rd_kafka_metadata(rk.get(), 0, rkt, &metadata, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        partitions = metadata->topics[0].partition_cnt;
      }
      rd_kafka_metadata_destroy(metadata);
    }
    if (partitions == 0) rd_kafka_poll(rk.get(), 100);
  }
  rd_kafka_topic_destroy(rkt);
  if (partitions == 0) {
    return absl::UnavailableError(absl::StrCat("topic ", topic_, " has no partitions"));
  }
  internal::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic_.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  if (auto status = internal::StatusFromError(rd_kafka_assign(rk.get(), assignment.get()),
                                              "collector assign");
      !status.ok()) {
    return status;
  }

  std::vector<ConsumedMessage> records;
  while (!done(records)) {
    if (absl::Now() >= deadline) {
      rd_kafka_consumer_close(rk.get());
      return absl::DeadlineExceededError(
          absl::StrCat("collected ", records.size(), " records from ", topic_, " in ",
                       absl::FormatDuration(timeout), " without meeting the condition"));
    }
    internal::MessagePtr message(rd_kafka_consumer_poll(rk.get(), 100));
    if (message == nullptr || message->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    records.push_back(internal::ToConsumedMessage(*message));
  }
  rd_kafka_consumer_close(rk.get());
  return records;
}

absl::StatusOr<std::vector<ConsumedMessage>> TopicCollector::CollectAtLeast(
    size_t count, absl::Duration timeout) {
  return CollectUntil(
      [count](const std::vector<ConsumedMessage>& records) { return records.size() >= count; },
      timeout);
}

}  // namespace oversight::kafka::testing
