#include "oversight/kafka/testing/private_broker.h"

#include <cstdlib>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/testing/child_process.h"

namespace oversight::kafka::testing {

namespace {

// The first line of `path`, trimmed ("" if there is none).
std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrivateBroker>> PrivateBroker::Start(const Options& options) {
  std::unique_ptr<PrivateBroker> broker(new PrivateBroker());
  std::map<std::string, std::string> env;
  if (options.sasl_ssl.has_value()) {
    std::vector<std::string> users;
    for (const auto& [name, password] : options.sasl_ssl->scram_users) {
      users.push_back(absl::StrCat(name, ":", password));
    }
    env = {{"KAFKA_SASL_SSL_CERT", options.sasl_ssl->cert_file},
           {"KAFKA_SASL_SSL_KEY", options.sasl_ssl->key_file},
           {"KAFKA_SCRAM_USERS", absl::StrJoin(users, ",")}};
  }
  if (auto status = broker->Script("start", env); !status.ok()) return status;
  broker->bootstrap_ = FirstLine(broker->dir_.File("bootstrap"));
  if (broker->bootstrap_.empty()) {
    return absl::InternalError("kafka-broker.sh start wrote no bootstrap address in " +
                               broker->dir_.path());
  }
  if (options.sasl_ssl.has_value()) {
    broker->sasl_ssl_bootstrap_ = FirstLine(broker->dir_.File("sasl_ssl_bootstrap"));
    if (broker->sasl_ssl_bootstrap_.empty()) {
      return absl::InternalError("kafka-broker.sh start wrote no SASL_SSL address in " +
                                 broker->dir_.path());
    }
  }
  return broker;
}

PrivateBroker::~PrivateBroker() {
  (void)Script("stop");
}

ClientConfig PrivateBroker::client_config() const {
  return TestClientConfig(bootstrap_);
}

absl::Status PrivateBroker::Kill() {
  return Script("kill");
}

absl::Status PrivateBroker::Stop() {
  return Script("stop");
}

absl::Status PrivateBroker::Restart() {
  return Script("restart");
}

absl::Status PrivateBroker::Script(const std::string& command,
                                   std::map<std::string, std::string> env) const {
  const char* source_dir = std::getenv("OVERSIGHT_SOURCE_DIR");
  if (source_dir == nullptr || *source_dir == '\0') {
    return absl::FailedPreconditionError(
        "OVERSIGHT_SOURCE_DIR is not set (ctest sets it): cannot find scripts/kafka-broker.sh");
  }
  oversight::testing::ChildProcessOptions options;
  options.argv = {absl::StrCat(source_dir, "/scripts/kafka-broker.sh"), command, dir_.path()};
  options.log_path = dir_.File("script-" + command + ".log");
  options.env = std::move(env);
  auto process = oversight::testing::ChildProcess::Start(std::move(options));
  if (!process.ok()) return process.status();
  auto code = (*process)->Wait(absl::Seconds(170));
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(
        absl::StrCat("kafka-broker.sh ", command, " failed: ", (*process)->ReadLog()));
  }
  return absl::OkStatus();
}

}  // namespace oversight::kafka::testing
