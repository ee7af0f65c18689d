// The directory in notifications' own Redis keys (ovs:{A}:ntf:dir:<person>, store_keys.h),
// written from workforce events and read when routing. Not thread-safe: one per thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "directory.h"
#include "oversight/redis/change_set.h"
#include "oversight/redis/connection.h"
#include "routing.h"

namespace oversight::notifications {

class DirectoryStore {
 public:
  explicit DirectoryStore(redis::Connection& connection) : connection_(connection) {}

  // The change that applies `update` (HSET of the fields it sets).
  static redis::ChangeSet ToChange(const std::string& authority, const DirectoryUpdate& update);

  // The people `needs` names and their managers up to needs.manager_levels above them; people
  // the directory does not know are left out. Transport errors as Connection::Command.
  absl::StatusOr<Directory> Load(const std::string& authority, const DirectoryNeeds& needs);

  // The same for many needs of one authority at once (a batch of events): one Directory holding
  // everyone any of them names, read with one pipelined round trip per manager level.
  absl::StatusOr<Directory> LoadAll(const std::string& authority,
                                    const std::vector<DirectoryNeeds>& needs);

  // One person, or nullopt if unknown.
  absl::StatusOr<std::optional<Person>> Find(const std::string& authority, const std::string& id);

 private:
  redis::Connection& connection_;
};

}  // namespace oversight::notifications
