#include "directory_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "store_keys.h"

namespace oversight::notifications {

redis::ChangeSet DirectoryStore::ToChange(const std::string& authority,
                                          const DirectoryUpdate& update) {
  redis::ChangeSet change;
  const std::string key = DirectoryKey(authority, update.person_id);
  std::vector<std::string> command = {"HSET", key};
  for (const auto& [field, value] : update.fields) {
    command.push_back(field);
    command.push_back(value);
  }
  change.Write(key, std::move(command));
  return change;
}

absl::StatusOr<std::optional<Person>> DirectoryStore::Find(const std::string& authority,
                                                           const std::string& id) {
  auto reply = connection_.Command({"HGETALL", DirectoryKey(authority, id)},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  const auto& e = reply->elements();
  if (e.empty()) return std::optional<Person>();
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < e.size(); i += 2)
    fields[e[i].str()] = e[i + 1].str();
  return std::optional<Person>(PersonFromFields(id, fields));
}

absl::StatusOr<Directory> DirectoryStore::Load(const std::string& authority,
                                               const DirectoryNeeds& needs) {
  return LoadAll(authority, {needs});
}

absl::StatusOr<Directory> DirectoryStore::LoadAll(const std::string& authority,
                                                  const std::vector<DirectoryNeeds>& needs) {
  Directory directory;
  std::set<std::string> asked;  // read already (known or not)
  // level[d]: the people whose entry is read at depth d (d managers above the ids named).
  int levels = 0;
  std::vector<std::string> level;
  for (const auto& need : needs) {
    levels = std::max(levels, need.manager_levels);
    level.insert(level.end(), need.ids.begin(), need.ids.end());
  }
  // Every person named is read with the managers of the deepest need: a superset of what each
  // need asks for, which routing reads the same way (it walks at most its own levels).
  for (int depth = 0; depth <= levels && !level.empty(); ++depth) {
    std::vector<std::string> ids;
    redis::Pipeline reads;
    for (auto& id : level) {
      if (id.empty() || !asked.insert(id).second) continue;
      reads.Add({"HGETALL", DirectoryKey(authority, id)});
      ids.push_back(std::move(id));
    }
    if (ids.empty()) break;
    auto replies = connection_.Execute(reads, redis::Idempotency::kIdempotent);
    if (!replies.ok()) return replies.status();
    std::vector<std::string> managers;
    for (size_t i = 0; i < ids.size(); ++i) {
      const auto& e = (*replies)[i].elements();
      if (e.empty()) continue;
      std::map<std::string, std::string> fields;
      for (size_t f = 0; f + 1 < e.size(); f += 2)
        fields[e[f].str()] = e[f + 1].str();
      Person person = PersonFromFields(ids[i], fields);
      if (!person.line_manager_id.empty()) managers.push_back(person.line_manager_id);
      directory.Add(std::move(person));
    }
    level = std::move(managers);
  }
  return directory;
}

}  // namespace oversight::notifications
