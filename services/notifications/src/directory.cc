#include "directory.h"

#include <set>

#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::notifications {
namespace {

namespace wf = ::oversight::workforce::v1;

void SetIfGiven(DirectoryUpdate& update, const char* field, const std::string& value) {
  if (!value.empty()) update.fields.emplace_back(field, value);
}

}  // namespace

std::optional<DirectoryUpdate> DirectoryUpdateFor(const google::protobuf::Message& event) {
  DirectoryUpdate update;
  if (const auto* joined = dynamic_cast<const wf::WorkerJoined*>(&event)) {
    update.person_id = joined->worker_id();
    SetIfGiven(update, kFieldName, joined->display_name());
    SetIfGiven(update, kFieldEmail, joined->email());
    SetIfGiven(update, kFieldWebhook, joined->webhook_url());
    SetIfGiven(update, kFieldManager, joined->supervisor_id());
    SetIfGiven(update, kFieldTeam, joined->team_id());
    // Someone who rejoins is reachable again.
    update.fields.emplace_back(kFieldLeft, "0");
  } else if (const auto* contact = dynamic_cast<const wf::ContactDetailsChanged*>(&event)) {
    update.person_id = contact->worker_id();
    SetIfGiven(update, kFieldName, contact->display_name());
    SetIfGiven(update, kFieldEmail, contact->email());
    SetIfGiven(update, kFieldWebhook, contact->webhook_url());
  } else if (const auto* moved = dynamic_cast<const wf::SupervisorChanged*>(&event)) {
    update.person_id = moved->worker_id();
    SetIfGiven(update, kFieldManager, moved->supervisor_id());
    SetIfGiven(update, kFieldTeam, moved->team_id());
  } else if (const auto* left = dynamic_cast<const wf::WorkerLeft*>(&event)) {
    update.person_id = left->worker_id();
    update.fields.emplace_back(kFieldLeft, "1");
  } else {
    return std::nullopt;
  }
  if (update.person_id.empty() || update.fields.empty()) return std::nullopt;
  return update;
}

Person PersonFromFields(std::string id, const std::map<std::string, std::string>& fields) {
  Person person;
  person.id = std::move(id);
  auto get = [&](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  };
  person.display_name = get(kFieldName);
  person.email = get(kFieldEmail);
  person.webhook_url = get(kFieldWebhook);
  person.line_manager_id = get(kFieldManager);
  person.team_id = get(kFieldTeam);
  person.left = get(kFieldLeft) == "1";
  return person;
}

const Person* Directory::Find(const std::string& id) const {
  auto it = people_.find(id);
  return it == people_.end() ? nullptr : &it->second;
}

std::string Directory::ManagerAbove(const std::string& person_id, int steps) const {
  std::string current = person_id;
  std::string highest;
  std::set<std::string> seen = {person_id};
  for (int i = 0; i < steps; ++i) {
    const Person* person = Find(current);
    if (person == nullptr || person->line_manager_id.empty()) break;
    if (!seen.insert(person->line_manager_id).second) break;  // a loop in HR data
    current = person->line_manager_id;
    highest = current;
  }
  return highest;
}

}  // namespace oversight::notifications
