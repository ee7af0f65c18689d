// The four service binaries as processes for the gRPC hardening tests (tests/support System: a
// real redis-server, the embedded Kafka broker), configured to check the token's issuer and
// audience, each with the catalogue of the RPCs it serves (server reflection), and a little
// state for devon (a worker, their supervisor, a child allocated: an oversight task, due items,
// a notification, a record with an action), so refused calls can be shown to change nothing.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/e2e/system.h"
#include "oversight/rpc_testing/rpc_catalogue.h"

namespace oversight::rpc_testing {

// The seeded state (authority kAuthority).
inline constexpr char kAuthority[] = "devon";
inline constexpr char kWorker[] = "worker-1";
inline constexpr char kManager[] = "manager-1";
inline constexpr char kChild[] = "child-1";
inline constexpr char kRecordId[] = "rec-seeded";

// Ids of what the seed made, read back from the services.
struct Seeded {
  std::string task_id;          // the oversight task for the allocation (D8)
  std::string task_owner;       // its owner
  std::string item_id;          // one of kWorker's due items
  std::string notification_id;  // a notification to task_owner
  std::string action_id;        // the action of the seeded record (owner kWorker)
};

struct Binary {
  std::string name;  // e2e::kScheduling, ...
  e2e::ServiceProcess* process = nullptr;
  std::unique_ptr<RpcCatalogue> catalogue;
};

// One owner thread.
class ServedSystem {
 public:
  // Starts Redis, the broker and the four services with `extra_env` (on top of the issuer and
  // audience settings), loads each one's catalogue, then seeds the state and waits until every
  // service has it.
  static absl::StatusOr<std::unique_ptr<ServedSystem>> Start(
      std::map<std::string, std::string> extra_env = {});

  e2e::System& system() { return *system_; }
  std::vector<Binary>& binaries() { return binaries_; }
  // The binary that serves `service` (full name), or nullptr.
  Binary* Serving(const std::string& service);

  // A valid bearer token (issuer, audience) for `subject`, optionally naming an authority.
  static std::string Token(const std::string& subject, std::vector<std::string> roles = {},
                           const std::string& authority = "");

  // Every binary that does not say SERVING, with what it said; empty when all do.
  std::vector<std::string> NotServing() const;

  const Seeded& seeded() const { return seeded_; }

 private:
  ServedSystem() = default;
  absl::Status Seed();

  std::unique_ptr<e2e::System> system_;
  std::vector<Binary> binaries_;
  Seeded seeded_;
};

}  // namespace oversight::rpc_testing
