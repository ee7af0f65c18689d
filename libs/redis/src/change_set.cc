#include "oversight/redis/change_set.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace oversight::redis {
namespace {

// args: <n guards> { key field expected }* <n commands> { <argc> <arg>... }*
//       <n emits> { topic key value <n headers> {name value}* }*
// (<n headers> = -1: a tombstone, value ignored, no headers)
// Every guard is checked before the first write, so a failed one changes nothing.
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

// Many changes of one authority in one script run (ApplyAll). The same semantics per change as
// the outbox library around kApplyBody (libs/redis/src/outbox.cc): duplicate check, guards
// before any write, commands, records appended to the outbox, marker. A command error stops its
// change (redis.pcall) and the script goes on with the next change.
// KEYS: [1] the outbox stream, then every key the changes touch and their markers (declared for
// Redis Cluster; the commands name their keys themselves).
// ARGV: [1] marker TTL in ms, [2] number of changes, then per change:
//   event_id, marker key, <n guards> {key field expected}*, <n commands> {<argc> <arg>...}*,
//   <n emits> {topic key value <n headers> {name value}*}* (<n headers> = -1: a tombstone)
// Returns per change {status, detail}: applied | duplicate | aborted | error.
constexpr std::string_view kApplyAllLua = R"lua(
local outbox, ttl = KEYS[1], ARGV[1]
local n = tonumber(ARGV[2])
local i = 3
local results = {}
for c = 1, n do
  local event_id, marker = ARGV[i], ARGV[i + 1]
  i = i + 2
  local status, detail = 'applied', ''
  if event_id ~= '' and redis.call('EXISTS', marker) == 1 then status = 'duplicate' end
  local nguards = tonumber(ARGV[i]); i = i + 1
  for g = 1, nguards do
    if status == 'applied' then
      local actual = redis.call('HGET', ARGV[i], ARGV[i + 1]) or ''
      if actual ~= ARGV[i + 2] then
        status = 'aborted'
        detail = ARGV[i] .. ' ' .. ARGV[i + 1] .. ' is "' .. actual .. '", expected "' ..
                 ARGV[i + 2] .. '": changed since it was read'
      end
    end
    i = i + 3
  end
  local ncommands = tonumber(ARGV[i]); i = i + 1
  for k = 1, ncommands do
    local argc = tonumber(ARGV[i]); i = i + 1
    if status == 'applied' then
      local reply = redis.pcall(unpack(ARGV, i, i + argc - 1))
      if type(reply) == 'table' and reply.err then status, detail = 'error', reply.err end
    end
    i = i + argc
  end
  local nemits = tonumber(ARGV[i]); i = i + 1
  for e = 1, nemits do
    local nheaders = tonumber(ARGV[i + 3])
    if nheaders < 0 then
      if status == 'applied' then
        redis.call('XADD', outbox, '*', 'topic', ARGV[i], 'key', ARGV[i + 1], 'tombstone', '1')
      end
      nheaders = 0
    elseif status == 'applied' then
      local fields = {'topic', ARGV[i], 'key', ARGV[i + 1], 'value', ARGV[i + 2]}
      for h = 0, nheaders - 1 do
        fields[#fields + 1] = 'h:' .. ARGV[i + 4 + 2 * h]
        fields[#fields + 1] = ARGV[i + 5 + 2 * h]
      end
      redis.call('XADD', outbox, '*', unpack(fields))
    end
    i = i + 4 + 2 * nheaders
  end
  if status == 'applied' and event_id ~= '' then redis.call('SET', marker, '1', 'PX', ttl) end
  results[c] = {status, detail}
end
return results
)lua";

const Script& ApplyAllScript() {
  static const Script* script = new Script(std::string(kApplyAllLua));
  return *script;
}

// The processed markers' TTL (as OutboxScript::Run's default).
constexpr absl::Duration kProcessedTtl = absl::Hours(24 * 14);
// Changes per script run: a run blocks Redis, so long batches are split (same round trips).
constexpr size_t kChangesPerRun = 128;

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
  guards_.push_back({std::move(key), std::move(field), std::move(expected)});
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
  return args;
}

absl::StatusOr<OutboxResult> ChangeSet::Apply(Connection& connection, std::string_view authority,
                                              std::string_view service,
                                              std::string_view event_id) const {
  return ApplyScript().Run(connection, authority, service, event_id, keys_, ScriptArgs());
}

namespace {

// The outcome of one change of a run as decided before sending (ApplyRunAsTransaction).
enum class Planned { kApply, kDuplicate, kAborted };

bool IsHashSet(const std::vector<std::string>& command) {
  return command.size() >= 4 && command.size() % 2 == 0 &&
         (absl::EqualsIgnoreCase(command[0], "HSET") ||
          absl::EqualsIgnoreCase(command[0], "HMSET"));
}

// True when one of `commands` is a HSET/HMSET of a hash in `guard_keys`: applying them always
// touches a key the transaction watches.
bool SetsAGuardedHash(const std::vector<std::vector<std::string>>& commands,
                      const std::unordered_set<std::string_view>& guard_keys) {
  for (const auto& command : commands) {
    if (IsHashSet(command) && guard_keys.contains(command[1])) return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<absl::StatusOr<OutboxResult>>> ChangeSet::ApplyRunAsTransaction(
    Connection& connection, const std::vector<const Application*>& run) {
  const std::string& authority = run.front()->authority;
  const std::string& service = run.front()->service;
  const std::string ttl = absl::StrCat(absl::ToInt64Milliseconds(kProcessedTtl));

  // 1. WATCH every guarded key and the markers that need it, then read them: one round trip.
  //    A change that HSETs a hash it guards needs no watched marker: whoever applies the same
  //    event first touches that hash, so the other's EXEC fails, or reads the marker after it.
  //    That halves what a batch of version-bumping changes watches (a WATCH costs Redis 7.0
  //    the square of its keys: oversight_redis_bench BM_Watch).
  std::vector<std::string> markers(run.size());
  std::vector<std::string> watch = {"WATCH"};
  Pipeline reads;
  std::unordered_set<std::string_view> guarded;
  for (const Application* application : run) {
    for (const Guard& guard : application->change->guards_) {
      if (guarded.insert(guard.key).second) watch.push_back(guard.key);
    }
  }
  std::unordered_set<std::string_view> own_guards;
  for (size_t c = 0; c < run.size(); ++c) {
    if (run[c]->event_id.empty()) continue;
    markers[c] = ProcessedKey(authority, service, run[c]->event_id);
    own_guards.clear();
    for (const Guard& guard : run[c]->change->guards_)
      own_guards.insert(guard.key);
    if (!SetsAGuardedHash(run[c]->change->commands_, own_guards)) watch.push_back(markers[c]);
  }
  const bool watching = watch.size() > 1;
  if (watching) reads.Add(std::move(watch));
  for (size_t c = 0; c < run.size(); ++c) {
    if (!markers[c].empty()) reads.Add({"EXISTS", markers[c]});
    for (const Guard& guard : run[c]->change->guards_)
      reads.Add({"HGET", guard.key, guard.field});
  }
  auto unwatch = [&] {
    if (watching) (void)connection.Command({"UNWATCH"}, Idempotency::kIdempotent);
  };
  absl::StatusOr<std::vector<Reply>> read = connection.Execute(reads);
  if (!read.ok()) return std::nullopt;  // the script path reconnects and reports
  for (const Reply& reply : *read) {
    if (reply.is_error()) {
      unwatch();
      return std::nullopt;
    }
  }

  // 2. Decide each change as the script would, in order: a later change sees the markers and
  //    the hash fields the earlier ones of the run write. A guard on a key an earlier change
  //    writes some other way (DEL, HINCRBY ...) cannot be predicted here: the script decides.
  std::vector<absl::StatusOr<OutboxResult>> results(run.size(), OutboxResult{});
  std::vector<Planned> planned(run.size(), Planned::kApply);
  std::unordered_set<std::string_view> marked;
  std::unordered_map<std::string_view, std::unordered_map<std::string_view, std::string_view>>
      fields_written;
  std::unordered_set<std::string_view> written_otherwise;
  size_t next_reply = watching ? 1 : 0;
  for (size_t c = 0; c < run.size(); ++c) {
    const ChangeSet& change = *run[c]->change;
    if (!markers[c].empty()) {
      const bool exists = (*read)[next_reply++].integer() == 1;
      if (exists || marked.contains(run[c]->event_id)) planned[c] = Planned::kDuplicate;
    }
    for (const Guard& guard : change.guards_) {
      const Reply& stored = (*read)[next_reply++];
      if (planned[c] != Planned::kApply) continue;
      if (written_otherwise.contains(guard.key)) {
        unwatch();
        return std::nullopt;
      }
      std::string_view actual = stored.is_nil() ? std::string_view() : stored.str();
      if (auto key = fields_written.find(guard.key); key != fields_written.end()) {
        if (auto field = key->second.find(guard.field); field != key->second.end()) {
          actual = field->second;
        }
      }
      if (actual != guard.expected) {
        planned[c] = Planned::kAborted;
        results[c] = absl::AbortedError(
            absl::StrCat(guard.key, " ", guard.field, " is \"", std::string(actual),
                         "\", expected \"", guard.expected, "\": changed since it was read"));
      }
    }
    if (planned[c] == Planned::kDuplicate) {
      OutboxResult duplicate;
      duplicate.duplicate = true;
      results[c] = std::move(duplicate);
    }
    if (planned[c] != Planned::kApply) continue;
    if (!run[c]->event_id.empty()) marked.insert(run[c]->event_id);
    for (const auto& command : change.commands_) {
      if (IsHashSet(command) && guarded.contains(command[1])) {
        auto& fields = fields_written[command[1]];
        for (size_t f = 2; f + 1 < command.size(); f += 2)
          fields[command[f]] = command[f + 1];
        continue;
      }
      for (size_t a = 1; a < command.size(); ++a) {
        if (guarded.contains(command[a])) written_otherwise.insert(command[a]);
      }
    }
  }

  // 3. MULTI, every planned change's commands, records and marker, EXEC: one round trip.
  Pipeline transaction;
  transaction.Add({"MULTI"});
  const std::string outbox = OutboxKey(authority, service);
  std::vector<std::pair<size_t, size_t>> replies_of(run.size());  // [first, last) in EXEC's
  size_t queued = 0;
  bool idempotent = true;
  for (size_t c = 0; c < run.size(); ++c) {
    if (planned[c] != Planned::kApply) continue;
    const ChangeSet& change = *run[c]->change;
    const size_t first = queued;
    for (const auto& command : change.commands_)
      transaction.Add(command);
    for (const Emit_& emit : change.emits_) {
      std::vector<std::string> xadd = {"XADD", outbox, "*", "topic", emit.topic, "key", emit.key};
      if (emit.tombstone) {
        xadd.insert(xadd.end(), {"tombstone", "1"});
      } else {
        xadd.insert(xadd.end(), {"value", emit.value});
        for (const auto& [name, value] : emit.headers) {
          xadd.push_back(absl::StrCat("h:", name));
          xadd.push_back(value);
        }
      }
      transaction.Add(std::move(xadd));
    }
    if (!markers[c].empty()) transaction.Add({"SET", markers[c], "1", "PX", ttl});
    queued += transaction.size() - 1 - first;
    replies_of[c] = {first, queued};
    idempotent = idempotent && !markers[c].empty();
  }
  if (queued == 0) {
    unwatch();
    return results;
  }
  transaction.Add({"EXEC"});
  absl::StatusOr<std::vector<Reply>> sent = connection.Execute(transaction);
  if (!sent.ok()) {
    // Applied or not: unknown. With every change marked, the script path finds out (a change
    // that was applied is a duplicate there); otherwise say so.
    if (idempotent) return std::nullopt;
    for (size_t c = 0; c < run.size(); ++c) {
      if (planned[c] == Planned::kApply) results[c] = sent.status();
    }
    return results;
  }
  const Reply& exec = sent->back();
  // nil: a watched key changed after it was read; an error: a command was refused when queued
  // (EXECABORT), nothing ran. Either way the script decides.
  if (!exec.is_array() || exec.elements().size() != queued) return std::nullopt;
  for (size_t c = 0; c < run.size(); ++c) {
    if (planned[c] != Planned::kApply) continue;
    for (size_t r = replies_of[c].first; r < replies_of[c].second; ++r) {
      if (exec.elements()[r].is_error()) {
        results[c] = absl::InternalError(absl::StrCat("redis: ", exec.elements()[r].str()));
        break;
      }
    }
  }
  return results;
}

std::vector<absl::StatusOr<OutboxResult>> ChangeSet::ApplyRunAsScript(
    Connection& connection, const std::vector<const Application*>& run) {
  const std::string& authority = run.front()->authority;
  const std::string& service = run.front()->service;
  std::vector<std::string> keys = {OutboxKey(authority, service)};
  std::vector<std::string> args = {absl::StrCat(absl::ToInt64Milliseconds(kProcessedTtl)),
                                   std::to_string(run.size())};
  bool idempotent = true;
  for (const Application* application : run) {
    const ChangeSet& change = *application->change;
    const std::string marker = ProcessedKey(
        authority, service, application->event_id.empty() ? "-" : application->event_id);
    keys.push_back(marker);
    keys.insert(keys.end(), change.keys_.begin(), change.keys_.end());
    args.push_back(application->event_id);
    args.push_back(marker);
    std::vector<std::string> body = change.ScriptArgs();
    args.insert(args.end(), std::make_move_iterator(body.begin()),
                std::make_move_iterator(body.end()));
    idempotent = idempotent && !application->event_id.empty();
  }
  std::sort(keys.begin() + 1, keys.end());
  keys.erase(std::unique(keys.begin() + 1, keys.end()), keys.end());
  absl::StatusOr<Reply> reply = ApplyAllScript().Eval(
      connection, keys, args, idempotent ? Idempotency::kIdempotent : Idempotency::kNotIdempotent);
  std::vector<absl::StatusOr<OutboxResult>> results(run.size(), OutboxResult{});
  for (size_t k = 0; k < run.size(); ++k) {
    if (!reply.ok()) {
      results[k] = reply.status();
      continue;
    }
    if (!reply->is_array() || reply->elements().size() != run.size() ||
        reply->elements()[k].elements().size() != 2) {
      results[k] = absl::InternalError(
          absl::StrCat("change set: unexpected script reply ", reply->DebugString()));
      continue;
    }
    const std::string& status = reply->elements()[k].elements()[0].str();
    const std::string& detail = reply->elements()[k].elements()[1].str();
    if (status == "applied" || status == "duplicate") {
      OutboxResult result;
      result.duplicate = status == "duplicate";
      results[k] = std::move(result);
    } else if (status == "aborted") {
      results[k] = absl::AbortedError(detail);
    } else {
      results[k] = absl::InternalError(absl::StrCat("redis: ", detail));
    }
  }
  return results;
}

std::vector<absl::StatusOr<OutboxResult>> ChangeSet::ApplyAll(
    Connection& connection, const std::vector<Application>& changes, ApplyAllPath path) {
  std::vector<absl::StatusOr<OutboxResult>> results(changes.size(), OutboxResult{});
  size_t start = 0;
  while (start < changes.size()) {
    // One run: consecutive changes of the same authority and service, at most kChangesPerRun.
    size_t end = start + 1;
    while (end < changes.size() && end - start < kChangesPerRun &&
           changes[end].authority == changes[start].authority &&
           changes[end].service == changes[start].service) {
      ++end;
    }
    const std::string tag = AuthorityTag(changes[start].authority);
    std::vector<const Application*> run;
    std::vector<size_t> sent;
    for (size_t c = start; c < end; ++c) {
      const Application& application = changes[c];
      if (application.authority.empty() || application.service.empty()) {
        results[c] = absl::InvalidArgumentError("outbox: authority and service must not be empty");
        continue;
      }
      const auto& keys = application.change->keys_;
      auto foreign = std::find_if(keys.begin(), keys.end(), [&](const auto& key) {
        return key.find(tag) == std::string::npos;
      });
      if (foreign != keys.end()) {
        results[c] = absl::InvalidArgumentError(
            absl::StrCat("outbox: key '", *foreign, "' lacks the authority hash tag ", tag));
        continue;
      }
      run.push_back(&application);
      sent.push_back(c);
    }
    start = end;
    if (run.empty()) continue;
    std::optional<std::vector<absl::StatusOr<OutboxResult>>> applied;
    if (path == ApplyAllPath::kTransaction) applied = ApplyRunAsTransaction(connection, run);
    if (!applied.has_value()) applied = ApplyRunAsScript(connection, run);
    for (size_t k = 0; k < sent.size(); ++k)
      results[sent[k]] = std::move((*applied)[k]);
  }
  return results;
}

}  // namespace oversight::redis
