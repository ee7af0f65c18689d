// The whole system under load, measured from outside: a real redis-server (AOF everysec), a
// Kafka broker (embedded or Apache Kafka), the four services as processes, and the driver
// publishing as a case system and an HR system would (workload.h). Phases, in order:
//
//  1. directory: the workforce, handled by every service;
//  2. open cases: `open_cases` children allocated before go-live, published with the backlog
//     kept bounded; Redis memory per open case and per pending timer afterwards;
//  3. throughput: `throughput_events` case events published as fast as the system takes them
//     (publishing pauses while more than `max_backlog` records are unhandled); timed from the
//     first publish until every service has handled everything and every outbox is empty;
//     Redis commands and CPU of each process per event;
//  4. latency: a fixed offered load of `rate` case events per second for `latency_duration`;
//     event-to-task latency (publish -> the TaskOpened on the tasks topic) and event-to-
//     schedule latency (publish -> scheduling stored the task's deadline item, every
//     `schedule_sample`th task);
//  5. load (when `load_duration` > 0): the offered load held for that long while every opened
//     task is completed `completion_delay` after it opened (an OversightRecorded, as recording
//     publishes it; a sampled task not before its deadline item was seen, since its
//     completion removes the item: a watch that never saw it would never move on), sampling each
//     process's RSS and Redis used_memory every `sample_interval`; latency percentiles and memory
//     per `window`, with a trend verdict.
//
// Every figure is printed as a Markdown table to `out` and, with `json_path`, written as JSON.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "oversight/kafka/testing/test_broker.h"
#include "workload.h"

namespace oversight::bench {

struct BenchOptions {
  kafka::testing::BrokerKind broker = kafka::testing::BrokerKind::kEmbedded;
  WorkloadShape shape;
  int64_t throughput_events = 50000;  // 0: no throughput phase
  double rate = 2000;
  absl::Duration latency_duration = absl::Seconds(25);  // 0: no latency phase
  absl::Duration load_duration = absl::ZeroDuration();  // 0: no load phase
  absl::Duration window = absl::Seconds(30);
  absl::Duration sample_interval = absl::Seconds(5);
  absl::Duration completion_delay = absl::Seconds(2);
  int schedule_sample = 4;
  int64_t max_backlog = 15000;
  // OVERSIGHT_* settings for every service, over the benchmark's own (log level warn, Devon,
  // go-live 60 days ago).
  std::map<std::string, std::string> service_env;
  std::string json_path;  // "": no JSON
};

// INVALID_ARGUMENT when the throughput and latency phases together would publish more case
// events than the open cases have distinct (child, trigger) pairs (WorkloadShape): a pair that
// comes round again while its task is open links to it, no TaskOpened comes, and the phase
// would wait for it to the end of its timeout. The load phase is not limited (its tasks are
// completed before their pairs repeat).
absl::Status CheckPhasesFit(const BenchOptions& options);

// Runs the phases, after CheckPhasesFit; the first error stops the run (every process started is
// stopped).
absl::Status RunSystemBench(const BenchOptions& options, std::ostream& out);

}  // namespace oversight::bench
