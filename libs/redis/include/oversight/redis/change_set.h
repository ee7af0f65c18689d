#ifndef OVERSIGHT_REDIS_CHANGE_SET_H_
#define OVERSIGHT_REDIS_CHANGE_SET_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/redis/connection.h"
#include "oversight/redis/outbox.h"

namespace oversight::redis {

// A state change decided in C++ and applied atomically: a list of Redis write commands and the
// records to publish because of them, run as one OutboxScript guarded by the inbound event id.
// This is how services keep "rules in libraries": the domain code computes the commands from a
// read of the current state; one generic script applies them, appends the outbound records to
// the authority's outbox and marks the event processed, all or nothing.
//
// Every key a command touches must be declared with Touch() (it must carry the authority's hash
// tag, see AuthorityTag), so the script's KEYS are honest for Redis Cluster.
//
// Value type; not thread-safe while being built.
class ChangeSet {
 public:
  // Queues one write command, e.g. {"HSET", key, "field", "value"}; `key` is declared too.
  ChangeSet& Write(std::string key, std::vector<std::string> command);

  // Makes the whole change conditional (optimistic concurrency): it applies only if field
  // `field` of the hash at `key` still holds `expected` when the script runs ("" = the field or
  // the key is absent). Otherwise nothing is written, the event is not marked processed and
  // Apply returns ABORTED naming the key: the caller reloads what it read and decides again.
  // The usual pattern: keep a version counter field in each record hash, read it with the
  // record, ExpectField it here and HINCRBY it in the same change. `key` is declared too.
  ChangeSet& ExpectField(std::string key, std::string field, std::string expected);

  // Queues a record for the outbox (published by the relay once the change is durable).
  ChangeSet& Emit(std::string topic, std::string key, std::string value,
                  std::vector<std::pair<std::string, std::string>> headers);
  // Queues a null-value record (a compaction tombstone, OutboxRecord::tombstone) for `key`.
  ChangeSet& EmitTombstone(std::string topic, std::string key);

  bool empty() const { return commands_.empty() && emits_.empty(); }
  size_t command_count() const { return commands_.size(); }
  size_t emit_count() const { return emits_.size(); }
  size_t expectation_count() const { return expectations_.size(); }

  // Applies the change for `authority` and `service`: if `event_id` (non-empty) was already
  // processed nothing runs and the result says duplicate; if an ExpectField no longer holds
  // nothing runs and the result is ABORTED (checked after the duplicate check, before any
  // write); otherwise every command runs, every
  // record is appended to OutboxKey(authority, service) and the event is marked processed, in
  // one script. INVALID_ARGUMENT if a key lacks the authority's tag (nothing is sent);
  // transport errors as Connection::Command. A command the server rejects (wrong type ...)
  // returns its error: commands before it in this change have then been applied, so build
  // changes whose commands cannot fail on well-formed state.
  absl::StatusOr<OutboxResult> Apply(Connection& connection, std::string_view authority,
                                     std::string_view service, std::string_view event_id) const;

 private:
  void Declare(const std::string& key);

  struct Expectation {
    std::string key, field, expected;
  };
  struct Emit_ {
    std::string topic, key, value;
    std::vector<std::pair<std::string, std::string>> headers;
    bool tombstone = false;
  };
  std::vector<std::string> keys_;
  std::vector<Expectation> expectations_;
  std::vector<std::vector<std::string>> commands_;
  std::vector<Emit_> emits_;
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_CHANGE_SET_H_
