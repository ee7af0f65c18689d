// The whole system for an end-to-end test: a real redis-server (AOF on), a Kafka broker (the
// real Apache Kafka of the ctest fixture, or the embedded broker), topic names unique to the
// test, and any of the four services started as processes configured for them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "oversight/e2e/service_process.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/redis/testing/redis_server.h"

namespace oversight::e2e {

// The four services by their binary names.
inline constexpr char kTriggers[] = "oversight-triggers";
inline constexpr char kNotifications[] = "notifications";
inline constexpr char kScheduling[] = "scheduling";
inline constexpr char kRecording[] = "recording";

// The HS256 secret the services verify tokens with in tests.
inline constexpr char kTestJwtSecret[] = "e2e-test-secret-that-is-long-enough";

// Where a System's Kafka comes from.
struct SystemOptions {
  kafka::testing::BrokerKind broker = kafka::testing::BrokerKind::kReal;
  // kEmbedded: how many brokers (several for leader moves); both kinds: the partitions of
  // every topic.
  kafka::testing::EmbeddedBrokerOptions embedded;
  // kReal: the bootstrap address of an Apache Kafka the test runs itself (a
  // kafka::testing::PrivateBroker it may kill); empty: the kafka_real fixture's broker.
  std::string real_bootstrap;
};

// Not thread-safe; the test's main thread owns it.
class System {
 public:
  // Starts Redis and connects to (or starts) the broker; services are started separately.
  static absl::StatusOr<std::unique_ptr<System>> Create(kafka::testing::BrokerKind broker);
  static absl::StatusOr<std::unique_ptr<System>> Create(const SystemOptions& options);

  // The topic the services use for `name` ("case_events", "tasks", ...): unique to this System.
  std::string Topic(const std::string& name) const;

  // Starts one service (kTriggers, kNotifications, kScheduling, kRecording) with the common
  // configuration plus `extra_env`, and waits until it is SERVING. `credentials`: how the
  // System and the test connect to it (null: plaintext; TLS credentials for a service started
  // with grpc.tls.* in `extra_env`).
  absl::StatusOr<ServiceProcess*> StartService(
      const std::string& service, std::map<std::string, std::string> extra_env = {},
      std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);
  // Starts another replica of a started service: same configuration and consumer group (so the
  // replicas share the topics' partitions), its own process and ports; service(name + "/" +
  // replica) finds it.
  absl::StatusOr<ServiceProcess*> StartReplica(const std::string& service,
                                               const std::string& replica,
                                               std::map<std::string, std::string> extra_env = {});
  ServiceProcess* service(const std::string& name) const;
  // The configuration (OVERSIGHT_* variables) StartService gives `service`, for running one of
  // its binary's other modes as a plain child process (e.g. `oversight-recording rebuild`).
  std::map<std::string, std::string> ServiceEnv(const std::string& service) const {
    return CommonEnv(service);
  }

  // Publishes an event as a case or HR system would (CloudEvents headers from its meta),
  // encoded as protobuf or JSON, keyed by `key`; waits for the broker's acknowledgement.
  absl::Status Publish(const std::string& topic_name, const std::string& key,
                       const google::protobuf::Message& event, bool json = false);
  // Publishes raw bytes with the given headers (for malformed input).
  absl::Status PublishRaw(const std::string& topic_name, const std::string& key,
                          const std::string& value,
                          const std::vector<std::pair<std::string, std::string>>& headers);

  // A bearer token for `subject` with `roles`, signed with kTestJwtSecret.
  static std::string Token(const std::string& subject, std::vector<std::string> roles = {});
  // The same, valid from `issued_at` for `lifetime`: for services on a manual clock, which
  // check a token's times against their own clock.
  static std::string Token(const std::string& subject, std::vector<std::string> roles,
                           absl::Time issued_at, absl::Duration lifetime);

  kafka::testing::TestBroker& broker() { return *broker_; }
  redis::testing::RedisServer& redis() { return *redis_; }
  kafka::Producer& producer() { return *producer_; }

 private:
  System() = default;
  std::map<std::string, std::string> CommonEnv(const std::string& service) const;
  absl::StatusOr<ServiceProcess*> Launch(
      const std::string& service, const std::string& name,
      std::map<std::string, std::string> extra_env,
      std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

  std::unique_ptr<redis::testing::RedisServer> redis_;
  std::unique_ptr<kafka::testing::TestBroker> broker_;
  std::unique_ptr<kafka::Producer> producer_;
  std::string prefix_;
  int partitions_ = 3;  // of every topic
  std::map<std::string, std::unique_ptr<ServiceProcess>> services_;
};

}  // namespace oversight::e2e
