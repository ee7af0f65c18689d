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
  if ((options.sasl_ssl.has_value() || options.mutual_tls.has_value()) &&
      !options.certificate.has_value()) {
    return absl::InvalidArgumentError("a SASL_SSL or mutual-TLS listener needs a certificate");
  }
  std::unique_ptr<PrivateBroker> broker(new PrivateBroker());
  std::map<std::string, std::string> env;
  if (options.certificate.has_value()) {
    env["KAFKA_TLS_CERT"] = options.certificate->cert_file;
    env["KAFKA_TLS_KEY"] = options.certificate->key_file;
  }
  if (options.sasl_ssl.has_value()) {
    std::vector<std::string> users;
    for (const auto& [name, password] : options.sasl_ssl->scram_users) {
      users.push_back(absl::StrCat(name, ":", password));
    }
    env["KAFKA_SCRAM_USERS"] = absl::StrJoin(users, ",");
  }
  if (options.mutual_tls.has_value()) {
    env["KAFKA_SSL_CLIENT_CA"] = options.mutual_tls->client_ca_file;
  }
  if (auto status = broker->Script("start", env); !status.ok()) return status;
  // The address kafka-broker.sh wrote to `file` of the broker's directory.
  auto address = [&broker](const char* file, const char* listener) -> absl::StatusOr<std::string> {
    std::string line = FirstLine(broker->dir_.File(file));
    if (line.empty()) {
      return absl::InternalError(absl::StrCat("kafka-broker.sh start wrote no ", listener,
                                              " address in ", broker->dir_.path()));
    }
    return line;
  };
  auto plain = address("bootstrap", "bootstrap");
  if (!plain.ok()) return plain.status();
  broker->bootstrap_ = *std::move(plain);
  if (options.sasl_ssl.has_value()) {
    auto sasl_ssl = address("sasl_ssl_bootstrap", "SASL_SSL");
    if (!sasl_ssl.ok()) return sasl_ssl.status();
    broker->sasl_ssl_bootstrap_ = *std::move(sasl_ssl);
  }
  if (options.mutual_tls.has_value()) {
    auto mutual_tls = address("ssl_bootstrap", "SSL");
    if (!mutual_tls.ok()) return mutual_tls.status();
    broker->mutual_tls_bootstrap_ = *std::move(mutual_tls);
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
