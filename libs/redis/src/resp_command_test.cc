// AppendRespCommand and Pipeline: the protocol form Connection sends (checked against RESP by
// hand; the integration tests send it to a real redis-server).
#include "gtest/gtest.h"
#include "oversight/redis/connection.h"

namespace oversight::redis {
namespace {

TEST(AppendRespCommandTest, WritesAnArrayOfBulkStrings) {
  std::string wire;
  AppendRespCommand(wire, {"SET", "k", "v"});
  EXPECT_EQ(wire, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

TEST(AppendRespCommandTest, ArgumentsAreLengthPrefixedSoAnyBytesPass) {
  std::string wire;
  AppendRespCommand(wire, {"SET", "", std::string("a\r\n\0b", 5)});
  using std::string_literals::operator""s;
  EXPECT_EQ(wire, "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\na\r\n\0b\r\n"s);
}

TEST(AppendRespCommandTest, AppendsAfterWhatIsThere) {
  std::string wire = "*1\r\n$4\r\nPING\r\n";
  AppendRespCommand(wire, {"GET", "a-longer-key-of-twenty"});
  EXPECT_EQ(wire, "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$22\r\na-longer-key-of-twenty\r\n");
}

TEST(PipelineTest, KeepsItsCommandsAsTheyGoOnTheWire) {
  Pipeline pipeline;
  EXPECT_TRUE(pipeline.empty());
  pipeline.Add({"GET", "a"}).Add({"HSET", "h", "f", "v"});
  EXPECT_EQ(pipeline.size(), 2u);
  std::string expected;
  AppendRespCommand(expected, {"GET", "a"});
  AppendRespCommand(expected, {"HSET", "h", "f", "v"});
  EXPECT_EQ(pipeline.wire(), expected);
}

TEST(PipelineTest, IsReadOnlyWhileEveryCommandIsAWellKnownRead) {
  Pipeline pipeline;
  EXPECT_TRUE(pipeline.read_only());  // nothing to change
  pipeline.Add({"get", "a"}).Add({"HGETALL", "h"}).Add({"XRANGE", "s", "-", "+"});
  EXPECT_TRUE(pipeline.read_only());  // the command's case does not matter
  pipeline.Add({"XADD", "s", "*", "f", "v"});
  EXPECT_FALSE(pipeline.read_only());
  pipeline.Add({"GET", "b"});
  EXPECT_FALSE(pipeline.read_only());  // a write anywhere makes it unsafe to resend
  EXPECT_FALSE(Pipeline().Add({"EVALSHA", "sha", "0"}).read_only());  // scripts may write
}

}  // namespace
}  // namespace oversight::redis
