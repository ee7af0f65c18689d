#include "oversight/testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <regex>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

extern char** environ;

namespace oversight::testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(5);

std::string DefaultLogPath(const std::string& program) {
  const char* tmp = std::getenv("TMPDIR");
  std::string root = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  std::string name = program.substr(program.find_last_of('/') + 1);
  return absl::StrCat(root, "/", name, "-", ::getpid(), "-",
                      absl::ToUnixNanos(absl::Now()) % 1000000000, ".log");
}

int ShellStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

std::string LastLines(const std::string& text, size_t count) {
  std::deque<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.pop_front();
  }
  return absl::StrJoin(lines, "\n");
}

// Writes all of `data` to `fd` using only async-signal-safe calls.
void WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    std::vector<std::string> argv, std::map<std::string, std::string> env) {
  ChildProcessOptions options;
  options.argv = std::move(argv);
  options.env = std::move(env);
  return Start(std::move(options));
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(ChildProcessOptions options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return absl::InvalidArgumentError("ChildProcess: empty argv");
  }
  if (options.log_path.empty()) options.log_path = DefaultLogPath(options.argv[0]);

  // Everything the child needs is prepared before fork: after fork only async-signal-safe calls.
  std::vector<char*> argv;
  for (std::string& arg : options.argv)
    argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (options.env.count(key) == 0) env_strings.push_back(std::move(entry));
  }
  for (const auto& [key, value] : options.env)
    env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& entry : env_strings)
    envp.push_back(entry.data());
  envp.push_back(nullptr);

  // PATH lookup in the parent (execvpe is not async-signal-safe in all libcs).
  std::string program = options.argv[0];
  if (program.find('/') == std::string::npos) {
    std::string path_var;
    auto it = options.env.find("PATH");
    if (it != options.env.end()) {
      path_var = it->second;
    } else if (const char* p = std::getenv("PATH"); p != nullptr) {
      path_var = p;
    } else {
      path_var = "/usr/bin:/bin";
    }
    std::string found;
    std::istringstream dirs(path_var);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
      if (::access(candidate.c_str(), X_OK) == 0) {
        found = candidate;
        break;
      }
    }
    if (found.empty()) {
      return absl::NotFoundError(absl::StrCat("ChildProcess: ", program, " not found on PATH"));
    }
    program = found;
  }

  int log_fd = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(
        absl::StrCat("ChildProcess: open ", options.log_path, ": ", std::strerror(errno)));
  }
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int error_pipe[2];
  if (null_fd < 0 || ::pipe2(error_pipe, O_CLOEXEC) != 0) {
    int err = errno;
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return absl::InternalError(absl::StrCat("ChildProcess: pipe: ", std::strerror(err)));
  }
  const pid_t parent = ::getpid();
  const char* working_dir = options.working_dir.empty() ? nullptr : options.working_dir.c_str();

  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(log_fd);
    ::close(null_fd);
    ::close(error_pipe[0]);
    ::close(error_pipe[1]);
    return absl::InternalError(absl::StrCat("ChildProcess: fork: ", std::strerror(err)));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    if (working_dir != nullptr && ::chdir(working_dir) != 0) {
      int err = errno;
      WriteAll(error_pipe[1], &err, sizeof(err));
      ::_exit(127);
    }
    ::execve(program.c_str(), argv.data(), envp.data());
    int err = errno;
    WriteAll(error_pipe[1], &err, sizeof(err));
    ::_exit(127);
  }

  ::close(log_fd);
  ::close(null_fd);
  ::close(error_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(error_pipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  ::close(error_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return absl::ErrnoToStatus(child_errno, absl::StrCat("ChildProcess: cannot execute ", program));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, std::move(options.log_path)));
}

ChildProcess::~ChildProcess() {
  Kill();
}

bool ChildProcess::TryReap() {
  std::lock_guard<std::mutex> lock(mu_);
  if (reaped_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    reaped_ = true;
    exit_status_ = ShellStatus(status);
    return true;
  }
  if (r < 0) {  // ECHILD: someone else reaped it; nothing more can be learned
    reaped_ = true;
    exit_status_ = 255;
    return true;
  }
  return false;
}

absl::Status ChildProcess::Signal(int sig) {
  std::lock_guard<std::mutex> lock(mu_);
  if (reaped_) return absl::FailedPreconditionError("ChildProcess: already exited and reaped");
  if (::kill(pid_, sig) != 0) {
    return absl::InternalError(absl::StrCat("ChildProcess: kill: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ChildProcess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!TryReap()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "ChildProcess ", pid_, " still running after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(kPollInterval);
  }
  std::lock_guard<std::mutex> lock(mu_);
  return exit_status_;
}

void ChildProcess::Kill() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reaped_) return;
    ::kill(-pid_, SIGKILL);  // the group: the child and whatever it started
    ::kill(pid_, SIGKILL);   // in case it left its group
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &status, 0);
    } while (r < 0 && errno == EINTR);
    reaped_ = true;
    exit_status_ = r == pid_ ? ShellStatus(status) : 255;
  }
}

bool ChildProcess::Running() {
  return !TryReap();
}

std::string ChildProcess::ReadLog() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::StatusOr<std::string> ChildProcess::WaitForLine(std::string_view pattern,
                                                      absl::Duration timeout) {
  std::regex re;
  try {
    re = std::regex(std::string(pattern), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("WaitForLine: bad regex '", std::string(pattern), "': ", e.what()));
  }
  const absl::Time deadline = absl::Now() + timeout;
  size_t scanned = 0;  // bytes of complete lines already searched
  while (true) {
    // Read the exit state before the log, so a line written just before exit is still seen.
    const bool exited = !Running();
    std::string log = ReadLog();
    size_t end;
    while ((end = log.find('\n', scanned)) != std::string::npos) {
      std::string line = log.substr(scanned, end - scanned);
      scanned = end + 1;
      if (std::regex_search(line, re)) return line;
    }
    if (exited) {
      std::string tail = log.substr(scanned);  // a last line without a newline
      if (!tail.empty() && std::regex_search(tail, re)) return tail;
      return absl::FailedPreconditionError(absl::StrCat(
          "WaitForLine: process ", pid_, " exited before printing a line matching '",
          std::string(pattern), "'; last lines of ", log_path_, ":\n", LastLines(log, 20)));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "WaitForLine: no line matching '", std::string(pattern), "' within ",
          absl::FormatDuration(timeout), "; last lines of ", log_path_, ":\n", LastLines(log, 20)));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

}  // namespace oversight::testing
