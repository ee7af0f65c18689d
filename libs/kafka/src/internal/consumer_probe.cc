#include "internal/consumer_probe.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace oversight::kafka::internal {

absl::StatusOr<std::vector<PartitionLag>> ParseConsumerLag(std::string_view statistics_json) {
  const nlohmann::json stats = nlohmann::json::parse(statistics_json, nullptr, false);
  if (stats.is_discarded() || !stats.is_object()) {
    return absl::InvalidArgumentError("librdkafka statistics are not a JSON object");
  }
  std::vector<PartitionLag> lags;
  const auto topics = stats.find("topics");
  if (topics == stats.end()) return lags;
  if (!topics->is_object()) return absl::InvalidArgumentError("statistics: topics is no object");
  for (const auto& [topic_name, topic] : topics->items()) {
    const auto partitions = topic.find("partitions");
    if (partitions == topic.end() || !partitions->is_object()) continue;
    for (const auto& [partition_name, partition] : partitions->items()) {
      int32_t id = -1;
      if (!absl::SimpleAtoi(partition_name, &id) || id < 0) continue;
      const auto lag = partition.find("consumer_lag");
      if (lag == partition.end() || !lag->is_number_integer()) continue;
      const int64_t value = lag->get<int64_t>();
      if (value < 0) continue;
      lags.push_back(PartitionLag{topic_name, id, value});
    }
  }
  return lags;
}

ConsumerProbe::ConsumerProbe(prometheus::Registry* registry) {
  if (registry == nullptr) return;
  consumed_ = &prometheus::BuildCounter()
                   .Name("oversight_events_consumed_total")
                   .Help("Kafka records handled, by topic and outcome")
                   .Register(*registry);
  dead_letters_ = &prometheus::BuildCounter()
                       .Name("oversight_dead_letters_total")
                       .Help("Kafka records published to the dead-letter topic, by reason")
                       .Register(*registry);
  lag_ = &prometheus::BuildGauge()
              .Name("oversight_kafka_consumer_lag")
              .Help("Records between the committed offset and the high watermark")
              .Register(*registry);
}

void ConsumerProbe::Subscribed(std::string_view topic,
                               const std::vector<std::string>& dead_letter_reasons) {
  if (consumed_ == nullptr) return;
  for (const char* outcome : {"processed", "dead_letter", "retry"}) {
    consumed_->Add({{"topic", std::string(topic)}, {"outcome", outcome}});
  }
  for (const std::string& reason : dead_letter_reasons) {
    dead_letters_->Add({{"topic", std::string(topic)}, {"reason", reason}});
  }
}

void ConsumerProbe::Consumed(std::string_view topic, std::string_view outcome) {
  if (consumed_ == nullptr) return;
  consumed_->Add({{"topic", std::string(topic)}, {"outcome", std::string(outcome)}}).Increment();
}

void ConsumerProbe::DeadLettered(std::string_view topic, std::string_view reason) {
  if (dead_letters_ == nullptr) return;
  dead_letters_->Add({{"topic", std::string(topic)}, {"reason", std::string(reason)}}).Increment();
}

void ConsumerProbe::Statistics(std::string_view statistics_json) {
  if (lag_ == nullptr) return;
  auto lags = ParseConsumerLag(statistics_json);
  if (!lags.ok()) return;
  for (const PartitionLag& lag : *lags) {
    lag_->Add({{"topic", lag.topic}, {"partition", absl::StrCat(lag.partition)}})
        .Set(static_cast<double>(lag.lag));
  }
}

}  // namespace oversight::kafka::internal
