#include "oversight/kafka/testing/test_broker.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::kafka::testing {

std::string_view BrokerKindName(BrokerKind kind) {
  return kind == BrokerKind::kReal ? "real" : "embedded";
}

std::string UniqueName(std::string_view prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}();
  return absl::StrCat(std::string(prefix), "-", getpid(), "-", counter++, "-", salt % 100000);
}

absl::StatusOr<std::unique_ptr<TestBroker>> TestBroker::Start(BrokerKind kind,
                                                              EmbeddedBrokerOptions options) {
  std::unique_ptr<TestBroker> broker(new TestBroker());
  broker->kind_ = kind;
  if (kind == BrokerKind::kReal) {
    const char* file = std::getenv("OVERSIGHT_KAFKA_BOOTSTRAP_FILE");
    if (file == nullptr || *file == '\0') {
      return absl::FailedPreconditionError(
          "OVERSIGHT_KAFKA_BOOTSTRAP_FILE is not set: run this test through ctest, which starts "
          "Apache Kafka with the fixture kafka_real (scripts/kafka-broker.sh)");
    }
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line) || absl::StripAsciiWhitespace(line).empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read a bootstrap address from ", file,
                       " (did the kafka_real fixture's start step fail?)"));
    }
    broker->bootstrap_ = std::string(absl::StripAsciiWhitespace(line));
    return broker;
  }

  const char* binary_dir = std::getenv("OVERSIGHT_BINARY_DIR");
  if (binary_dir == nullptr || *binary_dir == '\0') {
    return absl::FailedPreconditionError(
        "OVERSIGHT_BINARY_DIR is not set (ctest sets it): cannot find oversight-embedded-broker");
  }
  broker->dir_ = std::make_unique<oversight::testing::TempDir>("embedded-kafka-");
  broker->control_socket_ = broker->dir_->File("control.sock");
  oversight::testing::ChildProcessOptions process_options;
  process_options.argv = {
      absl::StrCat(binary_dir, "/tools/embedded_broker/oversight-embedded-broker"),
      "--brokers",
      absl::StrCat(options.brokers),
      "--partitions",
      absl::StrCat(options.partitions),
      "--control-socket",
      broker->control_socket_};
  process_options.log_path = broker->dir_->File("broker.log");
  auto process = oversight::testing::ChildProcess::Start(std::move(process_options));
  if (!process.ok()) return process.status();
  broker->process_ = *std::move(process);
  auto line = broker->process_->WaitForLine("^BOOTSTRAP ", absl::Seconds(20));
  if (!line.ok()) {
    return absl::UnavailableError(
        absl::StrCat("embedded broker did not start: ", line.status().message()));
  }
  broker->bootstrap_ = std::string(absl::StripAsciiWhitespace(line->substr(10)));
  return broker;
}

std::unique_ptr<TestBroker> TestBroker::Connect(std::string bootstrap) {
  std::unique_ptr<TestBroker> broker(new TestBroker());
  broker->kind_ = BrokerKind::kReal;
  broker->bootstrap_ = std::move(bootstrap);
  return broker;
}

TestBroker::~TestBroker() = default;

ClientConfig TestClientConfig(const std::string& bootstrap) {
  ClientConfig config;
  config.bootstrap_servers = bootstrap;
  config.client_id = "oversight-test";
  config.properties = {
      {"topic.metadata.refresh.interval.ms", "2000"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  return config;
}

ClientConfig TestBroker::client_config() const {
  return TestClientConfig(bootstrap_);
}

absl::Status TestBroker::CreateTopics(const std::vector<TopicSpec>& topics) {
  if (kind_ == BrokerKind::kReal) return Admin::EnsureTopics(client_config(), topics);
  for (const TopicSpec& topic : topics) {
    absl::Status status = SendFaultCommand(absl::StrCat(
        "create-topic ", topic.name, " ", topic.partitions, " ", topic.replication_factor));
    if (!status.ok() && !absl::StrContains(status.message(), "ALREADY_EXISTS")) return status;
  }
  return absl::OkStatus();
}

absl::Status TestBroker::SendFaultCommand(std::string_view command) {
  if (kind_ != BrokerKind::kEmbedded) {
    return absl::FailedPreconditionError(
        "fault commands need the embedded broker; the real broker takes none");
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, control_socket_.c_str(), sizeof(address.sun_path) - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot reach the embedded broker at ", control_socket_, ": ", error));
  }
  const std::string line = absl::StrCat(std::string(command), "\n");
  std::string answer;
  if (write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) {
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n')
      answer.push_back(c);
  }
  close(fd);
  if (answer == "ok") return absl::OkStatus();
  if (absl::StartsWith(answer, "error ")) return absl::InvalidArgumentError(answer.substr(6));
  return absl::UnavailableError(
      absl::StrCat("no answer from the embedded broker to \"", std::string(command), "\""));
}

}  // namespace oversight::kafka::testing
