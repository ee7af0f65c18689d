#ifndef OVERSIGHT_TESTING_CHILD_PROCESS_H_
#define OVERSIGHT_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace oversight::testing {

// How to start a ChildProcess.
struct ChildProcessOptions {
  // Program and arguments; argv[0] is looked up on PATH when it has no slash.
  std::vector<std::string> argv;
  // Variables added to (or replacing those in) the parent's environment.
  std::map<std::string, std::string> env;
  // File that receives the child's stdout and stderr (created or appended to). Empty: a file
  // "<name>-<pid>.log" in $TMPDIR (or /tmp), where <name> is the basename of argv[0].
  std::string log_path;
  // Working directory of the child; empty keeps the parent's.
  std::string working_dir;
};

// A process started for a test: a service binary, redis-server, a Kafka broker.
//
// The child runs in its own process group, so Kill() also ends what it started itself. It is
// killed (SIGKILL to the group) and reaped when this object is destroyed, and it is sent SIGKILL
// by the kernel if the thread that started it exits (PR_SET_PDEATHSIG), so a crashed test leaves
// no stray servers behind. Start processes from the test's main thread.
//
// Thread-safety: all methods may be called from several threads; destruction must not race with
// other calls.
class ChildProcess {
 public:
  // Starts the child. Returns INVALID_ARGUMENT for an empty argv, NOT_FOUND / PERMISSION_DENIED
  // (and others mapped from errno) if the program cannot be executed, INTERNAL if the log file
  // cannot be opened or fork fails. Nothing is left running on failure.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(ChildProcessOptions options);

  // Shorthand for Start with only argv and env.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      std::vector<std::string> argv, std::map<std::string, std::string> env = {});

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

  // Sends `sig` to the child process (not its group). Returns FAILED_PRECONDITION if the child
  // has already been reaped, INTERNAL if kill(2) fails.
  absl::Status Signal(int sig);

  // Waits up to `timeout` for the child to exit and reaps it. Returns its exit code if it exited,
  // or 128 + signal number if a signal ended it (as a shell reports it). Returns
  // DEADLINE_EXCEEDED and leaves the child running if it is still running after `timeout`.
  // Once reaped, later calls return the same status at once.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // Sends SIGKILL to the child's process group and reaps the child. Does nothing if it has
  // already been reaped.
  void Kill();

  // True until the child has exited (reaps it if it has).
  bool Running();

  // The whole log file as it is now (empty if it cannot be read).
  std::string ReadLog() const;

  // Waits up to `timeout` for a line of the log that matches `pattern` (ECMAScript regex,
  // searched anywhere in the line) and returns that line. Lines are searched from the start of
  // the log, so a line written before the call counts. Returns DEADLINE_EXCEEDED if no line
  // matched in time and FAILED_PRECONDITION if the child exited without writing one (both with
  // the last lines of the log in the message), INVALID_ARGUMENT for a bad regex.
  absl::StatusOr<std::string> WaitForLine(std::string_view pattern, absl::Duration timeout);

 private:
  ChildProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  // Reaps without blocking; returns true if the child has been reaped (now or earlier).
  bool TryReap();

  const pid_t pid_;
  const std::string log_path_;
  mutable std::mutex mu_;
  bool reaped_ = false;  // guarded by mu_
  int exit_status_ = 0;  // guarded by mu_; shell-style (code, or 128 + signal)
};

}  // namespace oversight::testing

#endif  // OVERSIGHT_TESTING_CHILD_PROCESS_H_
