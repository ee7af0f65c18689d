// The hash chain: deterministic, sensitive to any content change, chained across versions.
#include "content_hash.h"

#include <gtest/gtest.h>

#include "test_records.h"

namespace oversight::recording {
namespace {

std::vector<v1::Record> Chain() {
  v1::Record v1 = testing::PersonalSupervision();
  v1.set_version(1);
  Seal(v1, "");
  v1::Record v2 = v1;
  v2.set_version(2);
  v2.set_status(v1::RECORD_STATUS_CIRCULATED);
  Seal(v2, v1.content_hash());
  return {v1, v2};
}

TEST(ContentHashTest, SameContentSameHashAndHexSha256) {
  const auto a = testing::PersonalSupervision();
  EXPECT_EQ(ContentHash(a, ""), ContentHash(a, ""));
  EXPECT_EQ(ContentHash(a, "").size(), 64u);
  EXPECT_NE(ContentHash(a, ""), ContentHash(a, "prev"));
  auto b = a;
  b.set_notes(a.notes() + ".");
  EXPECT_NE(ContentHash(a, ""), ContentHash(b, ""));
}

TEST(ContentHashTest, HashIgnoresItsOwnFields) {
  auto a = testing::PersonalSupervision();
  const std::string before = ContentHash(a, "p");
  a.set_content_hash("junk");
  a.set_previous_hash("junk");
  EXPECT_EQ(ContentHash(a, "p"), before);
}

TEST(ContentHashTest, IntactChainVerifies) {
  const auto result = VerifyChain(Chain());
  EXPECT_TRUE(result.intact) << result.detail;
}

TEST(ContentHashTest, AlteredVersionIsDetected) {
  auto chain = Chain();
  chain[0].set_notes("rewritten");
  const auto result = VerifyChain(chain);
  EXPECT_FALSE(result.intact);
  EXPECT_NE(result.detail.find("version 1: content does not match"), std::string::npos)
      << result.detail;
}

TEST(ContentHashTest, ResealedAlteredVersionBreaksTheLink) {
  auto chain = Chain();
  chain[0].set_notes("rewritten");
  Seal(chain[0], "");  // a tamperer recomputes the first hash
  const auto result = VerifyChain(chain);
  EXPECT_FALSE(result.intact);
  EXPECT_NE(result.detail.find("version 2: previous_hash"), std::string::npos) << result.detail;
}

TEST(ContentHashTest, MissingVersionIsDetected) {
  auto chain = Chain();
  chain.erase(chain.begin());
  EXPECT_FALSE(VerifyChain(chain).intact);
  EXPECT_FALSE(VerifyChain({}).intact);
}

}  // namespace
}  // namespace oversight::recording
