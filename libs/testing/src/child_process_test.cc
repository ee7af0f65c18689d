#include "oversight/testing/child_process.h"

#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::testing {
namespace {

using ::testing::HasSubstr;

TEST(ChildProcessTest, CapturesOutputAndExitCode) {
  TempDir dir;
  ChildProcessOptions options;
  options.argv = {"sh", "-c", "echo out-$GREETING; echo err-line >&2; exit 3"};
  options.env = {{"GREETING", "hello"}};
  options.log_path = dir.File("child.log");
  auto child = ChildProcess::Start(options);
  ASSERT_TRUE(child.ok()) << child.status();
  auto code = (*child)->Wait(absl::Seconds(10));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 3);
  EXPECT_FALSE((*child)->Running());
  const std::string log = (*child)->ReadLog();
  EXPECT_THAT(log, HasSubstr("out-hello\n"));
  EXPECT_THAT(log, HasSubstr("err-line\n"));
  // Once reaped, Wait answers the same at once.
  EXPECT_EQ(*(*child)->Wait(absl::ZeroDuration()), 3);
}

TEST(ChildProcessTest, WaitForLineFindsALineWrittenLater) {
  auto child =
      ChildProcess::Start({"sh", "-c", "echo starting; sleep 0.2; echo ready on 4242; sleep 30"});
  ASSERT_TRUE(child.ok()) << child.status();
  auto line = (*child)->WaitForLine("ready on [0-9]+", absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "ready on 4242");
  EXPECT_TRUE((*child)->Running());
}

TEST(ChildProcessTest, WaitForLineReportsEarlyExitWithLogTail) {
  auto child = ChildProcess::Start({"sh", "-c", "echo fatal: bad config; exit 2"});
  ASSERT_TRUE(child.ok()) << child.status();
  auto line = (*child)->WaitForLine("never printed", absl::Seconds(10));
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(line.status().message(), HasSubstr("fatal: bad config"));
}

TEST(ChildProcessTest, WaitForLineTimesOut) {
  auto child = ChildProcess::Start({"sh", "-c", "echo hello; sleep 30"});
  ASSERT_TRUE(child.ok()) << child.status();
  auto line = (*child)->WaitForLine("goodbye", absl::Milliseconds(100));
  EXPECT_EQ(line.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(ChildProcessTest, WaitForLineRejectsBadRegex) {
  auto child = ChildProcess::Start({"sh", "-c", "sleep 30"});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->WaitForLine("([", absl::Seconds(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ChildProcessTest, SignalTermEndsChildAndWaitReportsIt) {
  // exec makes sleep the process itself, so SIGTERM reaches it directly.
  auto child = ChildProcess::Start({"sh", "-c", "exec sleep 30"});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->Wait(absl::Milliseconds(50)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  ASSERT_TRUE((*child)->Signal(SIGTERM).ok());
  auto code = (*child)->Wait(absl::Seconds(10));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 128 + SIGTERM);
  EXPECT_EQ((*child)->Signal(SIGTERM).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ChildProcessTest, TrappedSignalGivesCleanExit) {
  auto child = ChildProcess::Start(
      {"sh", "-c",
       "trap 'echo got term; exit 0' TERM; echo armed; while true; do sleep 0.05; done"});
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE((*child)->WaitForLine("^armed$", absl::Seconds(10)).ok());
  ASSERT_TRUE((*child)->Signal(SIGTERM).ok());
  auto code = (*child)->Wait(absl::Seconds(10));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_THAT((*child)->ReadLog(), HasSubstr("got term"));
}

TEST(ChildProcessTest, KillEndsTheWholeProcessGroup) {
  TempDir dir;
  ChildProcessOptions options;
  // The shell starts a grandchild and reports its pid.
  options.argv = {"sh", "-c", "sleep 30 & echo grandchild $!; wait"};
  options.log_path = dir.File("group.log");
  auto child = ChildProcess::Start(options);
  ASSERT_TRUE(child.ok()) << child.status();
  auto line = (*child)->WaitForLine("^grandchild [0-9]+$", absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();
  const pid_t grandchild = std::stoi(line->substr(line->find(' ') + 1));
  ASSERT_EQ(::kill(grandchild, 0), 0);
  (*child)->Kill();
  EXPECT_FALSE((*child)->Running());
  EXPECT_EQ(*(*child)->Wait(absl::ZeroDuration()), 128 + SIGKILL);
  // The grandchild was re-parented (to init or a subreaper) and killed with the group; it may
  // linger as a zombie briefly, so check its state rather than its existence.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::string stat_path = "/proc/" + std::to_string(grandchild) + "/stat";
    FILE* f = std::fopen(stat_path.c_str(), "r");
    if (f == nullptr) {
      gone = true;
      break;
    }
    char buf[512] = {0};
    size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    std::string stat(buf, n);
    size_t close_paren = stat.rfind(')');
    if (close_paren != std::string::npos && close_paren + 2 < stat.size() &&
        stat[close_paren + 2] == 'Z') {
      gone = true;
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

TEST(ChildProcessTest, DestructorKillsARunningChild) {
  pid_t pid;
  {
    auto child = ChildProcess::Start({"sleep", "30"});
    ASSERT_TRUE(child.ok()) << child.status();
    pid = (*child)->pid();
    ASSERT_EQ(::kill(pid, 0), 0);
  }
  // Reaped by the destructor, so the pid no longer names our child.
  EXPECT_EQ(::kill(pid, 0), -1);
}

TEST(ChildProcessTest, MissingProgramIsAnError) {
  auto child = ChildProcess::Start({"/nonexistent/program"});
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().code(), absl::StatusCode::kNotFound);
  auto on_path = ChildProcess::Start({"no-such-program-oversight"});
  EXPECT_EQ(on_path.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ChildProcess::Start(std::vector<std::string>{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::testing
