// The fault suite on Apache Kafka 3.9 of the run's own (not the shared kafka_real fixture,
// which other tests use meanwhile): the broker killed with SIGKILL and restarted on its data,
// services killed and restarted, redis-server and the SMTP listener stopped and started; then
// nothing lost, nothing doubled.
#include "scenario.h"

namespace oversight::faults {
namespace {

TEST(FaultSuiteTest, ApacheKafkaKilledAndRestartedWithServicesRedisAndSmtpFaults) {
  const bool long_run = LongRunRequested();
  FaultRunOptions options;
  options.name =
      absl::StrCat("Apache Kafka 3.9.1 (own broker), ", long_run ? "long run" : "short run");
  options.broker = kafka::testing::BrokerKind::kReal;
  options.seed = SeedFromEnvironment(20250603);
  ApplyLength(options, long_run);
  std::vector<Fault> faults;
  for (int round = 0; round < (long_run ? 3 : 1); ++round) {
    faults.push_back({.kind = FaultKind::kKillKafka, .outage = absl::Seconds(2)});
    faults.push_back({.kind = FaultKind::kKillService, .target = "oversight-triggers"});
    faults.push_back({.kind = FaultKind::kKillService, .target = "notifications"});
    faults.push_back({.kind = FaultKind::kStopRedis, .outage = absl::Milliseconds(1500)});
    faults.push_back({.kind = FaultKind::kStopSmtp, .outage = absl::Seconds(2)});
    if (long_run) {
      faults.push_back({.kind = FaultKind::kKillService, .target = "scheduling"});
      faults.push_back({.kind = FaultKind::kKillService, .target = "recording"});
    }
  }
  options.faults = PlanFaults(faults, options.stream, options.seed);

  auto report = RunFaultSuite(options);
  ASSERT_TRUE(report.ok()) << report.status();
  CheckReport(*report);
}

}  // namespace
}  // namespace oversight::faults
