// OutboxScript: state change, processed marker and outbound records in one script.
#include "oversight/redis/outbox.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "oversight/redis/testing/redis_server.h"

namespace oversight::redis {
namespace {

using testing::RedisServer;

// Opens a task: refuses if it exists; counts applications so double-application shows.
constexpr char kOpenTaskBody[] = R"lua(
if redis.call('EXISTS', keys[1]) == 1 and args[2] ~= 'reopen' then
  return redis.error_reply('ALREADY_EXISTS task ' .. keys[1])
end
redis.call('HSET', keys[1], 'state', 'open', 'owner', args[1])
redis.call('INCR', keys[2])
ovs.emit('oversight.task-events.v1', keys[1], 'opened-by-' .. args[1],
         {'ce_type', 'oversight.task.opened', 'ce_id', ovs.event_id})
ovs.emit('oversight.audit-events.v1', keys[1], 'audit', nil)
return redis.call('GET', keys[2])
)lua";

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto connection = Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    c_ = std::move(*connection);
  }

  absl::StatusOr<OutboxResult> OpenTask(std::string_view event_id, std::string owner,
                                        std::string mode = "") {
    return script_.Run(*c_, "la-1", "triggers", event_id, {task_key_, counter_key_},
                       {std::move(owner), std::move(mode)});
  }

  std::vector<OutboxRecord> ReadOutbox() {
    std::vector<OutboxRecord> records;
    auto entries = c_->Command({"XRANGE", outbox_, "-", "+"});
    EXPECT_TRUE(entries.ok());
    for (const Reply& entry : entries->elements()) {
      auto record = ParseOutboxEntry(outbox_, entry);
      EXPECT_TRUE(record.ok()) << record.status();
      if (record.ok()) records.push_back(*record);
    }
    return records;
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<Connection> c_;
  OutboxScript script_{kOpenTaskBody};
  const std::string task_key_ = "ovs:{la-1}:task:t-1";
  const std::string counter_key_ = "ovs:{la-1}:applied";
  const std::string outbox_ = OutboxKey("la-1", "triggers");
};

TEST_F(OutboxTest, StateChangeAndOutboxRecordsAreWrittenTogether) {
  auto result = OpenTask("evt-1", "manager-7");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->duplicate);
  EXPECT_EQ(result->value.str(), "1");

  EXPECT_EQ(c_->Command({"HGET", task_key_, "owner"})->str(), "manager-7");
  auto records = ReadOutbox();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].topic, "oversight.task-events.v1");
  EXPECT_EQ(records[0].key, task_key_);
  EXPECT_EQ(records[0].value, "opened-by-manager-7");
  EXPECT_THAT(records[0].headers,
              ::testing::ElementsAre(
                  std::pair<std::string, std::string>{"ce_type", "oversight.task.opened"},
                  std::pair<std::string, std::string>{"ce_id", "evt-1"}));
  EXPECT_EQ(records[1].topic, "oversight.audit-events.v1");
  EXPECT_TRUE(records[1].headers.empty());

  const std::string marker = ProcessedKey("la-1", "triggers", "evt-1");
  EXPECT_EQ(c_->Command({"EXISTS", marker})->integer(), 1);
  const int64_t ttl_ms = c_->Command({"PTTL", marker})->integer();
  EXPECT_GT(ttl_ms, absl::ToInt64Milliseconds(absl::Hours(24 * 13)));
}

TEST_F(OutboxTest, RerunningTheSameEventChangesNothing) {
  ASSERT_TRUE(OpenTask("evt-1", "manager-7").ok());
  // Redelivery of the same event (even with different content) is skipped whole.
  auto again = OpenTask("evt-1", "someone-else", "reopen");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(c_->Command({"GET", counter_key_})->str(), "1");
  EXPECT_EQ(c_->Command({"HGET", task_key_, "owner"})->str(), "manager-7");
  EXPECT_EQ(ReadOutbox().size(), 2u);

  // A different event id is applied.
  auto reopen = OpenTask("evt-2", "manager-8", "reopen");
  ASSERT_TRUE(reopen.ok()) << reopen.status();
  EXPECT_FALSE(reopen->duplicate);
  EXPECT_EQ(c_->Command({"GET", counter_key_})->str(), "2");
  EXPECT_EQ(ReadOutbox().size(), 4u);
}

TEST_F(OutboxTest, RefusedChangeWritesNoRecordAndNoMarker) {
  ASSERT_TRUE(OpenTask("evt-1", "manager-7").ok());
  auto refused = OpenTask("evt-2", "manager-8");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists) << refused.status();
  EXPECT_EQ(ReadOutbox().size(), 2u);
  EXPECT_EQ(c_->Command({"EXISTS", ProcessedKey("la-1", "triggers", "evt-2")})->integer(), 0);
  EXPECT_EQ(c_->Command({"GET", counter_key_})->str(), "1");
}

TEST_F(OutboxTest, EmptyEventIdSkipsTheDuplicateCheck) {
  ASSERT_TRUE(OpenTask("", "a").ok());
  ASSERT_TRUE(OpenTask("", "b", "reopen").ok());
  EXPECT_EQ(c_->Command({"GET", counter_key_})->str(), "2");
}

TEST_F(OutboxTest, KeysOutsideTheAuthoritySlotAreRefused) {
  auto result = script_.Run(*c_, "la-1", "triggers", "evt-1", {"ovs:{la-2}:task:t-1", counter_key_},
                            {"x", ""});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c_->Command({"EXISTS", outbox_})->integer(), 0);
}

TEST_F(OutboxTest, OutboxSurvivesARestart) {
  ASSERT_TRUE(OpenTask("evt-1", "manager-7").ok());
  ASSERT_TRUE(server_->Stop().ok());
  ASSERT_TRUE(server_->Start().ok());
  auto records = ReadOutbox();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].value, "opened-by-manager-7");
  // The processed marker survived too: a redelivery after the restart is still a duplicate.
  auto again = OpenTask("evt-1", "manager-7");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
}

}  // namespace
}  // namespace oversight::redis
