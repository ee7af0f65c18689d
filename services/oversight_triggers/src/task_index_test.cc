// The pure parts of task_index.h: page tokens and the merge of chunks read from several
// indexes. ReadAfter runs against a real redis-server in tests/grpc_test.cc (ListTasks).
#include "task_index.h"

#include <gtest/gtest.h>

namespace oversight::triggers {
namespace {

TEST(PageTokenTest, RoundTripsAndRefusesWhatItDidNotMake) {
  const IndexEntry entry{1778543999, "9f86d081884c7d65"};
  EXPECT_EQ(FormatPageToken(entry), "c1778543999:9f86d081884c7d65");
  EXPECT_EQ(ParsePageToken(FormatPageToken(entry)), entry);
  for (const char* bad : {"", "c", "c12", "c12:", "p12", "cx:abc", "c:abc", "12:abc"}) {
    EXPECT_FALSE(ParsePageToken(bad).has_value()) << bad;
  }
}

TEST(MergeReadableTest, OneIndexShorterThanAChunkIsReadToItsEnd) {
  bool exhausted = false;
  const auto merged = MergeReadable({{{10, "a"}, {10, "b"}, {20, "a"}}}, 4, exhausted);
  EXPECT_TRUE(exhausted);
  EXPECT_EQ(merged, (std::vector<IndexEntry>{{10, "a"}, {10, "b"}, {20, "a"}}));
}

TEST(MergeReadableTest, StopsAtTheSmallestLastEntryOfAFullChunk) {
  // Index 0's chunk is full and ends at (20, "b"): its next entries may come before index 1's
  // (30, "a"), so nothing after (20, "b") is readable yet. Ties order by task id.
  bool exhausted = true;
  const auto merged =
      MergeReadable({{{10, "x"}, {20, "b"}}, {{20, "a"}, {20, "c"}, {30, "a"}}, {}}, 2, exhausted);
  EXPECT_FALSE(exhausted);
  EXPECT_EQ(merged, (std::vector<IndexEntry>{{10, "x"}, {20, "a"}, {20, "b"}}));
}

TEST(MergeReadableTest, TwoFullChunksBoundByTheEarlierEnd) {
  bool exhausted = true;
  const auto merged = MergeReadable({{{5, "a"}, {40, "a"}}, {{6, "a"}, {7, "a"}}}, 2, exhausted);
  EXPECT_FALSE(exhausted);
  EXPECT_EQ(merged, (std::vector<IndexEntry>{{5, "a"}, {6, "a"}, {7, "a"}}));
}

TEST(MergeReadableTest, NothingLeftIsExhausted) {
  bool exhausted = false;
  EXPECT_TRUE(MergeReadable({{}, {}}, 16, exhausted).empty());
  EXPECT_TRUE(exhausted);
}

}  // namespace
}  // namespace oversight::triggers
