#include "oversight/redis/outbox.h"

#include "absl/strings/str_cat.h"

namespace oversight::redis {
namespace {

constexpr std::string_view kLibrary = R"lua(-- oversight outbox library (libs/redis/src/outbox.cc)
-- KEYS[1] outbox stream, KEYS[2] processed marker, KEYS[3..] the body's keys
-- ARGV[1] inbound event id ('' for none), ARGV[2] marker TTL in ms, ARGV[3..] the body's args
local ovs = {}
ovs.outbox_key = KEYS[1]
ovs.processed_key = KEYS[2]
ovs.event_id = ARGV[1]
ovs.processed_ttl_ms = ARGV[2]
ovs.pending = {}
function ovs.emit(topic, key, value, headers)
  if value == false then
    ovs.pending[#ovs.pending + 1] = {'topic', topic, 'key', key, 'tombstone', '1'}
    return
  end
  local fields = {'topic', topic, 'key', key, 'value', value}
  if headers then
    for i = 1, #headers, 2 do
      fields[#fields + 1] = 'h:' .. headers[i]
      fields[#fields + 1] = headers[i + 1]
    end
  end
  ovs.pending[#ovs.pending + 1] = fields
end
local function ovs_run(body)
  if ovs.event_id ~= '' and redis.call('EXISTS', ovs.processed_key) == 1 then
    return {'duplicate', ''}
  end
  local keys, args = {}, {}
  for i = 3, #KEYS do keys[#keys + 1] = KEYS[i] end
  for i = 3, #ARGV do args[#args + 1] = ARGV[i] end
  local result = body(keys, args)
  if type(result) == 'table' and result.err then return result end
  for _, fields in ipairs(ovs.pending) do
    redis.call('XADD', ovs.outbox_key, '*', unpack(fields))
  end
  if ovs.event_id ~= '' then
    redis.call('SET', ovs.processed_key, '1', 'PX', ovs.processed_ttl_ms)
  end
  if result == nil or result == false then result = '' end
  return {'applied', result}
end
)lua";

}  // namespace

std::string AuthorityTag(std::string_view authority) {
  return absl::StrCat("{", std::string(authority), "}");
}

std::string OutboxKey(std::string_view authority, std::string_view service) {
  return absl::StrCat("ovs:", AuthorityTag(authority), ":outbox:", std::string(service));
}

std::string ProcessedKey(std::string_view authority, std::string_view service,
                         std::string_view event_id) {
  return absl::StrCat("ovs:", AuthorityTag(authority), ":processed:", std::string(service), ":",
                      std::string(event_id));
}

absl::StatusOr<std::vector<bool>> AlreadyProcessed(
    Connection& connection, std::string_view service,
    const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids) {
  std::vector<bool> processed;
  if (authority_and_event_ids.empty()) return processed;
  Pipeline reads;
  for (const auto& [authority, event_id] : authority_and_event_ids) {
    reads.Add({"EXISTS", ProcessedKey(authority, service, event_id)});
  }
  auto replies = connection.Execute(reads, Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  for (const auto& reply : *replies)
    processed.push_back(reply.is_integer() && reply.integer() == 1);
  return processed;
}

std::string OutboxKeyPattern(std::string_view service) {
  return absl::StrCat("ovs:{*}:outbox:", std::string(service));
}

std::string_view OutboxLuaLibrary() {
  return kLibrary;
}

absl::StatusOr<OutboxRecord> ParseOutboxEntry(std::string_view outbox_key, const Reply& entry) {
  if (!entry.is_array() || entry.elements().size() != 2 || !entry.elements()[0].is_string() ||
      !entry.elements()[1].is_array() || entry.elements()[1].elements().size() % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed outbox entry in ", std::string(outbox_key), ": ", entry.DebugString()));
  }
  OutboxRecord record;
  record.outbox_key = std::string(outbox_key);
  record.entry_id = entry.elements()[0].str();
  bool has_topic = false;
  const auto& fields = entry.elements()[1].elements();
  for (size_t i = 0; i < fields.size(); i += 2) {
    const std::string& name = fields[i].str();
    const std::string& value = fields[i + 1].str();
    if (name == "topic") {
      record.topic = value;
      has_topic = true;
    } else if (name == "key") {
      record.key = value;
    } else if (name == "value") {
      record.value = value;
    } else if (name == "tombstone") {
      record.tombstone = value == "1";
    } else if (name.rfind("h:", 0) == 0) {
      record.headers.emplace_back(name.substr(2), value);
    }
  }
  if (!has_topic || record.topic.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("outbox entry ", record.entry_id, " in ",
                                                   std::string(outbox_key), " has no topic"));
  }
  return record;
}

OutboxScript::OutboxScript(std::string_view body)
    : script_(absl::StrCat(std::string(kLibrary), "return ovs_run(function(keys, args)\n",
                           std::string(body), "\nend)\n")) {}

absl::StatusOr<OutboxResult> OutboxScript::Run(Connection& connection, std::string_view authority,
                                               std::string_view service, std::string_view event_id,
                                               const std::vector<std::string>& keys,
                                               const std::vector<std::string>& args,
                                               absl::Duration processed_ttl) const {
  if (authority.empty() || service.empty()) {
    return absl::InvalidArgumentError("outbox: authority and service must not be empty");
  }
  const std::string tag = AuthorityTag(authority);
  for (const std::string& key : keys) {
    if (key.find(tag) == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("outbox: key '", key, "' lacks the authority hash tag ", tag));
    }
  }
  if (processed_ttl < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError("outbox: processed_ttl must be at least 1ms");
  }
  std::vector<std::string> all_keys;
  all_keys.reserve(keys.size() + 2);
  all_keys.push_back(OutboxKey(authority, service));
  all_keys.push_back(ProcessedKey(authority, service, event_id.empty() ? "-" : event_id));
  all_keys.insert(all_keys.end(), keys.begin(), keys.end());
  std::vector<std::string> all_args;
  all_args.reserve(args.size() + 2);
  all_args.push_back(std::string(event_id));
  all_args.push_back(absl::StrCat(absl::ToInt64Milliseconds(processed_ttl)));
  all_args.insert(all_args.end(), args.begin(), args.end());

  absl::StatusOr<Reply> reply =
      script_.Eval(connection, all_keys, all_args,
                   event_id.empty() ? Idempotency::kNotIdempotent : Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  if (!reply->is_array() || reply->elements().size() != 2 || !reply->elements()[0].is_string()) {
    return absl::InternalError(
        absl::StrCat("outbox: unexpected script reply ", reply->DebugString()));
  }
  OutboxResult result;
  result.duplicate = reply->elements()[0].str() == "duplicate";
  result.value = reply->elements()[1];
  return result;
}

}  // namespace oversight::redis
