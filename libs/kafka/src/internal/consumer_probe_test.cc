#include "internal/consumer_probe.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

namespace oversight::kafka::internal {
namespace {

constexpr char kStatistics[] = R"({
  "name": "rdkafka#consumer-1", "type": "consumer",
  "topics": {
    "oversight.case-events.v1": {
      "topic": "oversight.case-events.v1",
      "partitions": {
        "0": {"partition": 0, "consumer_lag": 7},
        "1": {"partition": 1, "consumer_lag": -1},
        "-1": {"partition": -1, "consumer_lag": -1}
      }
    },
    "oversight.tasks.v1": {"partitions": {"2": {"partition": 2, "consumer_lag": 0}}}
  }
})";

TEST(ConsumerLagTest, ParsesKnownLagsOfRealPartitions) {
  auto lags = ParseConsumerLag(kStatistics);
  ASSERT_TRUE(lags.ok()) << lags.status();
  ASSERT_EQ(lags->size(), 2u);
  EXPECT_EQ((*lags)[0].topic, "oversight.case-events.v1");
  EXPECT_EQ((*lags)[0].partition, 0);
  EXPECT_EQ((*lags)[0].lag, 7);
  EXPECT_EQ((*lags)[1].topic, "oversight.tasks.v1");
  EXPECT_EQ((*lags)[1].partition, 2);
  EXPECT_EQ((*lags)[1].lag, 0);
}

TEST(ConsumerLagTest, RejectsNonJsonAndAcceptsNoTopics) {
  EXPECT_EQ(ParseConsumerLag("not json").status().code(), absl::StatusCode::kInvalidArgument);
  auto none = ParseConsumerLag(R"({"name": "x"})");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

double Value(const prometheus::Registry& registry, const std::string& family,
             const std::map<std::string, std::string>& labels) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& metric : f.metric) {
      std::map<std::string, std::string> got;
      for (const auto& label : metric.label)
        got[label.name] = label.value;
      if (got == labels)
        return f.type == prometheus::MetricType::Gauge ? metric.gauge.value : metric.counter.value;
    }
  }
  return -1;
}

TEST(ConsumerProbeTest, CountsOutcomesDeadLettersAndLag) {
  prometheus::Registry registry;
  ConsumerProbe probe(&registry);
  ConsumerProbe second(&registry);  // a second consumer shares the families
  probe.Consumed("t", "processed");
  second.Consumed("t", "processed");
  probe.Consumed("t", "dead_letter");
  probe.DeadLettered("t", "decode_failed");
  probe.Statistics(kStatistics);
  EXPECT_EQ(Value(registry, "oversight_events_consumed_total",
                  {{"topic", "t"}, {"outcome", "processed"}}),
            2);
  EXPECT_EQ(Value(registry, "oversight_events_consumed_total",
                  {{"topic", "t"}, {"outcome", "dead_letter"}}),
            1);
  EXPECT_EQ(Value(registry, "oversight_dead_letters_total",
                  {{"topic", "t"}, {"reason", "decode_failed"}}),
            1);
  EXPECT_EQ(Value(registry, "oversight_kafka_consumer_lag",
                  {{"topic", "oversight.case-events.v1"}, {"partition", "0"}}),
            7);
}

TEST(ConsumerProbeTest, ListsSubscribedTopicsAtZero) {
  prometheus::Registry registry;
  ConsumerProbe probe(&registry);
  EXPECT_EQ(Value(registry, "oversight_events_consumed_total",
                  {{"topic", "quiet"}, {"outcome", "processed"}}),
            -1);
  probe.Subscribed("quiet");
  EXPECT_EQ(Value(registry, "oversight_events_consumed_total",
                  {{"topic", "quiet"}, {"outcome", "processed"}}),
            0);
  EXPECT_EQ(Value(registry, "oversight_events_consumed_total",
                  {{"topic", "quiet"}, {"outcome", "dead_letter"}}),
            0);
  probe.Consumed("quiet", "processed");
  EXPECT_EQ(Value(registry, "oversight_events_consumed_total",
                  {{"topic", "quiet"}, {"outcome", "processed"}}),
            1);
}

}  // namespace
}  // namespace oversight::kafka::internal
