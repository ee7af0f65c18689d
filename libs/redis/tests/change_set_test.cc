// ChangeSet: commands decided in C++ applied in one script with the outbox and the
// processed-event marker, against a real redis-server.
#include "oversight/redis/change_set.h"

#include "gtest/gtest.h"
#include "oversight/redis/testing/redis_server.h"

namespace oversight::redis {
namespace {

class ChangeSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto connection = Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    c_ = std::move(*connection);
  }

  std::string Get(const std::string& key) { return c_->Command({"GET", key})->str(); }
  int64_t OutboxLength() { return c_->Command({"XLEN", OutboxKey("devon", "svc")})->integer(); }

  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<Connection> c_;
};

TEST_F(ChangeSetTest, AppliesCommandsAndEmitsOnceForAnEventId) {
  ChangeSet change;
  change.Write("ovs:{devon}:a", {"SET", "ovs:{devon}:a", "1"})
      .Write("ovs:{devon}:n", {"INCR", "ovs:{devon}:n"})
      .Emit("oversight.tasks.v1", "child-1", std::string("bin\0ary", 7), {{"ce_id", "x"}});

  auto first = change.Apply(*c_, "devon", "svc", "evt-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate);
  auto again = change.Apply(*c_, "devon", "svc", "evt-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);

  EXPECT_EQ(Get("ovs:{devon}:a"), "1");
  EXPECT_EQ(Get("ovs:{devon}:n"), "1");  // INCR ran once: the redelivery changed nothing
  ASSERT_EQ(OutboxLength(), 1);
  auto entries = c_->Command({"XRANGE", OutboxKey("devon", "svc"), "-", "+"});
  auto record = ParseOutboxEntry(OutboxKey("devon", "svc"), entries->elements()[0]);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->topic, "oversight.tasks.v1");
  EXPECT_EQ(record->key, "child-1");
  EXPECT_EQ(record->value, std::string("bin\0ary", 7));
  EXPECT_EQ(record->headers, (std::vector<std::pair<std::string, std::string>>{{"ce_id", "x"}}));
}

TEST_F(ChangeSetTest, EmitsTombstonesBetweenOrdinaryRecordsInOrder) {
  ChangeSet change;
  change.Emit("records", "k-1", "v1", {{"ce_id", "a"}})
      .EmitTombstone("records", "k-0")
      .Emit("records", "k-2", "", {});
  ASSERT_TRUE(change.Apply(*c_, "devon", "svc", "evt-t").ok());
  auto entries = c_->Command({"XRANGE", OutboxKey("devon", "svc"), "-", "+"});
  ASSERT_EQ(entries->elements().size(), 3u);
  std::vector<OutboxRecord> records;
  for (const auto& e : entries->elements())
    records.push_back(*ParseOutboxEntry(OutboxKey("devon", "svc"), e));
  EXPECT_FALSE(records[0].tombstone);
  EXPECT_EQ(records[0].value, "v1");
  EXPECT_EQ(records[0].headers.size(), 1u);
  EXPECT_TRUE(records[1].tombstone);
  EXPECT_EQ(records[1].key, "k-0");
  EXPECT_EQ(records[1].value, "");
  EXPECT_TRUE(records[1].headers.empty());
  EXPECT_FALSE(records[2].tombstone);  // an empty value is not a tombstone
  EXPECT_EQ(records[2].key, "k-2");
}

TEST_F(ChangeSetTest, RefusesKeysOfAnotherAuthorityAndWritesNothing) {
  ChangeSet change;
  change.Write("ovs:{havering}:a", {"SET", "ovs:{havering}:a", "1"});
  auto result = change.Apply(*c_, "devon", "svc", "evt-2");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  EXPECT_TRUE(c_->Command({"GET", "ovs:{havering}:a"})->is_nil());
  EXPECT_EQ(OutboxLength(), 0);
}

TEST_F(ChangeSetTest, EmptyEventIdAppliesEveryTime) {
  ChangeSet change;
  change.Write("ovs:{devon}:n", {"INCR", "ovs:{devon}:n"});
  ASSERT_TRUE(change.Apply(*c_, "devon", "svc", "").ok());
  ASSERT_TRUE(change.Apply(*c_, "devon", "svc", "").ok());
  EXPECT_EQ(Get("ovs:{devon}:n"), "2");
}

TEST_F(ChangeSetTest, AnExpectationThatNoLongerHoldsAbortsAndWritesNothing) {
  ASSERT_TRUE(c_->Command({"HSET", "ovs:{devon}:rec", "data", "old", "v", "3"}).ok());
  auto change_at = [](const std::string& version) {
    ChangeSet change;
    change.ExpectField("ovs:{devon}:rec", "v", version)
        .ExpectField("ovs:{devon}:new", "v", "")  // absent, as read
        .Write("ovs:{devon}:rec", {"HSET", "ovs:{devon}:rec", "data", "new"})
        .Write("ovs:{devon}:rec", {"HINCRBY", "ovs:{devon}:rec", "v", "1"})
        .Emit("oversight.tasks.v1", "k", "v", {});
    return change;
  };

  // Read at version 2, but someone wrote version 3 since: refused before any write.
  auto stale = change_at("2").Apply(*c_, "devon", "svc", "evt-stale");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  EXPECT_NE(stale.status().message().find("ovs:{devon}:rec"), std::string::npos);
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:rec", "data"})->str(), "old");
  EXPECT_EQ(OutboxLength(), 0);
  EXPECT_EQ(c_->Command({"EXISTS", ProcessedKey("devon", "svc", "evt-stale")})->integer(), 0);

  // Reloaded at version 3: applies, and the same event id may now succeed.
  auto fresh = change_at("3").Apply(*c_, "devon", "svc", "evt-stale");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE(fresh->duplicate);
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:rec", "data"})->str(), "new");
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:rec", "v"})->str(), "4");
  EXPECT_EQ(OutboxLength(), 1);

  // A key expected absent that now exists aborts too.
  ASSERT_TRUE(c_->Command({"HSET", "ovs:{devon}:new", "v", "1"}).ok());
  EXPECT_EQ(change_at("4").Apply(*c_, "devon", "svc", "evt-3").status().code(),
            absl::StatusCode::kAborted);
  // A redelivered event that was applied is a duplicate, whatever its expectations.
  auto duplicate = change_at("1").Apply(*c_, "devon", "svc", "evt-stale");
  ASSERT_TRUE(duplicate.ok()) << duplicate.status();
  EXPECT_TRUE(duplicate->duplicate);
}

}  // namespace
}  // namespace oversight::redis
