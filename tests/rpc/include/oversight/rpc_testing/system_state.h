// What a System holds, to show that a refused call changed nothing: every Redis key with its
// content (libs/redis testing Keyspace), read once the services' outboxes are relayed, and the
// number of records on each of the System's Kafka topics. Outbox relay leases (":lease" keys,
// which come and go with their TTL) are left out.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oversight/e2e/system.h"
#include "oversight/kafka/watermarks.h"
#include "oversight/redis/connection.h"

namespace oversight::rpc_testing {

struct SystemState {
  std::map<std::string, std::string> redis;  // key -> type and content
  std::map<std::string, int64_t> topics;     // topic name ("case_events") -> records
};

// One owner thread.
class StateReader {
 public:
  // The topics of e2e::System (by their System names) that are read.
  static absl::StatusOr<std::unique_ptr<StateReader>> Create(e2e::System& system);

  // Waits (bounded, 30 s) until every outbox stream is empty and two reads 1.2 s apart agree
  // (what consumers and scheduling's timer pass make of what was already published is in), then
  // returns the state.
  // Topics named in `except_topics` are left out (for example "audit" where a refusal is audited
  // by design).
  absl::StatusOr<SystemState> Read(const std::vector<std::string>& except_topics = {});

 private:
  StateReader() = default;
  // One read, once the outboxes are relayed.
  absl::StatusOr<SystemState> Snapshot(const std::vector<std::string>& except_topics);

  e2e::System* system_ = nullptr;
  std::unique_ptr<redis::Connection> redis_;
  std::unique_ptr<kafka::WatermarkReader> watermarks_;
};

// What differs between two states: "redis differs: K", "redis only after: K",
// "topic tasks: 3 -> 4". Empty: nothing changed.
std::vector<std::string> Differences(const SystemState& before, const SystemState& after);

}  // namespace oversight::rpc_testing
