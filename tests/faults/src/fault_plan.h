// Which faults a run injects and when: a seeded order and seeded moments over the stream, one
// fault at a time (each in its own slot of the stream, its outage inside that slot), so every
// fault meets a system that has recovered from the previous one only as far as it could in the
// time the slot left it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace oversight::faults {

enum class FaultKind {
  kKillService,      // SIGKILL one service without warning, then start it again
  kStopRedis,        // redis-server stopped (SIGTERM: the AOF is fsynced) for the outage
  kStopSmtp,         // the SMTP listener stopped for the outage
  kRequestErrors,    // embedded broker: the next Produce, Fetch, OffsetCommit, Heartbeat fail
  kDropConnections,  // embedded broker: every broker closes every connection at once
  kBrokerDown,       // embedded broker: broker 2 down for the outage, leaders moved off it
  kLeaderMoves,      // embedded broker: every partition's leader moves to another broker
  kKillKafka,        // Apache Kafka: SIGKILL, then restarted on the same data after the outage
};

struct Fault {
  FaultKind kind = FaultKind::kKillService;
  std::string target;     // kKillService: the service
  absl::Duration at;      // from the start of the stream
  absl::Duration outage;  // how long it lasts (faults that end)
};

// "SIGKILL scheduling", "Redis stopped 1.5s", ...
std::string Describe(const Fault& fault);

// Puts `faults` in a seeded random order over [10 %, 85 %] of `stream`, one per equal slot,
// each at a seeded moment of its slot that leaves its outage inside the slot (outages longer
// than the slot start at the slot's beginning). Sorted by `at`.
std::vector<Fault> PlanFaults(std::vector<Fault> faults, absl::Duration stream, uint64_t seed);

}  // namespace oversight::faults
