#ifndef OVERSIGHT_REDIS_CONNECTION_H_
#define OVERSIGHT_REDIS_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/redis/reply.h"

struct redisContext;

namespace oversight::redis {

// Where and how to connect.
struct ConnectionOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  absl::Duration connect_timeout = absl::Seconds(1);
  // Per read/write on the socket; a command that takes longer fails with DEADLINE_EXCEEDED.
  absl::Duration command_timeout = absl::Seconds(2);
  std::string username;  // ACL user; empty: AUTH <password> only
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECT after connecting
  // Reconnection after the link broke: the first attempt is immediate, later ones wait
  // initial_backoff, doubling up to max_backoff, between attempts.
  absl::Duration reconnect_initial_backoff = absl::Milliseconds(50);
  absl::Duration reconnect_max_backoff = absl::Seconds(2);
};

// Whether a command may be sent again after the link broke with the command in flight (when it
// is unknown whether the server applied it). SET of a fixed value and outbox scripts guarded by
// an event id are idempotent; INCR, XADD, RPUSH are not. Well-known read-only commands (GET,
// HGETALL, XRANGE, EXISTS, SCAN, ...) are always treated as idempotent.
enum class Idempotency { kNotIdempotent, kIdempotent };

// Appends `args` to `out` as one command in the Redis protocol (RESP: an array of bulk
// strings), as Connection sends it.
void AppendRespCommand(std::string& out, const std::vector<std::string>& args);

// Commands queued to be sent in one round trip (see Connection::Execute), kept as they go on
// the wire: a command is formatted once, when added, and its strings are not kept.
class Pipeline {
 public:
  // Queues one command (name and arguments; binary-safe).
  Pipeline& Add(const std::vector<std::string>& args);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Whether every command queued is a well-known read-only one (see Idempotency).
  bool read_only() const { return read_only_; }
  // The commands in RESP (AppendRespCommand), in order.
  const std::string& wire() const { return wire_; }

 private:
  std::string wire_;
  size_t size_ = 0;
  bool read_only_ = true;
};

// A synchronous connection to one Redis server over hiredis.
//
// Failures: a broken link (server restarted, network) frees the hiredis context. The command
// that saw it reconnects once at once and is sent again only if marked kIdempotent; otherwise it
// returns UNAVAILABLE ("may or may not have been applied"). Later commands reconnect first, with
// exponential backoff between failed attempts (bounded by reconnect_max_backoff); while waiting
// for the next attempt they fail fast with UNAVAILABLE instead of blocking. A command timeout
// returns DEADLINE_EXCEEDED and also drops the link (its reply could arrive late otherwise).
// Server error replies are not failures here: they come back as a Reply of type kError.
//
// NOT thread-safe: use one Connection per thread (or a ConnectionPool).
class Connection {
 public:
  // Connects, authenticates and selects the db. Returns UNAVAILABLE if the server cannot be
  // reached, PERMISSION_DENIED if AUTH fails, INVALID_ARGUMENT if SELECT fails.
  static absl::StatusOr<std::unique_ptr<Connection>> Connect(ConnectionOptions options);

  // A connection that is not connected yet: the first command connects (handy for workers that
  // start before Redis is up).
  explicit Connection(ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one command and returns the server's reply (which may be an error reply). A server
  // still loading its data after a restart (LOADING) ran nothing: UNAVAILABLE, as for Execute.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args,
                                Idempotency idempotency = Idempotency::kNotIdempotent);

  // Sends every queued command in one write, then reads the replies; returns them in order (one
  // per command; error replies included). If the link breaks midway none of the replies are
  // returned; the pipeline is re-sent whole if kIdempotent, else UNAVAILABLE. An empty pipeline
  // returns an empty vector without touching the network.
  absl::StatusOr<std::vector<Reply>> Execute(const Pipeline& pipeline,
                                             Idempotency idempotency = Idempotency::kNotIdempotent);

  // PING; OK if the server answered PONG.
  absl::Status Ping();

  // True while a hiredis context is open (it may still turn out to be broken on next use).
  bool connected() const { return context_ != nullptr; }
  // Number of successful (re)connections since construction.
  int connect_count() const { return connect_count_; }
  const ConnectionOptions& options() const { return options_; }

 private:
  absl::Status EnsureConnected();
  absl::Status ConnectNow();
  void Drop();
  // Sends the pipeline's commands and reads one reply per command.
  absl::StatusOr<std::vector<Reply>> SendOnce(const Pipeline& pipeline);

  ConnectionOptions options_;
  redisContext* context_ = nullptr;
  int connect_count_ = 0;
  absl::Duration backoff_;
  absl::Time next_attempt_ = absl::InfinitePast();
};

// Sends `args` on a connection and turns an error reply into a Status (Reply::ToStatus): for
// callers that only need the happy-path reply.
absl::StatusOr<Reply> CommandOrError(Connection& connection, const std::vector<std::string>& args,
                                     Idempotency idempotency = Idempotency::kNotIdempotent);

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_CONNECTION_H_
