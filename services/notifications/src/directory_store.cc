#include "directory_store.h"

#include <map>

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
  Directory directory;
  std::vector<std::string> level = needs.ids;
  for (int depth = 0; depth <= needs.manager_levels && !level.empty(); ++depth) {
    std::vector<std::string> managers;
    for (const auto& id : level) {
      if (id.empty() || directory.Find(id) != nullptr) continue;
      auto person = Find(authority, id);
      if (!person.ok()) return person.status();
      if (!person->has_value()) continue;
      if (!(*person)->line_manager_id.empty()) managers.push_back((*person)->line_manager_id);
      directory.Add(**std::move(person));
    }
    level = std::move(managers);
  }
  return directory;
}

}  // namespace oversight::notifications
