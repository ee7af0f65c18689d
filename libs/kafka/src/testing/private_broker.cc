#include "oversight/kafka/testing/private_broker.h"

#include <cstdlib>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/testing/child_process.h"

namespace oversight::kafka::testing {

absl::StatusOr<std::unique_ptr<PrivateBroker>> PrivateBroker::Start() {
  std::unique_ptr<PrivateBroker> broker(new PrivateBroker());
  if (auto status = broker->Script("start"); !status.ok()) return status;
  std::ifstream in(broker->dir_.File("bootstrap"));
  std::string line;
  std::getline(in, line);
  broker->bootstrap_ = std::string(absl::StripAsciiWhitespace(line));
  if (broker->bootstrap_.empty()) {
    return absl::InternalError("kafka-broker.sh start wrote no bootstrap address in " +
                               broker->dir_.path());
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

absl::Status PrivateBroker::Script(const std::string& command) const {
  const char* source_dir = std::getenv("OVERSIGHT_SOURCE_DIR");
  if (source_dir == nullptr || *source_dir == '\0') {
    return absl::FailedPreconditionError(
        "OVERSIGHT_SOURCE_DIR is not set (ctest sets it): cannot find scripts/kafka-broker.sh");
  }
  oversight::testing::ChildProcessOptions options;
  options.argv = {absl::StrCat(source_dir, "/scripts/kafka-broker.sh"), command, dir_.path()};
  options.log_path = dir_.File("script-" + command + ".log");
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
