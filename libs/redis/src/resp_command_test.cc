// AppendRespCommand: the protocol form Connection sends (checked against RESP by hand; the
// integration tests send it to a real redis-server).
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

}  // namespace
}  // namespace oversight::redis
