#include "oversight/redis/change_set.h"

#include <algorithm>

namespace oversight::redis {
namespace {

// args: <n expectations> { key field expected }* <n commands> { <argc> <arg>... }*
//       <n emits> { topic key value <n headers> {name value}* }*
// (<n headers> = -1: a tombstone, value ignored, no headers)
// Every expectation is checked before the first write, so a failed one changes nothing.
constexpr std::string_view kApplyBody = R"lua(
local i = 1
local nexpect = tonumber(args[i]); i = i + 1
for e = 1, nexpect do
  local key, field, expected = args[i], args[i + 1], args[i + 2]; i = i + 3
  local current = redis.call('HGET', key, field)
  if (current or '') ~= expected then
    return redis.error_reply('ABORTED ' .. key .. ' changed since it was read (' .. field ..
                             ' is ' .. (current or 'absent') .. ', expected ' ..
                             (expected == '' and 'absent' or expected) .. ')')
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
  if nheaders < 0 then
    ovs.emit(topic, key, false, nil)
  else
    local headers = {}
    for j = 1, nheaders * 2 do headers[j] = args[i]; i = i + 1 end
    ovs.emit(topic, key, value, headers)
  end
end
return ncommands
)lua";

const OutboxScript& ApplyScript() {
  static const OutboxScript* script = new OutboxScript(kApplyBody);
  return *script;
}

}  // namespace

void ChangeSet::Declare(const std::string& key) {
  if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) keys_.push_back(key);
}

ChangeSet& ChangeSet::Write(std::string key, std::vector<std::string> command) {
  Declare(key);
  commands_.push_back(std::move(command));
  return *this;
}

ChangeSet& ChangeSet::ExpectField(std::string key, std::string field, std::string expected) {
  Declare(key);
  expectations_.push_back({std::move(key), std::move(field), std::move(expected)});
  return *this;
}

ChangeSet& ChangeSet::Emit(std::string topic, std::string key, std::string value,
                           std::vector<std::pair<std::string, std::string>> headers) {
  emits_.push_back({std::move(topic), std::move(key), std::move(value), std::move(headers)});
  return *this;
}

ChangeSet& ChangeSet::EmitTombstone(std::string topic, std::string key) {
  emits_.push_back({std::move(topic), std::move(key), "", {}, true});
  return *this;
}

absl::StatusOr<OutboxResult> ChangeSet::Apply(Connection& connection, std::string_view authority,
                                              std::string_view service,
                                              std::string_view event_id) const {
  std::vector<std::string> args;
  args.push_back(std::to_string(expectations_.size()));
  for (const auto& e : expectations_) {
    args.push_back(e.key);
    args.push_back(e.field);
    args.push_back(e.expected);
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
    if (emit.tombstone) {
      args.push_back("-1");
      continue;
    }
    args.push_back(std::to_string(emit.headers.size()));
    for (const auto& [name, value] : emit.headers) {
      args.push_back(name);
      args.push_back(value);
    }
  }
  return ApplyScript().Run(connection, authority, service, event_id, keys_, args);
}

}  // namespace oversight::redis
