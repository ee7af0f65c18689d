#ifndef OVERSIGHT_KAFKA_TESTING_TEST_BROKER_H_
#define OVERSIGHT_KAFKA_TESTING_TEST_BROKER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oversight/kafka/admin.h"
#include "oversight/kafka/client_config.h"

namespace oversight::testing {
class ChildProcess;
class TempDir;
}  // namespace oversight::testing

namespace oversight::kafka::testing {

enum class BrokerKind {
  kReal,      // Apache Kafka started by the ctest fixture kafka_real (scripts/kafka-broker.sh)
  kEmbedded,  // oversight-embedded-broker started as a child process for this test
};

// "real" or "embedded" (for parameterized test names).
std::string_view BrokerKindName(BrokerKind kind);

struct EmbeddedBrokerOptions {
  int brokers = 1;
  int partitions = 3;
};

// A ClientConfig for a test broker at `bootstrap` with test-friendly metadata refresh and
// reconnect back-off (what TestBroker and PrivateBroker hand out).
ClientConfig TestClientConfig(const std::string& bootstrap);

// A Kafka cluster for a test.
//
// kReal reads the bootstrap address from the file named by OVERSIGHT_KAFKA_BOOTSTRAP_FILE (set
// by tests that require the ctest fixture kafka_real). kEmbedded starts
// $OVERSIGHT_BINARY_DIR/tools/embedded_broker/oversight-embedded-broker with the default topics
// and a control socket for fault commands, and kills it on destruction.
//
// Thread-safety: const methods and SendFaultCommand may be called from any thread.
class TestBroker {
 public:
  // FAILED_PRECONDITION (saying which variable is missing) if the environment does not name the
  // broker; UNAVAILABLE if the embedded broker does not report its address within 20 s.
  static absl::StatusOr<std::unique_ptr<TestBroker>> Start(BrokerKind kind,
                                                           EmbeddedBrokerOptions options = {});
  // A kReal TestBroker for an Apache Kafka the test runs itself (a PrivateBroker) at
  // `bootstrap`, instead of the kafka_real fixture's. Nothing is started or checked here.
  static std::unique_ptr<TestBroker> Connect(std::string bootstrap);
  ~TestBroker();

  BrokerKind kind() const { return kind_; }
  const std::string& bootstrap() const { return bootstrap_; }
  // A ClientConfig for this cluster with test-friendly timeouts.
  ClientConfig client_config() const;

  // Makes sure the topics exist: Admin::EnsureTopics on the real broker, the create-topic
  // command on the embedded one (an existing topic is fine on both).
  absl::Status CreateTopics(const std::vector<TopicSpec>& topics);

  // Sends one fault-injection command (fault_command.h of tools/embedded_broker) and returns OK
  // for "ok", INVALID_ARGUMENT with the broker's reason for "error ...". FAILED_PRECONDITION on
  // the real broker, which takes no such commands.
  absl::Status SendFaultCommand(std::string_view command);

 private:
  TestBroker() = default;

  BrokerKind kind_ = BrokerKind::kReal;
  std::string bootstrap_;
  std::string control_socket_;
  std::unique_ptr<oversight::testing::TempDir> dir_;
  std::unique_ptr<oversight::testing::ChildProcess> process_;
};

// A name no other test run uses: "<prefix>-<pid>-<counter>-<random>" (topics, groups).
std::string UniqueName(std::string_view prefix);

}  // namespace oversight::kafka::testing

#endif  // OVERSIGHT_KAFKA_TESTING_TEST_BROKER_H_
