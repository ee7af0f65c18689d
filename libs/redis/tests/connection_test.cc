// Connection, Pipeline and ConnectionPool against a real redis-server.
#include "oversight/redis/connection.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/testing/free_port.h"

namespace oversight::redis {
namespace {

using testing::RedisServer;

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto connection = Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    connection_ = std::move(*connection);
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<Connection> connection_;
};

TEST_F(ConnectionTest, CommandsReturnTypedReplies) {
  EXPECT_TRUE(connection_->Ping().ok());
  auto set = connection_->Command({"SET", "k", std::string("bin\0ary", 7)});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_TRUE(set->is_status());
  EXPECT_EQ(set->str(), "OK");

  auto get = connection_->Command({"GET", "k"});
  ASSERT_TRUE(get.ok());
  EXPECT_TRUE(get->is_string());
  EXPECT_EQ(get->str(), std::string("bin\0ary", 7));

  EXPECT_TRUE(connection_->Command({"GET", "missing"})->is_nil());
  EXPECT_EQ(connection_->Command({"INCRBY", "n", "5"})->integer(), 5);
  connection_->Command({"RPUSH", "l", "a", "b"}).IgnoreError();
  auto range = connection_->Command({"LRANGE", "l", "0", "-1"});
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(*range, Reply::Array({Reply::String("a"), Reply::String("b")}));

  auto error = connection_->Command({"INCR", "k"});
  ASSERT_TRUE(error.ok());  // an error reply is a value, not a failed call
  EXPECT_TRUE(error->is_error());
  EXPECT_EQ(CommandOrError(*connection_, {"INCR", "k"}).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(connection_->Command({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ConnectionTest, PipelineRepliesComeBackInOrder) {
  Pipeline pipeline;
  for (int i = 0; i < 100; ++i)
    pipeline.Add({"RPUSH", "p", std::to_string(i)});
  pipeline.Add({"LLEN", "p"}).Add({"NOSUCHCOMMAND"}).Add({"LINDEX", "p", "42"});
  auto replies = connection_->Execute(pipeline);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 103u);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ((*replies)[i].integer(), i + 1);
  EXPECT_EQ((*replies)[100].integer(), 100);
  EXPECT_TRUE((*replies)[101].is_error());
  EXPECT_EQ((*replies)[102].str(), "42");
  EXPECT_TRUE(connection_->Execute(Pipeline())->empty());
}

TEST_F(ConnectionTest, SelectsTheConfiguredDatabase) {
  ConnectionOptions options = server_->connection_options();
  options.db = 3;
  auto db3 = Connection::Connect(options);
  ASSERT_TRUE(db3.ok()) << db3.status();
  ASSERT_TRUE((*db3)->Command({"SET", "where", "db3"}).ok());
  EXPECT_TRUE(connection_->Command({"GET", "where"})->is_nil());
  EXPECT_EQ(connection_->Command({"SELECT", "3"})->str(), "OK");
  EXPECT_EQ(connection_->Command({"GET", "where"})->str(), "db3");
}

TEST_F(ConnectionTest, ReconnectsAfterTheServerRestarts) {
  ASSERT_TRUE(connection_->Command({"SET", "before", "1"}).ok());
  ASSERT_EQ(connection_->connect_count(), 1);
  ASSERT_TRUE(server_->Stop().ok());

  // Down: commands fail with UNAVAILABLE and do not hang.
  auto down = connection_->Command({"GET", "before"}, Idempotency::kIdempotent);
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();

  ASSERT_TRUE(server_->Start().ok());
  // Backoff is bounded (200ms in the test options): the connection comes back by itself.
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    auto reply = connection_->Command({"GET", "before"}, Idempotency::kIdempotent);
    back = reply.ok() && reply->str() == "1";  // AOF kept the write
    if (!back) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(back);
  EXPECT_EQ(connection_->connect_count(), 2);
}

TEST_F(ConnectionTest, BrokenLinkRetriesOnlyIdempotentCommands) {
  // Kill our link from the server side, so the next command finds it broken while the server is
  // healthy: the idempotent command is sent again on a fresh link, the other one is not.
  auto kill_clients = [&] {
    auto admin = Connection::Connect(server_->connection_options());
    ASSERT_TRUE(admin.ok());
    auto killed = (*admin)->Command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
    ASSERT_TRUE(killed.ok()) << killed.status();
    ASSERT_GE(killed->integer(), 1);
  };
  kill_clients();
  auto idempotent = connection_->Command({"SET", "x", "1"}, Idempotency::kIdempotent);
  ASSERT_TRUE(idempotent.ok()) << idempotent.status();
  EXPECT_EQ(idempotent->str(), "OK");

  kill_clients();
  auto once = connection_->Command({"INCR", "counter"});
  EXPECT_EQ(once.status().code(), absl::StatusCode::kUnavailable);
  // The link was re-established by that failure; the counter was not incremented.
  auto counter = connection_->Command({"GET", "counter"});
  ASSERT_TRUE(counter.ok()) << counter.status();
  EXPECT_TRUE(counter->is_nil());
}

TEST_F(ConnectionTest, AuthFailureIsPermissionDenied) {
  ASSERT_TRUE(connection_->Command({"CONFIG", "SET", "requirepass", "s3cret"}).ok());
  ConnectionOptions options = server_->connection_options();
  options.password = "wrong";
  EXPECT_EQ(Connection::Connect(options).status().code(), absl::StatusCode::kPermissionDenied);
  options.password = "s3cret";
  auto ok = Connection::Connect(options);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE((*ok)->Ping().ok());
}

TEST_F(ConnectionTest, CommandTimeoutIsDeadlineExceeded) {
  ConnectionOptions options = server_->connection_options();
  options.command_timeout = absl::Milliseconds(100);
  auto slow = Connection::Connect(options);
  ASSERT_TRUE(slow.ok());
  // BLPOP blocks server-side for 1s, longer than the 100ms socket timeout.
  auto reply = (*slow)->Command({"BLPOP", "never", "1"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kDeadlineExceeded) << reply.status();
}

TEST(ConnectionUnreachableTest, ConnectFailsFastWithUnavailable) {
  ConnectionOptions options;
  options.port = oversight::testing::PickFreePort();  // nothing listens there
  auto connection = Connection::Connect(options);
  EXPECT_EQ(connection.status().code(), absl::StatusCode::kUnavailable);

  Connection lazy(options);
  EXPECT_EQ(lazy.Ping().code(), absl::StatusCode::kUnavailable);
  // Inside the backoff window the next command does not even try.
  auto second = lazy.Command({"PING"});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("next reconnect attempt"), std::string::npos)
      << second.status();
}

TEST_F(ConnectionTest, PoolReusesConnections) {
  ConnectionPool pool(server_->connection_options(), 2);
  const Connection* first;
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease->Ping().ok());
    first = &*lease;
  }
  EXPECT_EQ(pool.idle(), 1u);
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    auto c = pool.Acquire();
    EXPECT_EQ(&*a, first);
    EXPECT_TRUE(b->Ping().ok());
    EXPECT_TRUE(c->Ping().ok());
  }
  EXPECT_EQ(pool.idle(), 2u);  // the third was closed, not kept
}

}  // namespace
}  // namespace oversight::redis
