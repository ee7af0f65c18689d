#include "oversight/redis/reply.h"

#include "gtest/gtest.h"

namespace oversight::redis {
namespace {

TEST(ReplyTest, AccessorsFollowTheType) {
  EXPECT_TRUE(Reply().is_nil());
  EXPECT_EQ(Reply::Integer(42).integer(), 42);
  EXPECT_EQ(Reply::String(std::string("a\0b", 3)).str().size(), 3u);
  EXPECT_TRUE(Reply::Status("OK").is_status());
  Reply array = Reply::Array({Reply::Integer(1), Reply::String("x"), Reply::Nil()});
  ASSERT_EQ(array.elements().size(), 3u);
  EXPECT_EQ(array.elements()[1].str(), "x");
  EXPECT_EQ(array.DebugString(), "[1, \"x\", (nil)]");
  EXPECT_EQ(Reply::String("x").integer(), 0);
}

TEST(ReplyTest, ErrorRepliesMapToStatusCodes) {
  EXPECT_TRUE(Reply::String("fine").ToStatus().ok());
  absl::Status precondition = Reply::Error("FAILED_PRECONDITION task already closed").ToStatus();
  EXPECT_EQ(precondition.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(precondition.message(), "task already closed");
  EXPECT_EQ(Reply::Error("INVALID_ARGUMENT bad date").ToStatus().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status other = Reply::Error("ERR unknown command").ToStatus();
  EXPECT_EQ(other.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(other.message(), "redis: ERR unknown command");
}

// Found by the fault suite: a redis-server restarted on its AOF answers LOADING for a while;
// a consumer that dead-lettered the record on it lost the event.
TEST(ReplyTest, ErrorsThatPassAreUnavailable) {
  absl::Status loading = Reply::Error("LOADING Redis is loading the dataset in memory").ToStatus();
  EXPECT_EQ(loading.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(loading.message(), "redis: LOADING Redis is loading the dataset in memory");
  EXPECT_EQ(Reply::Error("BUSY Redis is busy running a script.").ToStatus().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(
      Reply::Error("TRYAGAIN Multiple keys request during rehashing of slot").ToStatus().code(),
      absl::StatusCode::kUnavailable);
  EXPECT_EQ(Reply::Error("MASTERDOWN Link with MASTER is down").ToStatus().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Reply::Error("LOADINGX").ToStatus().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace oversight::redis
