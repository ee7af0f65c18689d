#include "delivery_queue.h"

#include "absl/strings/str_cat.h"
#include "oversight/kafka/event_record.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/script.h"
#include "store_keys.h"

namespace oversight::notifications {
namespace {

// KEYS: queue, then one delivery hash per id. ARGV: now (ms), lease end (ms), token, then the
// ids. Claims each id still due and pending; drops finished ones from the queue.
const redis::Script& ClaimScript() {
  static const auto* script = new redis::Script(R"lua(
local out = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local key = KEYS[i - 2]
  local score = redis.call('ZSCORE', KEYS[1], id)
  if score and tonumber(score) <= tonumber(ARGV[1]) then
    if redis.call('HGET', key, 'state') == 'pending' then
      local attempt = redis.call('HINCRBY', key, 'attempts', 1)
      local token = ARGV[3] .. ':' .. attempt
      redis.call('HSET', key, 'token', token)
      redis.call('ZADD', KEYS[1], ARGV[2], id)
      local f = redis.call('HMGET', key, 'n', 'r')
      table.insert(out, {id, f[1] or '', f[2] or '', attempt, token})
    else
      redis.call('ZREM', KEYS[1], id)
    end
  end
end
return out
)lua");
  return *script;
}

// keys: queue, delivery hash, dead letters. args: id, token, end (sent|retry|dead|superseded),
// next (ms), error, now (ms), ttl (s), has_event, topic, key, value, header count, headers...
const redis::OutboxScript& CompleteScript() {
  static const auto* script = new redis::OutboxScript(R"lua(
if redis.call('HGET', keys[2], 'token') ~= args[2] then return 0 end
local ending = args[3]
redis.call('HSET', keys[2], 'updated', args[6], 'token', '')
if args[5] ~= '' then redis.call('HSET', keys[2], 'error', args[5]) end
if ending == 'retry' then
  redis.call('ZADD', keys[1], args[4], args[1])
else
  redis.call('HSET', keys[2], 'state', ending)
  redis.call('ZREM', keys[1], args[1])
  if ending == 'dead' then
    redis.call('ZADD', keys[3], args[6], args[1])
  else
    redis.call('EXPIRE', keys[2], args[7])
  end
end
if args[8] == '1' then
  local headers = {}
  for i = 13, 12 + 2 * tonumber(args[12]) do table.insert(headers, args[i]) end
  ovs.emit(args[9], args[10], args[11], headers)
end
return 1
)lua");
  return *script;
}

// KEYS: digest schedule. ARGV: now (ms), lease end (ms), recipients.
const redis::Script& ClaimDigestsScript() {
  static const auto* script = new redis::Script(R"lua(
local out = {}
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i])
    table.insert(out, ARGV[i])
  end
end
return out
)lua");
  return *script;
}

// KEYS: digest schedule, the recipient's digest entries. ARGV: recipient, next (ms).
const redis::Script& RescheduleDigestScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('ZCARD', KEYS[2]) > 0 then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
  return 1
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 0
)lua");
  return *script;
}

const char* EndName(DeliveryEnd end) {
  switch (end) {
    case DeliveryEnd::kSent:
      return "sent";
    case DeliveryEnd::kRetry:
      return "retry";
    case DeliveryEnd::kDead:
      return "dead";
    case DeliveryEnd::kSuperseded:
      return "superseded";
  }
  return "dead";
}

}  // namespace

void AddDelivery(redis::ChangeSet& change, const std::string& a, const std::string& notification_id,
                 const std::string& recipient, v1::Channel channel, absl::Time at, absl::Time now) {
  const std::string id = DeliveryId(notification_id, channel);
  const std::string key = DeliveryKey(a, id);
  const std::string created = std::to_string(UnixMillis(now));
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"n", notification_id},
                                                        {"r", recipient},
                                                        {"ch", ChannelName(channel)},
                                                        {"state", "pending"},
                                                        {"attempts", "0"},
                                                        {"created", created}}) {
    change.Write(key, {"HSETNX", key, field, value});
  }
  const std::string queue = QueueKey(a, channel);
  change.Write(queue, {"ZADD", queue, "NX", std::to_string(UnixMillis(at)), id});
}

void AddToDigest(redis::ChangeSet& change, const std::string& a, const std::string& recipient,
                 const std::string& notification_id, int64_t created_micros, absl::Time at) {
  const std::string entries = DigestKey(a, recipient);
  change.Write(entries, {"ZADD", entries, "NX", std::to_string(created_micros), notification_id});
  const std::string schedule = DigestsKey(a);
  change.Write(schedule, {"ZADD", schedule, "LT", std::to_string(UnixMillis(at)), recipient});
}

void CloseOccurrence(redis::ChangeSet& change, const std::string& a,
                     const std::string& occurrence) {
  const std::string key = ClosedKey(a, occurrence);
  change.Write(key,
               {"SET", key, "1", "EX", std::to_string(absl::ToInt64Seconds(kClosedOccurrenceTtl))});
}

