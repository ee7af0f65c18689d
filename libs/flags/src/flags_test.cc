#include "oversight/flags/flags.h"

#include <gtest/gtest.h>

namespace oversight::flags {
namespace {

const FlagSpec kSpec = {{"target", "authority"}, {"role"}, {"json"}};

TEST(FlagsTest, ReadsValuesRepeatsAndSwitchesInBothSpellings) {
  auto flags = Flags::Parse(
      {"--target", "127.0.0.1:1", "--role=a", "--json", "--role", "b", "--authority=devon"}, kSpec);
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->Get("target"), "127.0.0.1:1");
  EXPECT_EQ(flags->Get("authority"), "devon");
  EXPECT_EQ(flags->GetAll("role"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(flags->Has("json"));
  EXPECT_FALSE(flags->Get("missing").has_value());
  EXPECT_TRUE(flags->GetAll("missing").empty());
}

TEST(FlagsTest, RequireNamesTheMissingFlag) {
  auto flags = Flags::Parse({"--target", ""}, kSpec);
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->Require("target").status().message(), "--target is required");
  EXPECT_EQ(flags->Require("authority").status().message(), "--authority is required");
}

TEST(FlagsTest, RefusesWhatTheSubcommandDoesNotAccept) {
  EXPECT_EQ(Flags::Parse({"--owner", "x"}, kSpec).status().message(), "unknown flag --owner");
  EXPECT_EQ(Flags::Parse({"--target"}, kSpec).status().message(), "--target needs a value");
  EXPECT_EQ(Flags::Parse({"--target", "a", "--target", "b"}, kSpec).status().message(),
            "--target given twice");
  EXPECT_EQ(Flags::Parse({"--json=yes"}, kSpec).status().message(), "--json takes no value");
  EXPECT_EQ(Flags::Parse({"devon"}, kSpec).status().message(), "unexpected argument \"devon\"");
  EXPECT_EQ(Flags::Parse({"-t"}, kSpec).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::flags
