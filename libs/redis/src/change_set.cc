#include "oversight/redis/change_set.h"

#include <algorithm>

namespace oversight::redis {
namespace {

// args: <n guards> { key field expected }* <n commands> { <argc> <arg>... }*
//       <n emits> { topic key value <n headers> {name value}* }*
constexpr std::string_view kApplyBody = R"lua(
local i = 1
local nguards = tonumber(args[i]); i = i + 1
for g = 1, nguards do
  local key, field, expected = args[i], args[i + 1], args[i + 2]; i = i + 3
  local actual = redis.call('HGET', key, field)
  if not actual then actual = '' end
  if actual ~= expected then
    return redis.error_reply('ABORTED ' .. key .. ' ' .. field .. ' is "' .. actual ..
                             '", expected "' .. expected .. '": changed since it was read')
  end
end
local ncommands = tonumber(args[i]); i = i + 1
for c = 1, ncommands do
  local argc = tonumber(args[i]); i = i + 1
  local command = {}
  for j = 1, argc do command[j] = args[i]; i = i + 1 end
  redis.call(unpack(command))
end
local nemits = tonumber(args[i]); i = i + 1
for e = 1, nemits do
  local topic, key, value = args[i], args[i + 1], args[i + 2]
  local nheaders = tonumber(args[i + 3]); i = i + 4
  local headers = {}
  for j = 1, nheaders * 2 do headers[j] = args[i]; i = i + 1 end
  ovs.emit(topic, key, value, headers)
end
return ncommands
)lua";

const OutboxScript& ApplyScript() {
  static const OutboxScript* script = new OutboxScript(kApplyBody);
  return *script;
}

}  // namespace

ChangeSet& ChangeSet::Write(std::string key, std::vector<std::string> command) {
  if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) keys_.push_back(std::move(key));
  commands_.push_back(std::move(command));
  return *this;
}

ChangeSet& ChangeSet::ExpectField(std::string key, std::string field, std::string expected) {
  if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) keys_.push_back(key);
  guards_.push_back({std::move(key), std::move(field), std::move(expected)});
  return *this;
}

ChangeSet& ChangeSet::Emit(std::string topic, std::string key, std::string value,
                           std::vector<std::pair<std::string, std::string>> headers) {
  emits_.push_back({std::move(topic), std::move(key), std::move(value), std::move(headers)});
  return *this;
}

std::vector<std::string> ChangeSet::ScriptArgs() const {
  std::vector<std::string> args;
  args.push_back(std::to_string(guards_.size()));
  for (const auto& guard : guards_) {
    args.push_back(guard.key);
    args.push_back(guard.field);
    args.push_back(guard.expected);
  }
  args.push_back(std::to_string(commands_.size()));
  for (const auto& command : commands_) {
    args.push_back(std::to_string(command.size()));
    args.insert(args.end(), command.begin(), command.end());
  }
  args.push_back(std::to_string(emits_.size()));
  for (const auto& emit : emits_) {
    args.push_back(emit.topic);
    args.push_back(emit.key);
    args.push_back(emit.value);
    args.push_back(std::to_string(emit.headers.size()));
    for (const auto& [name, value] : emit.headers) {
      args.push_back(name);
      args.push_back(value);
    }
  }
  return args;
}

absl::StatusOr<OutboxResult> ChangeSet::Apply(Connection& connection, std::string_view authority,
                                              std::string_view service,
                                              std::string_view event_id) const {
  return ApplyScript().Run(connection, authority, service, event_id, keys_, ScriptArgs());
}

std::vector<absl::StatusOr<OutboxResult>> ChangeSet::ApplyAll(
    Connection& connection, const std::vector<Application>& changes) {
  std::vector<OutboxCall> calls;
  calls.reserve(changes.size());
  for (const Application& application : changes) {
    calls.push_back({application.authority, application.service, application.event_id,
                     application.change->keys_, application.change->ScriptArgs()});
  }
  return ApplyScript().RunAll(connection, calls);
}

}  // namespace oversight::redis
