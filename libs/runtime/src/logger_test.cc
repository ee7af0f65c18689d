#include "oversight/runtime/logger.h"

#include <sstream>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace oversight::runtime {
namespace {

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(LoggerTest, WritesOneJsonObjectPerLine) {
  std::ostringstream out;
  Logger logger("scheduling", LogLevel::kInfo, &out);
  logger.Info("case discussion scheduled", {{"child_id", "c-1"}, {"attempt", 2}});
  auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["service"], "scheduling");
  EXPECT_EQ(lines[0]["msg"], "case discussion scheduled");
  EXPECT_EQ(lines[0]["child_id"], "c-1");
  EXPECT_EQ(lines[0]["attempt"], 2);
  const std::string ts = lines[0]["ts"];
  EXPECT_EQ(ts.size(), std::string("2026-11-24T06:00:00.123Z").size()) << ts;
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(LoggerTest, DropsLinesBelowTheLevel) {
  std::ostringstream out;
  Logger logger("recording", LogLevel::kWarn, &out);
  logger.Debug("d");
  logger.Info("i");
  logger.Warn("w");
  logger.Error("e");
  auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["level"], "warn");
  EXPECT_EQ(lines[1]["level"], "error");
  EXPECT_FALSE(logger.Enabled(LogLevel::kInfo));
}

TEST(LoggerTest, ReservedFieldNamesAreKeptApart) {
  std::ostringstream out;
  Logger logger("svc", LogLevel::kDebug, &out);
  logger.Info("real", {{"msg", "shadow"}, {"level", 9}});
  auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["msg"], "real");
  EXPECT_EQ(lines[0]["field.msg"], "shadow");
  EXPECT_EQ(lines[0]["field.level"], 9);
}

TEST(LoggerTest, ConcurrentLinesDoNotInterleave) {
  std::ostringstream out;
  Logger logger("svc", LogLevel::kInfo, &out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        logger.Info("tick", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(Lines(out.str()).size(), 800u);  // every line parses as JSON
}

TEST(LoggerTest, ParsesLevels) {
  EXPECT_EQ(*ParseLogLevel("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("warning"), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("loud").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::runtime
