#ifndef OVERSIGHT_REDIS_CHANGE_SET_H_
#define OVERSIGHT_REDIS_CHANGE_SET_H_

#include <optional>
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

  // Guards the change: it applies only if field `field` of hash `key` still holds `expected`
  // (a missing key or field reads as ""), checked before any write. A change whose guard fails
  // writes nothing, emits nothing, does not mark its event processed and returns ABORTED
  // (retry with a fresh read). For optimistic concurrency: read a version field, decide, write
  // the next version guarded by the one read. `key` is declared like Write's.
  ChangeSet& ExpectField(std::string key, std::string field, std::string expected);

  // Queues a record for the outbox (published by the relay once the change is durable).
  ChangeSet& Emit(std::string topic, std::string key, std::string value,
                  std::vector<std::pair<std::string, std::string>> headers);
  // Queues a null-value record (a compaction tombstone, OutboxRecord::tombstone) for `key`.
  ChangeSet& EmitTombstone(std::string topic, std::string key);

  // True when there is nothing to write or emit (guards alone do not count).
  bool empty() const { return commands_.empty() && emits_.empty(); }
  size_t command_count() const { return commands_.size(); }
  size_t emit_count() const { return emits_.size(); }
  size_t guard_count() const { return guards_.size(); }

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

  // One change of ApplyAll and the inbound event it is for.
  struct Application {
    const ChangeSet* change = nullptr;  // not owned
    std::string authority;
    std::string service;
    std::string event_id;
  };

  // How ApplyAll sends a run of changes.
  enum class ApplyAllPath {
    // WATCH the guarded keys and the markers (not that of a change that HSETs a hash it guards,
    // which touches a watched key anyway) and read them, decide each change as the script would
    // (each seeing the markers and hash fields written by the ones before it), then MULTI ...
    // EXEC with the planned changes: two round trips, no Lua (Redis spends about a third less
    // per change). When the client cannot predict a guard (a key an earlier change of the run
    // writes other than by HSET), a watched key changes before EXEC or a command is refused
    // when queued, the run goes through the script instead, so the results are the script's.
    kTransaction,
    // One script run (kApplyAllLua): every check and write inside Redis.
    kScript,
  };

  // Applies many changes in order, each as Apply would and with its own result, per
  // (authority, service) run of up to 128 changes (the throughput path: a batch of inbound
  // events in two round trips instead of a script per event). A change whose guard fails is
  // ABORTED, one whose command fails gets INTERNAL with the server's error; neither stops the
  // next change, so guard a change that depends on an earlier one (ExpectField on a version the
  // earlier one writes). A change with a key lacking the authority's tag is INVALID_ARGUMENT
  // and not sent. A transport failure fails the changes of that run with it, unless all of
  // them have event ids (then the run is sent again: the markers make that idempotent).
  //
  // A command that fails when it runs (WRONGTYPE on malformed state) stops its change on the
  // script path (its earlier commands applied, nothing emitted, not marked); in a transaction
  // Redis goes on, so the change's other commands, records and marker are applied too. Either
  // way it is a broken invariant: build changes whose commands cannot fail on well-formed state.
  static std::vector<absl::StatusOr<OutboxResult>> ApplyAll(
      Connection& connection, const std::vector<Application>& changes,
      ApplyAllPath path = ApplyAllPath::kTransaction);

 private:
  void Declare(const std::string& key);

  struct Emit_ {
    std::string topic, key, value;
    std::vector<std::pair<std::string, std::string>> headers;
    bool tombstone = false;
  };
  struct Guard {
    std::string key, field, expected;
  };
  // The script's args for this change (see kApplyBody and kApplyAllLua in change_set.cc).
  std::vector<std::string> ScriptArgs() const;
  // One run of ApplyAll (one authority and service, keys checked), per path. The transaction
  // returns nullopt when the run must go through the script instead (see ApplyAllPath).
  static std::optional<std::vector<absl::StatusOr<OutboxResult>>> ApplyRunAsTransaction(
      Connection& connection, const std::vector<const Application*>& run);
  static std::vector<absl::StatusOr<OutboxResult>> ApplyRunAsScript(
      Connection& connection, const std::vector<const Application*>& run);

  std::vector<std::string> keys_;
  std::vector<Guard> guards_;
  std::vector<std::vector<std::string>> commands_;
  std::vector<Emit_> emits_;
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_CHANGE_SET_H_
