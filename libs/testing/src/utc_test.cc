#include "oversight/testing/utc.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"

namespace oversight::testing {
namespace {

TEST(UtcTest, NamesTheInstantOfAnRfc3339Timestamp) {
  EXPECT_EQ(Utc("2026-03-12T09:00:00Z"),
            absl::FromCivil(absl::CivilSecond(2026, 3, 12, 9, 0, 0), absl::UTCTimeZone()));
  // An offset is honoured: 10:30 in BST (+01:00) is 09:30 UTC.
  EXPECT_EQ(Utc("2026-06-01T10:30:00+01:00"),
            absl::FromCivil(absl::CivilSecond(2026, 6, 1, 9, 30, 0), absl::UTCTimeZone()));
}

TEST(UtcTest, AStringThatDoesNotParseFailsTheTestAndNamesTheString) {
  absl::Time parsed;
  EXPECT_NONFATAL_FAILURE(parsed = Utc("12 March 2026"), "not an RFC 3339 time: '12 March 2026'");
  EXPECT_EQ(parsed, absl::InfinitePast());
}

}  // namespace
}  // namespace oversight::testing
