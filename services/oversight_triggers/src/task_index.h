// Reading oversight-triggers' task indexes (sorted sets of task ids scored by due time) in
// pages, one index or several merged, from a cursor rather than a position.
//
// Order: by due time, then task id, which is Redis's own order inside one sorted set (members
// of equal score are ordered byte by byte). A cursor names the last task a page listed, so a
// task opened, completed or removed meanwhile never shifts the next page: each task of the
// index at the time of reading is listed once, in order, whatever changed before it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/redis/connection.h"

namespace oversight::triggers {

// One member of a task index.
struct IndexEntry {
  int64_t due = 0;  // the score: due_at in Unix seconds
  std::string task_id;

  friend bool operator<(const IndexEntry& a, const IndexEntry& b) {
    return a.due != b.due ? a.due < b.due : a.task_id < b.task_id;
  }
  friend bool operator==(const IndexEntry& a, const IndexEntry& b) = default;
};

// The page token of a cursor ("c<due>:<task id>") and back. ParsePageToken gives nullopt for
// anything FormatPageToken did not make.
std::string FormatPageToken(const IndexEntry& after);
std::optional<IndexEntry> ParsePageToken(const std::string& token);

// Up to `per_index` entries of each of `indexes` that come after `after` (from the start
// without it), in one round trip (a read-only script: the start of each index is found by
// rank, ties at the cursor's due time by binary search). The result has one vector per index.
absl::StatusOr<std::vector<std::vector<IndexEntry>>> ReadAfter(
    redis::Connection& connection, const std::vector<std::string>& indexes,
    const std::optional<IndexEntry>& after, int per_index);

// The entries of `chunks` (ReadAfter's answer for `per_index`) that can be listed next, in
// order: every entry up to the smallest last entry of a full chunk (a chunk of `per_index`
// entries may stop before entries of its index that precede other chunks' later ones), or
// every entry when no chunk is full. `exhausted` is set when the indexes hold nothing beyond
// the entries returned.
std::vector<IndexEntry> MergeReadable(const std::vector<std::vector<IndexEntry>>& chunks,
                                      int per_index, bool& exhausted);

}  // namespace oversight::triggers
