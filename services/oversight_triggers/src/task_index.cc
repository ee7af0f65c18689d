#include "task_index.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "oversight/redis/script.h"

namespace oversight::triggers {
namespace {

constexpr char kTokenPrefix = 'c';

// KEYS: the indexes. ARGV: the cursor's due time ("" for none), its task id, the count per
// index. Members of equal score are ordered byte by byte (memcmp), as `before_or_at` compares
// (Lua's own string comparison follows the server's locale).
const redis::Script& ReadAfterScript() {
  static const redis::Script script(R"lua(
local function before_or_at(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a <= #b
end
local count = tonumber(ARGV[3])
local out = {}
for i, key in ipairs(KEYS) do
  local start = 0
  if ARGV[1] ~= '' then
    local lo = redis.call('ZCOUNT', key, '-inf', '(' .. ARGV[1])
    local hi = lo + redis.call('ZCOUNT', key, ARGV[1], ARGV[1])
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if before_or_at(redis.call('ZRANGE', key, mid, mid)[1], ARGV[2]) then
        lo = mid + 1
      else
        hi = mid
      end
    end
    start = lo
  end
  out[i] = redis.call('ZRANGE', key, start, start + count - 1, 'WITHSCORES')
end
return out
)lua");
  return script;
}

bool ParseDue(const std::string& text, int64_t& due) {
  if (absl::SimpleAtoi(text, &due)) return true;
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) return false;
  due = static_cast<int64_t>(value);
  return true;
}

}  // namespace

std::string FormatPageToken(const IndexEntry& after) {
  return absl::StrCat(std::string(1, kTokenPrefix), after.due, ":", after.task_id);
}

std::optional<IndexEntry> ParsePageToken(const std::string& token) {
  if (token.empty() || token[0] != kTokenPrefix) return std::nullopt;
  const auto colon = token.find(':');
  IndexEntry entry;
  if (colon == std::string::npos || colon == 1 || colon + 1 == token.size() ||
      !absl::SimpleAtoi(token.substr(1, colon - 1), &entry.due)) {
    return std::nullopt;
  }
  entry.task_id = token.substr(colon + 1);
  return entry;
}

absl::StatusOr<std::vector<std::vector<IndexEntry>>> ReadAfter(
    redis::Connection& connection, const std::vector<std::string>& indexes,
    const std::optional<IndexEntry>& after, int per_index) {
  std::vector<std::vector<IndexEntry>> chunks(indexes.size());
  if (indexes.empty()) return chunks;
  auto reply =
      ReadAfterScript().Eval(connection, indexes,
                             {after.has_value() ? std::to_string(after->due) : "",
                              after.has_value() ? after->task_id : "", std::to_string(per_index)},
                             redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  if (!reply->is_array() || reply->elements().size() != indexes.size()) {
    return absl::InternalError(
        absl::StrCat("task index: unexpected script reply ", reply->DebugString()));
  }
  for (size_t i = 0; i < indexes.size(); ++i) {
    const auto& pairs = reply->elements()[i].elements();
    for (size_t k = 0; k + 1 < pairs.size(); k += 2) {
      IndexEntry entry{0, pairs[k].str()};
      if (!ParseDue(pairs[k + 1].str(), entry.due)) {
        return absl::InternalError(absl::StrCat("task index ", indexes[i], ": score \"",
                                                pairs[k + 1].str(), "\" is not a time"));
      }
      chunks[i].push_back(std::move(entry));
    }
  }
  return chunks;
}

std::vector<IndexEntry> MergeReadable(const std::vector<std::vector<IndexEntry>>& chunks,
                                      int per_index, bool& exhausted) {
  std::optional<IndexEntry> bound;
  for (const auto& chunk : chunks) {
    if (static_cast<int>(chunk.size()) < per_index || chunk.empty()) continue;
    if (!bound.has_value() || chunk.back() < *bound) bound = chunk.back();
  }
  exhausted = !bound.has_value();
  std::vector<IndexEntry> merged;
  for (const auto& chunk : chunks) {
    for (const auto& entry : chunk) {
      if (bound.has_value() && *bound < entry) break;
      merged.push_back(entry);
    }
  }
  std::sort(merged.begin(), merged.end());
  // The same task in two indexes (it cannot be: a task has one team) would be listed once.
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  return merged;
}

}  // namespace oversight::triggers
