// Test helper: a comparable dump of a Redis keyspace (every key matching a pattern, with its
// type and content), so a test can assert that a rebuilt store equals the original key for key.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "oversight/redis/connection.h"

namespace oversight::recording::testing {

// key -> "<type>:<content>": strings as they are, hashes and sorted sets as sorted
// "field=value" / "member@score" lists. Keys whose name contains one of `except` are left out.
inline std::map<std::string, std::string> Keyspace(redis::Connection& c, const std::string& pattern,
                                                   const std::vector<std::string>& except = {}) {
  std::map<std::string, std::string> out;
  std::string cursor = "0";
  do {
    auto reply = c.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!reply.ok() || reply->elements().size() != 2) return {{"<error>", "SCAN failed"}};
    cursor = reply->elements()[0].str();
    for (const auto& key : reply->elements()[1].elements()) {
      const std::string name = key.str();
      bool skip = false;
      for (const auto& e : except)
        skip = skip || name.find(e) != std::string::npos;
      if (skip) continue;
      const std::string type = c.Command({"TYPE", name})->str();
      std::vector<std::string> parts;
      if (type == "string") {
        parts.push_back(c.Command({"GET", name})->str());
      } else if (type == "hash") {
        const auto fields = c.Command({"HGETALL", name})->elements();
        for (size_t i = 0; i + 1 < fields.size(); i += 2)
          parts.push_back(fields[i].str() + "=" + fields[i + 1].str());
      } else if (type == "zset") {
        const auto members = c.Command({"ZRANGE", name, "0", "-1", "WITHSCORES"})->elements();
        for (size_t i = 0; i + 1 < members.size(); i += 2)
          parts.push_back(members[i].str() + "@" + members[i + 1].str());
      } else {
        parts.push_back("<unexpected type>");
      }
      std::sort(parts.begin(), parts.end());
      out[name] = absl::StrCat(type, ":", absl::StrJoin(parts, "|"));
    }
  } while (cursor != "0");
  return out;
}

// The keys whose content differs between `a` and `b` (or that only one of them has).
inline std::vector<std::string> Differences(const std::map<std::string, std::string>& a,
                                            const std::map<std::string, std::string>& b) {
  std::vector<std::string> out;
  for (const auto& [key, value] : a) {
    auto it = b.find(key);
    if (it == b.end()) {
      out.push_back("only before: " + key);
    } else if (it->second != value) {
      out.push_back("differs: " + key);
    }
  }
  for (const auto& [key, value] : b)
    if (!a.count(key)) out.push_back("only after: " + key);
  return out;
}

}  // namespace oversight::recording::testing
