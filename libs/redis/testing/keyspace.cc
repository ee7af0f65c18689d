#include "oversight/redis/testing/keyspace.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace oversight::redis::testing {
namespace {

std::vector<Reply> Elements(Connection& c, const std::vector<std::string>& command) {
  auto reply = c.Command(command);
  return reply.ok() ? reply->elements() : std::vector<Reply>{};
}

}  // namespace

std::map<std::string, std::string> Keyspace(Connection& c, const std::string& pattern,
                                            const std::vector<std::string>& except) {
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
      auto type_reply = c.Command({"TYPE", name});
      const std::string type = type_reply.ok() ? type_reply->str() : "<error>";
      std::vector<std::string> parts;
      if (type == "string") {
        auto value = c.Command({"GET", name});
        parts.push_back(value.ok() ? value->str() : "<error>");
      } else if (type == "hash") {
        const auto fields = Elements(c, {"HGETALL", name});
        for (size_t i = 0; i + 1 < fields.size(); i += 2)
          parts.push_back(fields[i].str() + "=" + fields[i + 1].str());
      } else if (type == "zset") {
        const auto members = Elements(c, {"ZRANGE", name, "0", "-1", "WITHSCORES"});
        for (size_t i = 0; i + 1 < members.size(); i += 2)
          parts.push_back(members[i].str() + "@" + members[i + 1].str());
      } else if (type == "set") {
        for (const auto& member : Elements(c, {"SMEMBERS", name}))
          parts.push_back(member.str());
      } else if (type == "list") {
        const auto items = Elements(c, {"LRANGE", name, "0", "-1"});
        for (size_t i = 0; i < items.size(); ++i)
          parts.push_back(absl::StrCat(i, "=", items[i].str()));
      } else if (type == "stream") {
        for (const auto& entry : Elements(c, {"XRANGE", name, "-", "+"})) {
          if (entry.elements().size() != 2) continue;
          std::vector<std::string> fields;
          for (const auto& field : entry.elements()[1].elements())
            fields.push_back(field.str());
          parts.push_back(entry.elements()[0].str() + "=" + absl::StrJoin(fields, ","));
        }
      } else {
        parts.push_back("<unexpected type>");
      }
      std::sort(parts.begin(), parts.end());
      out[name] = absl::StrCat(type, ":", absl::StrJoin(parts, "|"));
    }
  } while (cursor != "0");
  return out;
}

std::vector<std::string> Differences(const std::map<std::string, std::string>& a,
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

}  // namespace oversight::redis::testing