absl::StatusOr<std::vector<ClaimedDelivery>> DeliveryQueue::Claim(const std::string& a,
                                                                  v1::Channel channel,
                                                                  absl::Time now,
                                                                  absl::Duration lease, int limit) {
  const std::string queue = QueueKey(a, channel);
  const std::string now_ms = std::to_string(UnixMillis(now));
  auto due = connection_.Command(
      {"ZRANGEBYSCORE", queue, "-inf", now_ms, "LIMIT", "0", std::to_string(limit)},
      redis::Idempotency::kIdempotent);
  if (!due.ok()) return due.status();
  std::vector<ClaimedDelivery> claimed;
  if (due->elements().empty()) return claimed;
  std::vector<std::string> keys = {queue};
  std::vector<std::string> args = {now_ms, std::to_string(UnixMillis(now + lease)),
                                   absl::StrCat(absl::Uniform<uint64_t>(random_))};
  for (const auto& id : due->elements()) {
    keys.push_back(DeliveryKey(a, id.str()));
    args.push_back(id.str());
  }
  auto reply = ClaimScript().Eval(connection_, keys, args);
  if (!reply.ok()) return reply.status();
  for (const auto& row : reply->elements()) {
    const auto& f = row.elements();
    if (f.size() != 5) continue;
    ClaimedDelivery c;
    c.delivery_id = f[0].str();
    c.notification_id = f[1].str();
    c.recipient_id = f[2].str();
    c.channel = channel;
    c.attempt = static_cast<int>(f[3].integer());
    c.token = f[4].str();
    claimed.push_back(std::move(c));
  }
  return claimed;
}

absl::StatusOr<bool> DeliveryQueue::Complete(const std::string& a, const ClaimedDelivery& claimed,
                                             const DeliveryOutcome& outcome, absl::Time now) {
  std::vector<std::string> keys = {QueueKey(a, claimed.channel),
                                   DeliveryKey(a, claimed.delivery_id), DeadLettersKey(a)};
  std::vector<std::string> args = {claimed.delivery_id,
                                   claimed.token,
                                   EndName(outcome.end),
                                   std::to_string(UnixMillis(outcome.next_at)),
                                   outcome.error.substr(0, 1000),
                                   std::to_string(UnixMillis(now)),
                                   std::to_string(absl::ToInt64Seconds(kFinishedDeliveryTtl)),
                                   outcome.event != nullptr ? "1" : "0"};
  if (outcome.event != nullptr) {
    auto record = kafka::MakeEventRecord(notifications_topic_, claimed.recipient_id, *outcome.event,
                                         kafka::ContentType::kProtobuf);
    if (!record.ok()) return record.status();
    args.push_back(record->topic);
    args.push_back(record->key);
    args.push_back(record->value);
    args.push_back(std::to_string(record->headers.size()));
    for (const auto& header : record->headers) {
      args.push_back(header.key);
      args.push_back(header.value);
    }
  }
  // No event id: the claim token makes a second run a no-op (it returns 0), so it is safe to
  // repeat after a transport error.
  auto result = CompleteScript().Run(connection_, a, kServiceName, "", keys, args);
  if (!result.ok()) return result.status();
  return result->value.integer() == 1;
}

absl::StatusOr<int64_t> DeliveryQueue::Depth(const std::string& a, v1::Channel channel) {
  auto reply =
      connection_.Command({"ZCARD", QueueKey(a, channel)}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return reply->integer();
}

absl::StatusOr<std::map<std::string, std::string>> DeliveryQueue::Record(
    const std::string& a, const std::string& delivery_id) {
  auto reply = connection_.Command({"HGETALL", DeliveryKey(a, delivery_id)},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  std::map<std::string, std::string> fields;
  const auto& e = reply->elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2)
    fields[e[i].str()] = e[i + 1].str();
  return fields;
}

absl::StatusOr<std::vector<std::string>> DeliveryQueue::DeadLetters(const std::string& a) {
  auto reply = connection_.Command({"ZRANGE", DeadLettersKey(a), "0", "-1"},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  for (const auto& id : reply->elements())
    ids.push_back(id.str());
  return ids;
}

absl::StatusOr<std::vector<std::string>> DeliveryQueue::ClaimDigests(const std::string& a,
                                                                     absl::Time now,
                                                                     absl::Duration lease,
                                                                     int limit) {
  const std::string schedule = DigestsKey(a);
  const std::string now_ms = std::to_string(UnixMillis(now));
  auto due = connection_.Command(
      {"ZRANGEBYSCORE", schedule, "-inf", now_ms, "LIMIT", "0", std::to_string(limit)},
      redis::Idempotency::kIdempotent);
  if (!due.ok()) return due.status();
  std::vector<std::string> claimed;
  if (due->elements().empty()) return claimed;
  std::vector<std::string> args = {now_ms, std::to_string(UnixMillis(now + lease))};
  for (const auto& id : due->elements())
    args.push_back(id.str());
  auto reply = ClaimDigestsScript().Eval(connection_, {schedule}, args);
  if (!reply.ok()) return reply.status();
  for (const auto& id : reply->elements())
    claimed.push_back(id.str());
  return claimed;
}

absl::StatusOr<std::vector<std::string>> DeliveryQueue::DigestEntries(
    const std::string& a, const std::string& recipient) {
  auto reply = connection_.Command({"ZRANGE", DigestKey(a, recipient), "0", "-1"},
                                   redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  for (const auto& id : reply->elements())
    ids.push_back(id.str());
  return ids;
}

absl::Status DeliveryQueue::RescheduleDigest(const std::string& a, const std::string& recipient,
                                             absl::Time next_at) {
  auto reply = RescheduleDigestScript().Eval(connection_, {DigestsKey(a), DigestKey(a, recipient)},
                                             {recipient, std::to_string(UnixMillis(next_at))},
                                             redis::Idempotency::kIdempotent);
  return reply.status();
}

absl::StatusOr<int64_t> DeliveryQueue::DigestsPending(const std::string& a) {
  auto reply = connection_.Command({"ZCARD", DigestsKey(a)}, redis::Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return reply->integer();
}

}  // namespace oversight::notifications
