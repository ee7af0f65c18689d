#ifndef OVERSIGHT_REDIS_TESTING_REDIS_SERVER_H_
#define OVERSIGHT_REDIS_TESTING_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/redis/connection.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::redis::testing {

struct RedisServerOptions {
  // The Debian redis-server; looked up on PATH when it has no slash.
  std::string binary = "redis-server";
  // 0: pick a free port.
  int port = 0;
  // Extra arguments appended to the command line ("--maxmemory", "10mb", ...).
  std::vector<std::string> extra_args;
  // How long Start() waits for PING to answer.
  absl::Duration start_timeout = absl::Seconds(20);
};

// A real redis-server for tests: on 127.0.0.1, a free port, AOF on (--appendonly yes
// --appendfsync everysec), RDB snapshots off, data and log in a TempDir removed on destruction.
// Stop()/Start() restart it on the same port and data directory, so tests can check what
// survives a restart; Crash() kills it with SIGKILL (up to ~1 s of writes may be lost, as in
// production with everysec).
// One owner thread.
class RedisServer {
 public:
  // Starts a server and waits until it answers PING. UNAVAILABLE (with the server's log tail)
  // if it does not start in time; NOT_FOUND if redis-server is not installed.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Launch(RedisServerOptions options = {});

  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Graceful stop: SIGTERM (redis fsyncs the AOF and exits), waits for it to exit.
  absl::Status Stop();
  // SIGKILL without warning.
  void Crash();
  // Starts again on the same port and data directory (after Stop or Crash) and waits for PING.
  absl::Status Start();
  bool running() const { return process_ != nullptr; }

  int Port() const { return port_; }
  const std::string& data_dir() const { return dir_.path(); }
  // Log of the current (or last) run.
  std::string log_path() const { return dir_.File("redis.log"); }
  // Options for oversight::redis::Connection to this server (short timeouts for tests).
  ConnectionOptions connection_options() const;

 private:
  RedisServer(RedisServerOptions options, int port);

  RedisServerOptions options_;
  int port_;
  oversight::testing::TempDir dir_;
  std::unique_ptr<oversight::testing::ChildProcess> process_;
};

}  // namespace oversight::redis::testing

#endif  // OVERSIGHT_REDIS_TESTING_REDIS_SERVER_H_
