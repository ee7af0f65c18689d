#include "gtest/gtest.h"
#include "oversight/redis/outbox.h"

namespace oversight::redis {
namespace {

TEST(OutboxKeysTest, KeysShareTheAuthorityHashTag) {
  EXPECT_EQ(OutboxKey("la-123", "scheduling"), "ovs:{la-123}:outbox:scheduling");
  EXPECT_EQ(ProcessedKey("la-123", "scheduling", "evt-9"),
            "ovs:{la-123}:processed:scheduling:evt-9");
  EXPECT_EQ(AuthorityTag("la-123"), "{la-123}");
  EXPECT_EQ(OutboxKeyPattern("recording"), "ovs:{*}:outbox:recording");
}

TEST(ParseOutboxEntryTest, ReadsFieldsAndHeadersInOrder) {
  Reply entry =
      Reply::Array({Reply::String("1700000000000-0"),
                    Reply::Array({Reply::String("topic"), Reply::String("t"), Reply::String("key"),
                                  Reply::String("k"), Reply::String("value"),
                                  Reply::String(std::string("\0v", 2)), Reply::String("h:ce_type"),
                                  Reply::String("task.opened"), Reply::String("h:ce_id"),
                                  Reply::String("id-1")})});
  auto record = ParseOutboxEntry("ovs:{a}:outbox:s", entry);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->outbox_key, "ovs:{a}:outbox:s");
  EXPECT_EQ(record->entry_id, "1700000000000-0");
  EXPECT_EQ(record->topic, "t");
  EXPECT_EQ(record->key, "k");
  EXPECT_EQ(record->value, std::string("\0v", 2));
  ASSERT_EQ(record->headers.size(), 2u);
  EXPECT_EQ(record->headers[0], (std::pair<std::string, std::string>{"ce_type", "task.opened"}));
  EXPECT_EQ(record->headers[1].first, "ce_id");
}

TEST(ParseOutboxEntryTest, ReadsATombstone) {
  Reply entry = Reply::Array(
      {Reply::String("1-0"),
       Reply::Array({Reply::String("topic"), Reply::String("t"), Reply::String("key"),
                     Reply::String("k"), Reply::String("tombstone"), Reply::String("1")})});
  auto record = ParseOutboxEntry("ovs:{a}:outbox:s", entry);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_TRUE(record->tombstone);
  EXPECT_EQ(record->value, "");
}

TEST(ParseOutboxEntryTest, RejectsMalformedEntries) {
  EXPECT_EQ(ParseOutboxEntry("k", Reply::String("x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  Reply no_topic = Reply::Array(
      {Reply::String("1-0"), Reply::Array({Reply::String("key"), Reply::String("k")})});
  EXPECT_EQ(ParseOutboxEntry("k", no_topic).status().code(), absl::StatusCode::kInvalidArgument);
  Reply odd = Reply::Array({Reply::String("1-0"), Reply::Array({Reply::String("topic")})});
  EXPECT_EQ(ParseOutboxEntry("k", odd).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::redis
