#include "oversight/runtime/config.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::runtime {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kYaml[] = R"(
kafka:
  bootstrap_servers: file-broker:9092
  properties:
    security.protocol: SSL
    client.id: from-file
redis:
  port: 6379
  timeout: 250ms
log:
  level: info
auth:
  roles: [manager, practitioner]
)";

TEST(ConfigTest, EnvVarNames) {
  EXPECT_EQ(Config::EnvName("kafka.bootstrap_servers"), "OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS");
  EXPECT_EQ(Config::EnvName("grpc.tls.cert-file"), "OVERSIGHT_GRPC_TLS_CERT_FILE");
}

TEST(ConfigTest, EnvOverridesFileWhichOverridesDefault) {
  Config config = Config::FromYaml(kYaml, {{"OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS", "env:9092"}});
  EXPECT_EQ(config.GetString("kafka.bootstrap_servers"), "env:9092");
  EXPECT_EQ(config.SourceOf("kafka.bootstrap_servers"), "env OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS");
  EXPECT_EQ(config.GetInt("redis.port", 1), 6379);
  EXPECT_EQ(config.SourceOf("redis.port"), "file <yaml>");
  EXPECT_EQ(config.GetInt("redis.db", 3), 3);
  EXPECT_EQ(config.GetDuration("redis.timeout", absl::Seconds(1)), absl::Milliseconds(250));
  EXPECT_EQ(config.GetList("auth.roles"), (std::vector<std::string>{"manager", "practitioner"}));
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
}

TEST(ConfigTest, FlagsOverrideEnvAndFileComesFromConfigFlag) {
  oversight::testing::TempDir dir;
  const std::string path = dir.File("svc.yaml");
  std::ofstream(path) << kYaml;
  const char* argv[] = {"svc",   "--config",        path.c_str(),
                        "--set", "redis.port=7000", "--ports-file=/tmp/p.json"};
  Config config = Config::FromArgs(6, argv, {{"OVERSIGHT_REDIS_PORT", "6500"}});
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(config.file(), path);
  EXPECT_EQ(config.GetInt("redis.port", 0), 7000);
  EXPECT_EQ(config.GetString("runtime.ports_file"), "/tmp/p.json");
  EXPECT_EQ(config.GetString("log.level"), "info");
}

TEST(ConfigTest, ConfigFileFromEnvironment) {
  oversight::testing::TempDir dir;
  const std::string path = dir.File("svc.yaml");
  std::ofstream(path) << kYaml;
  const char* argv[] = {"svc"};
  Config config = Config::FromArgs(1, argv, {{"OVERSIGHT_CONFIG_FILE", path}});
  EXPECT_EQ(config.GetInt("redis.port", 0), 6379);
}

TEST(ConfigTest, AllProblemsAreReportedTogetherWithKeyEnvAndSource) {
  oversight::testing::TempDir dir;
  const std::string path = dir.File("bad.yaml");
  std::ofstream(path) << "grpc:\n  port: seventy\nredis:\n  timeout: 5 parsecs\n";
  const char* argv[] = {"svc", "--config", path.c_str()};
  Config config = Config::FromArgs(3, argv, {{"OVERSIGHT_METRICS_PORT", "99999"}});
  config.GetInt("grpc.port", 0, 0, 65535);
  config.GetInt("metrics.port", 0, 0, 65535);
  config.GetDuration("redis.timeout", absl::Seconds(1));
  config.RequireString("kafka.bootstrap_servers");
  config.GetEnum("clock.mode", "system", {"system", "manual", "scaled"});
  config.GetInt("grpc.port", 0, 0, 65535);  // asked twice, reported once
  ASSERT_EQ(config.Errors().size(), 4u);
  absl::Status status = config.Validate();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              AllOf(HasSubstr("'grpc.port' (env OVERSIGHT_GRPC_PORT; value from file " + path +
                              "): 'seventy' is not an integer"),
                    HasSubstr("'metrics.port' (env OVERSIGHT_METRICS_PORT; value from the "
                              "environment): 99999 is out of range [0, 65535]"),
                    HasSubstr("'redis.timeout'"), HasSubstr("is not a duration"),
                    HasSubstr("'kafka.bootstrap_servers'"), HasSubstr("required but not set")));
}

TEST(ConfigTest, EnumAndBoolProblems) {
  Config config = Config::FromYaml("clock:\n  mode: fast\nflag: maybe\n");
  EXPECT_EQ(config.GetEnum("clock.mode", "system", {"system", "manual", "scaled"}), "system");
  EXPECT_TRUE(config.GetBool("flag", true));
  EXPECT_THAT(config.Validate().message(),
              AllOf(HasSubstr("'fast' is not one of: system, manual, scaled"),
                    HasSubstr("'maybe' is not a boolean")));
}

TEST(ConfigTest, BadArgumentsAndMissingFileAreErrors) {
  const char* argv[] = {"svc", "--bogus", "--config", "/nonexistent/x.yaml", "--set", "novalue"};
  Config config = Config::FromArgs(6, argv, {});
  EXPECT_THAT(config.Validate().message(),
              AllOf(HasSubstr("--bogus: unknown command-line argument"),
                    HasSubstr("cannot read config file /nonexistent/x.yaml"),
                    HasSubstr("'novalue' is not key=value")));
}

TEST(ConfigTest, InvalidYamlIsAnError) {
  Config config = Config::FromYaml("a: [1, 2\n", {}, "broken.yaml");
  EXPECT_THAT(config.Validate().message(), HasSubstr("broken.yaml: invalid YAML"));
}

TEST(ConfigTest, SubtreeMergesFileAndEnvironment) {
  Config config = Config::FromYaml(kYaml, {{"OVERSIGHT_KAFKA_PROPERTIES_SASL_MECHANISMS", "PLAIN"},
                                           {"OVERSIGHT_KAFKA_PROPERTIES_CLIENT_ID", "from-env"}});
  auto props = config.GetSubtree("kafka.properties");
  EXPECT_EQ(props, (std::map<std::string, std::string>{{"client.id", "from-env"},
                                                       {"sasl.mechanisms", "PLAIN"},
                                                       {"security.protocol", "SSL"}}));
}

}  // namespace
}  // namespace oversight::runtime
