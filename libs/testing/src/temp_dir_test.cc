#include "oversight/testing/temp_dir.h"

#include <filesystem>
#include <fstream>
#include <utility>

#include "gtest/gtest.h"

namespace oversight::testing {
namespace {

TEST(TempDirTest, CreatesDirectoryAndRemovesItWithContents) {
  std::string path;
  {
    TempDir dir("temp-dir-test-");
    path = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(path));
    EXPECT_NE(path.find("temp-dir-test-"), std::string::npos);
    std::filesystem::create_directories(dir.File("a/b"));
    std::ofstream(dir.File("a/b/file.txt")) << "hello";
    EXPECT_EQ(dir.File("x"), path + "/x");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempDirTest, TwoDirectoriesAreDistinct) {
  TempDir a;
  TempDir b;
  EXPECT_NE(a.path(), b.path());
}

TEST(TempDirTest, MoveTransfersOwnership) {
  std::string path;
  {
    TempDir a;
    path = a.path();
    TempDir b(std::move(a));
    EXPECT_TRUE(a.path().empty());
    EXPECT_EQ(b.path(), path);
    EXPECT_TRUE(std::filesystem::is_directory(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace oversight::testing
