#pragma once

// Helpers shared by this library's tests (not part of the library).

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "oversight/statutory_returns/import_options.h"
#include "oversight/statutory_returns/issue.h"

namespace oversight::statutory_returns::testing {

inline std::string TestDataPath(const std::string& name) {
  return std::string(OVERSIGHT_STATUTORY_RETURNS_TESTDATA) + "/" + name;
}

// The shared data folder: $OVERSIGHT_SHARED_DIR, else <source>/../shared.
inline std::string SharedDir() {
  if (const char* dir = std::getenv("OVERSIGHT_SHARED_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return OVERSIGHT_DEFAULT_SHARED_DIR;
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// (line, code) of every "BAD <code>" marker comment in a fixture.
inline std::set<std::pair<int, std::string>> MarkedIssues(const std::string& path) {
  std::set<std::pair<int, std::string>> marked;
  std::vector<std::string> lines = ReadLines(path);
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t at = lines[i].find("BAD ");
    if (at == std::string::npos) continue;
    const size_t begin = at + 4;
    const size_t end = lines[i].find_first_not_of("abcdefghijklmnopqrstuvwxyz_", begin);
    if (end == begin) continue;  // "BAD <code>" in the explanation of the markers
    marked.emplace(static_cast<int>(i + 1), lines[i].substr(begin, end - begin));
  }
  return marked;
}

// For a line holding one element "<Name>value</Name>": {Name, value}; otherwise nullopt.
inline std::optional<std::pair<std::string, std::string>> ElementOnLine(const std::string& line) {
  const size_t open = line.find('<');
  if (open == std::string::npos || open + 1 >= line.size() || line[open + 1] == '/') {
    return std::nullopt;
  }
  const size_t close = line.find('>', open);
  if (close == std::string::npos) return std::nullopt;
  const std::string name = line.substr(open + 1, close - open - 1);
  const size_t end = line.find("</" + name + ">", close);
  if (end == std::string::npos) return std::nullopt;
  return std::make_pair(name, line.substr(close + 1, end - close - 1));
}

inline std::set<std::pair<int, std::string>> ReportedIssues(const std::vector<Issue>& issues) {
  std::set<std::pair<int, std::string>> reported;
  for (const Issue& issue : issues)
    reported.emplace(issue.line, issue.code);
  return reported;
}

inline ImportOptions TestOptions(std::string authority = "devon") {
  ImportOptions options;
  options.authority_id = std::move(authority);
  options.recorded_at = absl::FromUnixSeconds(1795000000);  // 2026-11-18
  absl::LoadTimeZone("Europe/London", &options.zone);
  return options;
}

}  // namespace oversight::statutory_returns::testing
