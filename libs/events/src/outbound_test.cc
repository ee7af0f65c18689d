#include "oversight/events/outbound.h"

#include <gtest/gtest.h>

namespace oversight::events {
namespace {

TEST(DeriveIdTest, IsStableAndSeparatesParts) {
  EXPECT_EQ(DeriveId({"a", "b"}), DeriveId({"a", "b"}));
  EXPECT_NE(DeriveId({"ab", "c"}), DeriveId({"a", "bc"}));
  EXPECT_EQ(DeriveId({"x"}).size(), 32u);
}

TEST(DeriveIdTest, IsTheFirst16BytesOfTheSha256OfTheLengthPrefixedParts) {
  // Stored ids must not change between versions. Python:
  // hashlib.sha256(struct.pack('<Q',1)+b'a'+struct.pack('<Q',1)+b'b').digest()[:16].hex()
  EXPECT_EQ(DeriveId({"a", "b"}), "cf6ab613e3942391f88ed698557e1680");
}

TEST(DerivedMetaTest, FillsEveryCommonField) {
  const absl::Time occurred = absl::FromUnixSeconds(1'700'000'000);
  const absl::Time now = occurred + absl::Hours(1) + absl::Nanoseconds(5);
  common::v1::EventMeta meta =
      DerivedMeta("oversight-triggers", "devon", "child-1", "evt-9", "D14.4", occurred, now);
  EXPECT_EQ(meta.authority_id(), "devon");
  EXPECT_EQ(meta.subject(), "child-1");
  EXPECT_EQ(meta.source(), "oversight/oversight-triggers");
  EXPECT_EQ(meta.causation_id(), "evt-9");
  EXPECT_EQ(meta.event_id(), DeriveId({"oversight/oversight-triggers", "evt-9", "D14.4"}));
  EXPECT_EQ(FromTimestamp(meta.occurred_at()), occurred);
  EXPECT_EQ(FromTimestamp(meta.recorded_at()), now);
  EXPECT_EQ(meta.recorded_at().nanos(), 5);
}

}  // namespace
}  // namespace oversight::events
