#include "oversight/kafka/headers.h"

#include <gtest/gtest.h>

namespace oversight::kafka {
namespace {

TEST(HeadersTest, GetReturnsLastValueAndKeepsOrder) {
  Headers headers;
  headers.Add("a", "1");
  headers.Add("b", "2");
  headers.Add("a", "3");
  EXPECT_EQ(headers.Get("a"), "3");
  EXPECT_EQ(headers.Get("b"), "2");
  EXPECT_FALSE(headers.Get("c").has_value());
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers.entries()[0], (Headers::Header{"a", "1"}));
  EXPECT_EQ(headers.entries()[2], (Headers::Header{"a", "3"}));
}

TEST(HeadersTest, SetReplacesEveryEarlierValue) {
  Headers headers{{"a", "1"}, {"b", "2"}, {"a", "3"}};
  headers.Set("a", "4");
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers.entries()[0], (Headers::Header{"b", "2"}));
  EXPECT_EQ(headers.entries()[1], (Headers::Header{"a", "4"}));
}

TEST(HeadersTest, RemoveCountsRemovedEntriesAndEmptyValuesArePresent) {
  Headers headers{{"a", ""}, {"a", "x"}, {"b", "y"}};
  EXPECT_EQ(headers.Remove("a"), 2);
  EXPECT_EQ(headers.Remove("a"), 0);
  headers.Add("empty", "");
  EXPECT_TRUE(headers.Contains("empty"));
  EXPECT_EQ(headers.Get("empty"), "");
}

}  // namespace
}  // namespace oversight::kafka
