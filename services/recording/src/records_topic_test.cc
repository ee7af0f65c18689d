// The records topic's keys: one per stored item, parsed back for rebuilds.
#include "records_topic.h"

#include <gtest/gtest.h>

namespace oversight::recording {
namespace {

TEST(RecordsTopicTest, KeysRoundTrip) {
  auto version = ParseRecordsTopicKey(RecordVersionTopicKey("havering", "rec/with/slashes", 12));
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(version->kind, RecordsTopicKey::Kind::kRecordVersion);
  EXPECT_EQ(version->authority, "havering");
  EXPECT_EQ(version->id, "rec/with/slashes");
  EXPECT_EQ(version->version, 12);

  auto action = ParseRecordsTopicKey(ActionTopicKey("devon", "a1"));
  ASSERT_TRUE(action.has_value());
  EXPECT_EQ(action->kind, RecordsTopicKey::Kind::kAction);
  EXPECT_EQ(action->id, "a1");

  v1::GrantAccessRequest grant;
  grant.set_authority_id("stoke-on-trent");
  grant.set_kind(v1::GRANT_KIND_REGULATOR);
  grant.set_subject_id("swe-1");
  EXPECT_EQ(GrantTopicKey(grant, "worker-1"),
            "stoke-on-trent/grant/GRANT_KIND_REGULATOR/swe-1/worker-1");
  auto parsed = ParseRecordsTopicKey(GrantTopicKey(grant, "worker-1"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, RecordsTopicKey::Kind::kGrant);
}

TEST(RecordsTopicTest, OtherKeysAreNotParsed) {
  for (const char* key :
       {"", "rec-1", "havering/", "/record/r/v1", "havering/record/r", "havering/record/r/v0",
        "havering/record/r/vx", "havering/other/x", "havering/action/"}) {
    EXPECT_FALSE(ParseRecordsTopicKey(key).has_value()) << key;
  }
}

}  // namespace
}  // namespace oversight::recording
