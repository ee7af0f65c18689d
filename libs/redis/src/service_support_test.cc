#include "oversight/redis/service_support.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oversight::redis {
namespace {

using ::testing::HasSubstr;

TEST(ServiceSupportTest, ConnectionOptionsFromConfigAndEnvironment) {
  auto config = runtime::Config::FromYaml(
      "redis:\n  host: redis.internal\n  db: 2\n  command_timeout: 750ms\n",
      {{"OVERSIGHT_REDIS_PORT", "6380"}, {"OVERSIGHT_REDIS_PASSWORD", "pw"}});
  ConnectionOptions options = ConnectionOptionsFromConfig(config);
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(options.host, "redis.internal");
  EXPECT_EQ(options.port, 6380);
  EXPECT_EQ(options.password, "pw");
  EXPECT_EQ(options.db, 2);
  EXPECT_EQ(options.command_timeout, absl::Milliseconds(750));
  EXPECT_EQ(options.connect_timeout, absl::Seconds(1));
}

TEST(ServiceSupportTest, BadRedisSettingsAreReported) {
  auto config = runtime::Config::FromYaml("redis:\n  port: 0\n  connect_timeout: fast\n");
  ConnectionOptions options = ConnectionOptionsFromConfig(config);
  EXPECT_EQ(options.port, 6379);
  EXPECT_THAT(config.Validate().message(), HasSubstr("'redis.port'"));
  EXPECT_THAT(config.Validate().message(), HasSubstr("'redis.connect_timeout'"));
}

TEST(ServiceSupportTest, RelayOptionsDiscoverEveryAuthority) {
  auto config = runtime::Config::FromYaml("outbox:\n  lease_ttl: 30s\n  batch_size: 10\n");
  OutboxRelayOptions options = OutboxRelayOptionsFromConfig(config, "recording");
  EXPECT_EQ(options.discover_pattern, "ovs:{*}:outbox:recording");
  EXPECT_EQ(options.lease_ttl, absl::Seconds(30));
  EXPECT_EQ(options.batch_size, 10);
  EXPECT_EQ(options.owner_id, "");  // the relay makes one up per process
}

TEST(ServiceSupportTest, RelayOwnerIdComesFromTheEnvironment) {
  // As the chart sets it: the pod's name, through the downward API.
  auto config = runtime::Config::FromYaml("", {{"OVERSIGHT_OUTBOX_OWNER_ID", "triggers-7d9f-x2"}});
  EXPECT_EQ(OutboxRelayOptionsFromConfig(config, "oversight-triggers").owner_id,
            "triggers-7d9f-x2");
}

double Value(prometheus::Registry& registry, const std::string& name, const std::string& label) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      for (const auto& pair : metric.label) {
        if (pair.value == label) {
          return family.type == prometheus::MetricType::Gauge ? metric.gauge.value
                                                              : metric.counter.value;
        }
      }
    }
  }
  return -1;
}

TEST(OutboxRelayProbeTest, CountsAndLogs) {
  prometheus::Registry registry;
  std::ostringstream out;
  runtime::Logger logger("svc", runtime::LogLevel::kInfo, &out);
  OutboxRelayProbe probe(registry, &logger);
  OutboxRecord record;
  record.outbox_key = "ovs:{a}:outbox:svc";
  record.topic = "t1";
  probe.OnPending(record.outbox_key, 7);
  probe.OnRelayed(record);
  probe.OnRelayed(record);
  probe.OnPublishFailed(record, absl::UnavailableError("broker down"));
  probe.OnPending(record.outbox_key, 5);
  EXPECT_EQ(Value(registry, "oversight_outbox_pending", record.outbox_key), 5);
  EXPECT_EQ(Value(registry, "oversight_outbox_relayed_total", "t1"), 2);
  EXPECT_EQ(Value(registry, "oversight_outbox_publish_failures_total", "t1"), 1);
  EXPECT_THAT(out.str(), HasSubstr("broker down"));
}

}  // namespace
}  // namespace oversight::redis
