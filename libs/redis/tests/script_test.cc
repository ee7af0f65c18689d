// Script (EVALSHA with NOSCRIPT reload) against a real redis-server.
#include "oversight/redis/script.h"

#include "gtest/gtest.h"
#include "oversight/redis/testing/redis_server.h"

namespace oversight::redis {
namespace {

using testing::RedisServer;

TEST(ScriptTest, ShaMatchesTheServersAndNoScriptIsReloaded) {
  auto server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status();
  auto connection = Connection::Connect((*server)->connection_options());
  ASSERT_TRUE(connection.ok());
  Connection& c = **connection;

  Script add("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  auto loaded = c.Command({"SCRIPT", "LOAD", add.source()});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->str(), add.sha());

  ASSERT_TRUE(c.Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_EQ(c.Command({"SCRIPT", "EXISTS", add.sha()})->elements()[0].integer(), 0);
  auto first = add.Eval(c, {"counter"}, {"2"});  // NOSCRIPT -> load -> run, once
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->integer(), 2);
  EXPECT_EQ(c.Command({"SCRIPT", "EXISTS", add.sha()})->elements()[0].integer(), 1);
  EXPECT_EQ(add.Eval(c, {"counter"}, {"3"})->integer(), 5);

  ASSERT_TRUE(c.Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_EQ(add.Eval(c, {"counter"}, {"1"})->integer(), 6);  // not applied twice
}

TEST(ScriptTest, ErrorsBecomeStatuses) {
  auto server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status();
  auto connection = Connection::Connect((*server)->connection_options());
  ASSERT_TRUE(connection.ok());

  Script refuse("return redis.error_reply('FAILED_PRECONDITION task already closed')");
  auto refused = refuse.Eval(**connection, {}, {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(), "task already closed");

  Script broken("return redis.call('NOSUCHCOMMAND')");
  EXPECT_EQ(broken.Eval(**connection, {}, {}).status().code(), absl::StatusCode::kInternal);

  Script syntax("this is not lua");
  EXPECT_EQ(syntax.Eval(**connection, {}, {}).status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace oversight::redis
