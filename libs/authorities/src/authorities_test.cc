#include "oversight/authorities/authorities.h"

#include <gtest/gtest.h>

#include <fstream>

#include "oversight/testing/temp_dir.h"

namespace oversight::authorities {
namespace {

TEST(AuthorityRegistryTest, LoadsEveryShippedPackWithOneSharedCalendar) {
  auto registry =
      AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(), {});
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->Ids(), (std::vector<std::string>{"devon", "havering", "lancashire",
                                                          "multi-agency", "stoke-on-trent"}));
  const Authority* devon = (*registry)->Find("devon");
  const Authority* havering = (*registry)->Find("havering");
  ASSERT_NE(devon, nullptr);
  ASSERT_NE(havering, nullptr);
  EXPECT_EQ(devon->pack.authority, "devon");
  EXPECT_EQ(devon->calendar.get(), havering->calendar.get());
  EXPECT_EQ(&devon->engine->pack(), &devon->pack);
  EXPECT_EQ((*registry)->Find("atlantis"), nullptr);
}

TEST(AuthorityRegistryTest, LoadsOnlyTheNamedAuthorities) {
  auto registry =
      AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon"});
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->Ids(), std::vector<std::string>{"devon"});
}

TEST(AuthorityRegistryTest, NamesTheMissingPack) {
  auto registry = AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(),
                                          {"atlantis"});
  ASSERT_FALSE(registry.ok());
  EXPECT_NE(registry.status().message().find("atlantis"), std::string::npos) << registry.status();
}

TEST(AuthorityRegistryTest, RejectsABadCalendarFile) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/bank-holidays.json";
  std::ofstream(path) << "{not json";
  auto registry = AuthorityRegistry::Load(policy::DefaultPackDir(), path, {"devon"});
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kInvalidArgument) << registry.status();
}

}  // namespace
}  // namespace oversight::authorities
