#include "oversight/scrape/prometheus_text.h"

#include <gtest/gtest.h>

namespace oversight::scrape {
namespace {

constexpr char kText[] = R"(# HELP oversight_events_consumed_total Kafka records handled
# TYPE oversight_events_consumed_total counter
oversight_events_consumed_total{outcome="processed",topic="oversight.case-events.v1"} 120
oversight_events_consumed_total{outcome="dead_letter",topic="oversight.case-events.v1"} 3
oversight_events_consumed_total{outcome="processed",topic="oversight.tasks.v1"} 7
oversight_outbox_pending{outbox="ovs:{devon}:outbox:x"} 0
process_up 1 1700000000000
odd_label{text="a \"quoted\", value\\n"} 2.5e1
broken{label="unterminated} 5
not_a_number{a="b"} x
)";

TEST(PrometheusText, ParsesSamplesAndLabels) {
  const std::vector<Sample> samples = ParseSamples(kText);
  ASSERT_EQ(samples.size(), 6u);
  EXPECT_EQ(samples[0].name, "oversight_events_consumed_total");
  EXPECT_EQ(samples[0].labels.at("topic"), "oversight.case-events.v1");
  EXPECT_EQ(samples[0].value, 120);
  EXPECT_EQ(samples[3].labels.at("outbox"), "ovs:{devon}:outbox:x");
  EXPECT_EQ(samples[4].name, "process_up");
  EXPECT_EQ(samples[4].value, 1);  // the timestamp is not the value
  EXPECT_EQ(samples[5].labels.at("text"), "a \"quoted\", value\\n");
  EXPECT_EQ(samples[5].value, 25);
}

TEST(PrometheusText, SumsWithLabelMatchers) {
  const std::vector<Sample> samples = ParseSamples(kText);
  EXPECT_EQ(Sum(samples, "oversight_events_consumed_total"), 130);
  EXPECT_EQ(
      Sum(samples, "oversight_events_consumed_total", {{"topic", "oversight.case-events.v1"}}),
      123);
  EXPECT_EQ(Sum(samples, "oversight_events_consumed_total", {{"outcome", "retry"}}), 0);
  EXPECT_EQ(Sum(samples, "missing"), 0);
  EXPECT_EQ(LabelValues(samples, "oversight_events_consumed_total", "topic"),
            (std::vector<std::string>{"oversight.case-events.v1", "oversight.tasks.v1"}));
}

}  // namespace
}  // namespace oversight::scrape
