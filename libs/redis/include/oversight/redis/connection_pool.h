#ifndef OVERSIGHT_REDIS_CONNECTION_POOL_H_
#define OVERSIGHT_REDIS_CONNECTION_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "oversight/redis/connection.h"

namespace oversight::redis {

// Hands out Connections to threads (gRPC handlers) and takes them back for reuse.
// Acquire() never blocks on a limit: it reuses an idle connection or makes a new one (which
// connects on its first command); at most `max_idle` connections are kept when given back.
// Thread-safe; the pool must outlive its leases.
class ConnectionPool {
 public:
  explicit ConnectionPool(ConnectionOptions options, size_t max_idle = 8);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection borrowed from the pool; returned to it on destruction. Move-only. Use it on
  // one thread at a time.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  Lease Acquire();
  // Idle connections currently kept.
  size_t idle() const;

 private:
  void Release(std::unique_ptr<Connection> connection);

  const ConnectionOptions options_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_CONNECTION_POOL_H_
