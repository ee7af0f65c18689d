// The fault suite on the embedded broker (librdkafka's mock cluster, three brokers): every
// service killed with SIGKILL and restarted, request errors, dropped connections, a broker down
// with its partitions' leaders moved away and back, leader moves, redis-server stopped and
// started (AOF), the SMTP listener stopped and started; then nothing lost, nothing doubled.
#include "scenario.h"

namespace oversight::faults {
namespace {

TEST(FaultSuiteTest, EmbeddedBrokerServicesKilledBrokerFaultsRedisAndSmtpStopped) {
  const bool long_run = LongRunRequested();
  FaultRunOptions options;
  options.name = absl::StrCat("Embedded broker (3 brokers), ", long_run ? "long run" : "short run");
  options.broker = kafka::testing::BrokerKind::kEmbedded;
  options.embedded_brokers = 3;
  options.partitions = long_run ? 12 : 3;  // the mock cluster's 5 MB per partition (fault_run.h)
  options.seed = SeedFromEnvironment(20250602);
  ApplyLength(options, long_run);
  std::vector<Fault> faults;
  for (int round = 0; round < (long_run ? 3 : 1); ++round) {
    for (const char* service : {"scheduling", "recording", "oversight-triggers", "notifications"}) {
      faults.push_back({.kind = FaultKind::kKillService, .target = service});
    }
    faults.push_back({.kind = FaultKind::kRequestErrors});
    faults.push_back({.kind = FaultKind::kDropConnections});
    faults.push_back({.kind = FaultKind::kBrokerDown, .outage = absl::Seconds(2)});
    faults.push_back({.kind = FaultKind::kLeaderMoves});
    faults.push_back({.kind = FaultKind::kStopRedis, .outage = absl::Milliseconds(1500)});
    faults.push_back({.kind = FaultKind::kStopSmtp, .outage = absl::Seconds(2)});
  }
  options.faults = PlanFaults(faults, options.stream, options.seed);

  auto report = RunFaultSuite(options);
  ASSERT_TRUE(report.ok()) << report.status();
  CheckReport(*report);
}

}  // namespace
}  // namespace oversight::faults
