#include "oversight/redis/testing/redis_server.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "oversight/testing/free_port.h"
#include "oversight/testing/wait_until.h"

namespace oversight::redis::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Launch(RedisServerOptions options) {
  const int port = options.port != 0 ? options.port : oversight::testing::PickFreePort();
  std::unique_ptr<RedisServer> server(new RedisServer(std::move(options), port));
  absl::Status started = server->Start();
  if (!started.ok()) return started;
  return server;
}

RedisServer::RedisServer(RedisServerOptions options, int port)
    : options_(std::move(options)), port_(port), dir_("redis-server-") {}

RedisServer::~RedisServer() {
  if (process_ != nullptr) process_->Kill();
}

ConnectionOptions RedisServer::connection_options() const {
  ConnectionOptions options;
  options.host = "127.0.0.1";
  options.port = port_;
  options.connect_timeout = absl::Milliseconds(500);
  options.command_timeout = absl::Seconds(5);
  options.reconnect_initial_backoff = absl::Milliseconds(20);
  options.reconnect_max_backoff = absl::Milliseconds(200);
  return options;
}

absl::Status RedisServer::Start() {
  if (process_ != nullptr) return absl::FailedPreconditionError("redis-server already running");
  oversight::testing::ChildProcessOptions child;
  child.argv = {options_.binary,
                "--port",
                absl::StrCat(port_),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir_.path(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--daemonize",
                "no",
                "--protected-mode",
                "no",
                "--logfile",
                ""};
  child.argv.insert(child.argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  child.log_path = log_path();
  auto process = oversight::testing::ChildProcess::Start(std::move(child));
  if (!process.ok()) return process.status();
  process_ = std::move(*process);

  Connection probe(connection_options());
  const bool up =
      oversight::testing::WaitUntil([&] { return probe.Ping().ok() || !process_->Running(); },
                                    options_.start_timeout, absl::Milliseconds(20));
  if (!up || !process_->Running()) {
    std::string log = process_->ReadLog();
    process_->Kill();
    process_.reset();
    if (log.size() > 2000) log = log.substr(log.size() - 2000);
    return absl::UnavailableError(
        absl::StrCat("redis-server on port ", port_, " did not answer PING; log:\n", log));
  }
  return absl::OkStatus();
}

absl::Status RedisServer::Stop() {
  if (process_ == nullptr) return absl::OkStatus();
  absl::Status signalled = process_->Signal(SIGTERM);
  absl::StatusOr<int> code = process_->Wait(absl::Seconds(20));
  if (!code.ok()) {
    process_->Kill();
    process_.reset();
    return absl::DeadlineExceededError("redis-server did not stop within 20s after SIGTERM");
  }
  process_.reset();
  if (*code != 0) {
    return absl::InternalError(absl::StrCat("redis-server exited with status ", *code));
  }
  return signalled.ok() ? absl::OkStatus() : signalled;
}

void RedisServer::Crash() {
  if (process_ == nullptr) return;
  process_->Kill();
  process_.reset();
}

}  // namespace oversight::redis::testing
