#ifndef OVERSIGHT_REDIS_SCRIPT_H_
#define OVERSIGHT_REDIS_SCRIPT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/redis/connection.h"
#include "oversight/redis/reply.h"

namespace oversight::redis {

// A Lua script run with EVALSHA. The SHA1 is computed locally; when the server answers NOSCRIPT
// (first use, SCRIPT FLUSH, a restarted server) the script is loaded with SCRIPT LOAD and run
// again, so callers never see NOSCRIPT.
//
// Redis runs a script atomically (nothing interleaves with it) but does NOT roll back writes a
// script made before raising an error: scripts should check everything before their first write.
// Immutable after construction; thread-safe (Eval on different connections concurrently is fine).
class Script {
 public:
  explicit Script(std::string source);

  const std::string& source() const { return source_; }
  // Lower-case hex SHA1 of the source, as Redis computes it.
  const std::string& sha() const { return sha_; }

  // Runs the script with KEYS and ARGV. Returns the script's reply; an error reply (a Lua error,
  // or redis.error_reply("FAILED_PRECONDITION why") from the script) becomes a Status via
  // Reply::ToStatus. Transport failures are returned as Connection::Command returns them.
  absl::StatusOr<Reply> Eval(Connection& connection, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args,
                             Idempotency idempotency = Idempotency::kNotIdempotent) const;

  // SCRIPT LOAD on this connection's server (optional warm-up; Eval does it when needed).
  absl::Status Load(Connection& connection) const;

 private:
  std::string source_;
  std::string sha_;
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_SCRIPT_H_
