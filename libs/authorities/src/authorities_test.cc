#include "oversight/authorities/authorities.h"

#include <gtest/gtest.h>

#include <fstream>

#include "oversight/authorities/call_authorization.h"
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

TEST(AuthorityRegistryTest, GoLiveDaysPerAuthorityOrForAll) {
  auto parsed = ParseLiveFrom({"2025-04-01", "havering=2025-06-02"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto registry = AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(),
                                          {"devon", "havering"}, *parsed);
  ASSERT_TRUE(registry.ok()) << registry.status();
  const Authority* devon = (*registry)->Find("devon");
  const Authority* havering = (*registry)->Find("havering");
  // Midnight at the start of 1 April 2025 in London is 23:00 UTC on 31 March (BST).
  EXPECT_EQ(devon->live_from, absl::FromUnixSeconds(1743462000));
  EXPECT_TRUE(devon->BeforeLive(absl::FromUnixSeconds(1743461999)));
  EXPECT_FALSE(devon->BeforeLive(devon->live_from));
  EXPECT_EQ(devon->NotBeforeLive(absl::CivilDay(2019, 5, 1)), absl::CivilDay(2025, 4, 1));
  EXPECT_EQ(devon->NotBeforeLive(absl::CivilDay(2025, 5, 1)), absl::CivilDay(2025, 5, 1));
  EXPECT_EQ(havering->NotBeforeLive(absl::CivilDay(2025, 5, 1)), absl::CivilDay(2025, 6, 2));
}

TEST(AuthorityRegistryTest, WithoutGoLiveNothingIsHistory) {
  auto registry =
      AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon"});
  ASSERT_TRUE(registry.ok()) << registry.status();
  const Authority* devon = (*registry)->Find("devon");
  EXPECT_FALSE(devon->BeforeLive(absl::FromUnixSeconds(0)));
  EXPECT_EQ(devon->NotBeforeLive(absl::CivilDay(2019, 5, 1)), absl::CivilDay(2019, 5, 1));
}

TEST(AuthorityRegistryTest, RefusesABadGoLiveDayOrAnAuthorityNotServed) {
  auto bad = ParseLiveFrom({"devon=2025-02-30"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("devon=2025-02-30"), std::string::npos);
  EXPECT_FALSE(ParseLiveFrom({"=2025-04-01"}).ok());
  auto registry = AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(),
                                          {"devon"}, {{"atlantis", absl::CivilDay(2025, 4, 1)}});
  ASSERT_FALSE(registry.ok());
  EXPECT_NE(registry.status().message().find("atlantis"), std::string::npos);
}

TEST(CheckCallerAuthorityTest, TheAuthorityMustBeServedAndTheTokens) {
  auto registry =
      AuthorityRegistry::Load(policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon"});
  ASSERT_TRUE(registry.ok()) << registry.status();
  runtime::Principal anyone{"manager-1", {}, "", ""};
  runtime::Principal devon{"manager-1", {}, "", "devon"};
  runtime::Principal havering{"manager-1", {}, "", "havering"};
  EXPECT_TRUE(CheckCallerAuthority(anyone, **registry, "devon").ok());
  EXPECT_TRUE(CheckCallerAuthority(devon, **registry, "devon").ok());
  const absl::Status other = CheckCallerAuthority(havering, **registry, "devon");
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.message(), "the token is for authority \"havering\", not \"devon\"");
  EXPECT_EQ(CheckCallerAuthority(anyone, **registry, "").message(), "authority_id is required");
  EXPECT_EQ(CheckCallerAuthority(anyone, **registry, "atlantis").message(),
            "authority \"atlantis\" is not served by this deployment");
  EXPECT_EQ(CheckCallerAuthority(anyone, **registry, std::string(1 << 20, 'a')).message(),
            "authority_id is too long");
}

}  // namespace
}  // namespace oversight::authorities
