// The directory notifications keeps from workforce events: who a person is (display name),
// where to reach them (email, webhook) and who their line manager is. Pure: the events are
// turned into field updates here; directory_store.h keeps them in Redis.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/message.h"

namespace oversight::notifications {

// One person as the directory knows them. Empty fields are unknown.
struct Person {
  std::string id;
  std::string display_name;
  std::string email;
  std::string webhook_url;
  std::string
      line_manager_id;  // the supervisor (line manager) from WorkerJoined / SupervisorChanged
  std::string team_id;
  bool left = false;  // WorkerLeft: nothing more is sent to them
};

// The field names a Person is stored under (a Redis hash per person, directory_store.h).
inline constexpr char kFieldName[] = "name";
inline constexpr char kFieldEmail[] = "email";
inline constexpr char kFieldWebhook[] = "webhook";
inline constexpr char kFieldManager[] = "manager";
inline constexpr char kFieldTeam[] = "team";
inline constexpr char kFieldLeft[] = "left";

// What a workforce event changes in the directory: the person it is about and the fields it
// sets. Fields an event leaves empty are not set, so a ContactDetailsChanged with only an email
// keeps the display name. nullopt for events that do not touch the directory (absences, status
// changes) and for events of other packages. Pure; thread-safe.
struct DirectoryUpdate {
  std::string person_id;
  std::vector<std::pair<std::string, std::string>> fields;
};
std::optional<DirectoryUpdate> DirectoryUpdateFor(const google::protobuf::Message& event);

// A Person from its stored fields (unknown fields ignored).
Person PersonFromFields(std::string id, const std::map<std::string, std::string>& fields);

// The people one decision needs, by id. Value type.
class Directory {
 public:
  void Add(Person person) { people_[person.id] = std::move(person); }
  // The person, or nullptr if the directory does not know them.
  const Person* Find(const std::string& id) const;

  // The line manager `steps` levels above `person_id` (1: their line manager, 2: the line
  // manager's line manager ...). Stops at the highest manager known when the chain ends early
  // or loops, so an escalation always reaches someone above; "" when not even the first step is
  // known.
  std::string ManagerAbove(const std::string& person_id, int steps) const;

  size_t size() const { return people_.size(); }

 private:
  std::map<std::string, Person> people_;
};

}  // namespace oversight::notifications
