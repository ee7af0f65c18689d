#include "oversight/testing/wait_until.h"

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace oversight::testing {
namespace {

TEST(WaitUntilTest, ReturnsTrueAtOnceWhenPredicateHolds) {
  int calls = 0;
  EXPECT_TRUE(WaitUntil([&] { return ++calls > 0; }, absl::Seconds(5)));
  EXPECT_EQ(calls, 1);
}

TEST(WaitUntilTest, ReturnsFalseAfterTimeout) {
  int calls = 0;
  const absl::Time start = absl::Now();
  EXPECT_FALSE(WaitUntil(
      [&] {
        ++calls;
        return false;
      },
      absl::Milliseconds(50), absl::Milliseconds(5)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(50));
  EXPECT_GE(calls, 2);
}

TEST(WaitUntilTest, SeesAConditionSetByAnotherThread) {
  std::atomic<bool> flag{false};
  std::thread setter([&] {
    absl::SleepFor(absl::Milliseconds(20));
    flag = true;
  });
  EXPECT_TRUE(WaitUntil([&] { return flag.load(); }, absl::Seconds(10)));
  setter.join();
}

}  // namespace
}  // namespace oversight::testing
