#include "fault_plan.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"

namespace oversight::faults {

std::string Describe(const Fault& fault) {
  const std::string outage = absl::FormatDuration(fault.outage);
  switch (fault.kind) {
    case FaultKind::kKillService:
      return "SIGKILL " + fault.target + ", restart";
    case FaultKind::kStopRedis:
      return "redis-server stopped " + outage + ", started (AOF)";
    case FaultKind::kStopSmtp:
      return "SMTP listener stopped " + outage + ", started";
    case FaultKind::kRequestErrors:
      return "broker request errors (Produce, Fetch, OffsetCommit, Heartbeat)";
    case FaultKind::kDropConnections:
      return "broker connections dropped (every broker)";
    case FaultKind::kBrokerDown:
      return "broker 2 down " + outage + ", leaders moved off it, up, leaders back";
    case FaultKind::kLeaderMoves:
      return "every partition's leader moved";
    case FaultKind::kKillKafka:
      return "Apache Kafka SIGKILL, down " + outage + ", restarted on its data";
  }
  return "?";
}

std::vector<Fault> PlanFaults(std::vector<Fault> faults, absl::Duration stream, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::shuffle(faults.begin(), faults.end(), random);
  if (faults.empty()) return faults;
  const absl::Duration begin = stream * 0.10;
  const absl::Duration slot = (stream * 0.85 - begin) / static_cast<double>(faults.size());
  for (size_t i = 0; i < faults.size(); ++i) {
    const absl::Duration room = std::max(absl::ZeroDuration(), slot - faults[i].outage);
    const double fraction = std::uniform_real_distribution<double>(0.0, 1.0)(random);
    faults[i].at = begin + slot * static_cast<double>(i) + room * fraction;
  }
  return faults;
}

}  // namespace oversight::faults
