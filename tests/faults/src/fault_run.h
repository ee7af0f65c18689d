// One run of the fault suite: the four services as processes on a real redis-server (AOF on),
// a Kafka (the embedded broker, or an Apache Kafka of the run's own) and a real SMTP listener;
// a publisher thread sends the workload's HR and case events at a fixed rate while the main
// thread moves the services' manual clocks forward and injects the planned faults; then the
// clocks jump to the end time, the run waits (bounded) until the system has settled, reads
// back what came out and compares it with the expected outcome.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comparison.h"
#include "fault_plan.h"
#include "oversight/kafka/testing/test_broker.h"
#include "workload.h"

namespace oversight::faults {

struct FaultRunOptions {
  std::string name;  // for the report, e.g. "embedded broker"
  kafka::testing::BrokerKind broker = kafka::testing::BrokerKind::kEmbedded;
  int embedded_brokers = 3;
  // Partitions per topic on the embedded broker. librdkafka's mock cluster keeps at most 5 MB
  // per partition and drops the oldest records beyond that, so a long run, whose notifications
  // topic holds far more, needs more partitions for everything to stay readable.
  int partitions = 3;
  uint64_t seed = 1;
  WorkloadOptions workload;
  absl::Duration stream = absl::Seconds(30);  // real time the publisher runs
  double events_per_second = 10;
  absl::Duration tick = absl::Milliseconds(200);      // real time between clock moves
  absl::Time simulated_start;                         // the services' clock at the start
  absl::Duration simulated_stream = absl::Hours(72);  // simulated time the stream covers
  // The end time: 10:00 London on the first working day at least this many days after the
  // stream's last simulated day.
  int days_after = 8;
  std::vector<Fault> faults;  // planned (PlanFaults)
  absl::Duration settle_timeout = absl::Minutes(4);
};

struct FaultRunReport {
  std::string name;
  uint64_t seed = 0;
  int injected = 0;                 // faults injected
  std::vector<std::string> faults;  // what was done when (and how long it took), in order
  int workforce_events = 0;
  int case_events = 0;
  int publish_retries = 0;  // publishes retried (a copy may have reached the topic)
  absl::Time end_time;      // the services' clock when the outcome was read
  absl::Duration stream_wall, settle_wall, total_wall;
  Comparison comparison;

  // The report as Markdown: the run's parameters, the faults, the events and the table.
  std::string Format() const;
};

// Runs everything and stops every process it started. An error for what the run itself could
// not do (a process that did not start, a service that did not come back, a system that did not
// settle in time, a call refused); the comparison says whether the promise was kept.
absl::StatusOr<FaultRunReport> RunFaultSuite(const FaultRunOptions& options);

// Whether OVERSIGHT_FAULT_SUITE_LONG=1 asks for the long run; the seed from
// OVERSIGHT_FAULT_SUITE_SEED, else `fallback`.
bool LongRunRequested();
uint64_t SeedFromEnvironment(uint64_t fallback);

}  // namespace oversight::faults
