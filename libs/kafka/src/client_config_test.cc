// Configuration errors of Producer, Consumer and Admin, found before any connection is made.

#include <gtest/gtest.h>

#include "oversight/kafka/admin.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/producer.h"

namespace oversight::kafka {
namespace {

TEST(ClientConfigTest, ProducerRejectsUnknownPropertyNamingIt) {
  auto producer = Producer::Create(
      {.client = {.bootstrap_servers = "127.0.0.1:1", .properties = {{"no.such.thing", "1"}}}});
  EXPECT_EQ(producer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(producer.status().message().find("no.such.thing"), std::string::npos)
      << producer.status();
}

TEST(ClientConfigTest, ProducerNeedsBootstrapServers) {
  auto producer = Producer::Create({});
  EXPECT_EQ(producer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(producer.status().message().find("bootstrap"), std::string::npos);
}

TEST(ClientConfigTest, SecurityIsConfigurationOnly) {
  // SASL/SSL settings are plain properties: accepted without code changes.
  auto producer =
      Producer::Create({.client = {.bootstrap_servers = "127.0.0.1:1",
                                   .properties = {{"security.protocol", "SASL_PLAINTEXT"},
                                                  {"sasl.mechanism", "PLAIN"},
                                                  {"sasl.username", "svc"},
                                                  {"sasl.password", "secret"}}}});
  EXPECT_TRUE(producer.ok()) << producer.status();
}

TEST(ClientConfigTest, ConsumerNeedsGroupTopicsAndDeadLetterTopic) {
  const ClientConfig client{.bootstrap_servers = "127.0.0.1:1"};
  EXPECT_EQ(Consumer::Create({.client = client, .topics = {"t"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Consumer::Create({.client = client, .group_id = "g"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Consumer::Create(
                {.client = client, .group_id = "g", .topics = {"t"}, .dead_letter_topic = ""})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto bad_property = Consumer::Create(
      {.client = {.bootstrap_servers = "127.0.0.1:1", .properties = {{"fetch.wait.max.ms", "x"}}},
       .group_id = "g",
       .topics = {"t"}});
  EXPECT_EQ(bad_property.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_property.status().message().find("fetch.wait.max.ms"), std::string::npos);
}

TEST(ClientConfigTest, AdminReportsAnUnreachableClusterAsUnavailable) {
  // Port 1 on loopback: connection refused at once.
  const absl::Status status = Admin::EnsureTopics({.bootstrap_servers = "127.0.0.1:1"},
                                                  {{.name = "t"}}, absl::Milliseconds(500));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace oversight::kafka
