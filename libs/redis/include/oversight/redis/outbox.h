#ifndef OVERSIGHT_REDIS_OUTBOX_H_
#define OVERSIGHT_REDIS_OUTBOX_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/redis/connection.h"
#include "oversight/redis/reply.h"
#include "oversight/redis/script.h"

namespace oversight::redis {

// The transactional outbox (SYSTEM.md): what a service must publish because of a state change is
// written by the same Lua script as the change, into a Redis stream per authority and service,
// and an OutboxRelay (outbox_relay.h) moves it to Kafka. Keys carry the authority as a Cluster
// hash tag, so everything one script touches for an authority lives in one slot:
//
//   ovs:{<authority>}:outbox:<service>                    stream of outbound records
//   ovs:{<authority>}:processed:<service>:<event_id>      "already applied" marker, with a TTL
//
// Stream entry fields: "topic", "key", "value", then "h:<name>" per header, in order; a
// tombstone (a null Kafka value) has "tombstone" "1" instead of "value" and no headers.

// "ovs:{<authority>}:outbox:<service>".
std::string OutboxKey(std::string_view authority, std::string_view service);
// "ovs:{<authority>}:processed:<service>:<event_id>".
std::string ProcessedKey(std::string_view authority, std::string_view service,
                         std::string_view event_id);
// Whether `service` already applied each (authority, event id): its processed marker exists. One
// round trip (a pipeline of EXISTS); the answers in the order asked. Transport errors as
// Connection::Execute.
absl::StatusOr<std::vector<bool>> AlreadyProcessed(
    Connection& connection, std::string_view service,
    const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids);
// "{<authority>}": the hash tag every key of that authority must contain.
std::string AuthorityTag(std::string_view authority);
// SCAN pattern matching every authority's outbox of `service`: "ovs:{*}:outbox:<service>".
std::string OutboxKeyPattern(std::string_view service);

// One record read back from an outbox stream.
struct OutboxRecord {
  std::string outbox_key;  // the stream it came from
  std::string entry_id;    // stream entry id ("1700000000000-0"); order within the stream
  std::string topic;
  std::string key;                                           // Kafka message key (binary-safe)
  std::string value;                                         // Kafka message value (binary-safe)
  std::vector<std::pair<std::string, std::string>> headers;  // in the order they were emitted
  bool tombstone = false;  // publish a null value (a compaction tombstone); value is ""
};

// Parses one XRANGE/XREAD entry ([id, [field, value, ...]]). INVALID_ARGUMENT if malformed or if
// the "topic" field is missing.
absl::StatusOr<OutboxRecord> ParseOutboxEntry(std::string_view outbox_key, const Reply& entry);

// The Lua library that OutboxScript puts in front of a service's script body. Exposed so its
// text can be read; services normally just use OutboxScript. It defines a table `ovs` with:
//   ovs.event_id                       the inbound event id ('' if none)
//   ovs.emit(topic, key, value, hdrs)  queue an outbound record; hdrs is a flat list
//                                      {name1, value1, name2, value2, ...} or nil; value
//                                      false: a tombstone (null value, no headers)
// Queued records are appended to the outbox (XADD) and the event is marked processed only after
// the body returned without error, so a body that fails before its first write changes nothing.
std::string_view OutboxLuaLibrary();

// What running an OutboxScript did.
struct OutboxResult {
  // True if the inbound event id had already been processed: the body did not run, nothing was
  // written, `value` is an empty string.
  bool duplicate = false;
  // What the body returned (nil is returned as an empty string).
  Reply value;
};

// A service's state-change script with the outbox library in front. The body is the inside of a
// Lua function called as body(keys, args), where keys/args are the caller's keys and args
// (1-based Lua tables); it applies the change with redis.call, calls ovs.emit for each outbound
// record, and returns a value. To refuse the change it returns
// redis.error_reply('FAILED_PRECONDITION why') (or another code name, see Reply::ToStatus)
// BEFORE writing anything: Redis does not roll back a script's earlier writes.
//
// Example body:
//   local open = redis.call('HGET', keys[1], 'state')
//   if open == 'closed' then return redis.error_reply('FAILED_PRECONDITION task closed') end
//   redis.call('HSET', keys[1], 'state', 'closed')
//   ovs.emit('oversight.task-events.v1', args[1], args[2], {'ce_type', 'task.completed'})
//   return 1
//
// Immutable; thread-safe.
class OutboxScript {
 public:
  explicit OutboxScript(std::string_view body);

  // Runs the script for `authority` and `service`: skips it if `event_id` was processed within
  // `processed_ttl`, otherwise applies the body, appends its records to
  // OutboxKey(authority, service) and marks `event_id` processed, all atomically.
  // Every key in `keys` must contain AuthorityTag(authority) (INVALID_ARGUMENT otherwise, and
  // nothing is sent). With a non-empty event id the call is idempotent, so it is retried once if
  // the link breaks mid-call; with an empty one there is no duplicate check and no retry.
  // Errors from the body come back as Statuses (Reply::ToStatus); nothing has been written then
  // unless the body wrote before failing.
  absl::StatusOr<OutboxResult> Run(Connection& connection, std::string_view authority,
                                   std::string_view service, std::string_view event_id,
                                   const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args,
                                   absl::Duration processed_ttl = absl::Hours(24 * 14)) const;

  const Script& script() const { return script_; }

 private:
  Script script_;
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_OUTBOX_H_
