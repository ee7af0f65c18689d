// Case events processed per second end to end inside oversight-triggers: the service binary
// consumes them from Kafka, decides, writes Redis (AOF everysec) with its outbox, and the relay
// publishes the task events to Kafka and has them acknowledged.
//
// The directory (workers and their supervisors) is loaded first through the service; then the
// service stops, N case events are produced (Devon; per child: an allocation, an incident, a
// care-plan change, a professional opinion and a second incident, which links), and the service
// starts again. The clock runs from the first consumed case event to the moment every case
// event is consumed, the outbox is empty and each of the four task events per child was
// relayed (acknowledged by the broker).
//
// Besides events_per_second it prints the CPU each part used per event (the service process
// over its whole run, Redis from INFO cpu, the embedded broker), which says what the machine
// would do without the other work on it: events/s <= cores / (sum of the CPU per event).
//
//   OVERSIGHT_BENCH_EVENTS=100000 (default) OVERSIGHT_BENCH_BROKER=embedded|real (default
//   embedded; real needs OVERSIGHT_KAFKA_BOOTSTRAP_FILE, see tests/fixtures/README.md)
//   OVERSIGHT_BENCH_CONSUMERS=1 (kafka.consumers of the service)
//   OVERSIGHT_BENCH_PARTITIONS=6 (of every topic; 6 is the chart's kafka.partitions: with 3,
//   two consumers split the case events 2:1 and the busier one sets the pace)
//   OVERSIGHT_BENCH_VERBOSE=1 (progress every 0.5 s and Redis INFO commandstats on stderr)
//   OVERSIGHT_BENCH_SERVICE_LOG=<file> (the service's log)
//   build/services/oversight_triggers/oversight_triggers_pipeline_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/event_record.h"
#include "oversight/redis/outbox.h"
#include "oversight/testing/wait_until.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::triggers {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atoi(value) : fallback;
}

// CPU seconds the Redis server used so far (INFO cpu).
double RedisCpuSeconds(redis::Connection& connection) {
  auto info = connection.Command({"INFO", "cpu"});
  if (!info.ok()) return -1;
  double total = 0;
  for (const char* field : {"used_cpu_sys:", "used_cpu_user:"}) {
    const auto at = info->str().find(field);
    if (at != std::string::npos) total += std::atof(info->str().c_str() + at + strlen(field));
  }
  return total;
}

// CPU seconds used so far by each child process of this benchmark, by command name (from
// /proc/<pid>/stat: utime + stime).
std::map<std::string, double> ChildCpuSeconds() {
  std::map<std::string, double> cpu;
  const long ticks = sysconf(_SC_CLK_TCK);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
    if (fields.size() < 13 || std::stoi(fields[1]) != getpid()) continue;
    cpu[line.substr(open + 1, close - open - 1)] +=
        (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
  }
  return cpu;
}

// The sum of a counter family's samples whose labels contain `label` (Prometheus text).
double Sum(const std::string& metrics, const std::string& family, const std::string& label) {
  double total = 0;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(family + "{") || line.find(label) == std::string::npos) continue;
    total += std::atof(line.substr(line.rfind(' ') + 1).c_str());
  }
  return total;
}

template <typename Event>
Event Case(const std::string& id, const std::string& child, absl::Time at) {
  Event event;
  event.mutable_meta()->set_event_id(id);
  event.mutable_meta()->set_authority_id("devon");
  event.mutable_meta()->set_subject(child);
  event.mutable_meta()->set_source("bench://lcs");
  events::ToTimestamp(at, event.mutable_meta()->mutable_occurred_at());
  event.set_child_id(child);
  return event;
}

absl::Status Produce(kafka::Producer& producer, const std::string& topic, const std::string& key,
                     const google::protobuf::Message& event) {
  auto record = kafka::MakeEventRecord(topic, key, event, kafka::ContentType::kProtobuf);
  if (!record.ok()) return record.status();
  return producer.Produce(*std::move(record), nullptr);
}

void BM_CaseEventsEndToEnd(benchmark::State& state) {
  const int events_wanted = EnvInt("OVERSIGHT_BENCH_EVENTS", 100000);
  const char* broker_env = std::getenv("OVERSIGHT_BENCH_BROKER");
  const bool real = broker_env != nullptr && std::string(broker_env) == "real";
  constexpr int kWorkers = 400, kManagers = 40, kEventsPerChild = 5;
  const int children = events_wanted / kEventsPerChild;
  const int events_total = children * kEventsPerChild;

  for (auto _ : state) {
    e2e::SystemOptions options;
    options.broker =
        real ? kafka::testing::BrokerKind::kReal : kafka::testing::BrokerKind::kEmbedded;
    options.embedded.partitions = EnvInt("OVERSIGHT_BENCH_PARTITIONS", 6);
    auto system = e2e::System::Create(options);
    if (!system.ok()) {
      state.SkipWithError(system.status().ToString().c_str());
      return;
    }
    auto service = (*system)->StartService(
        e2e::kTriggers,
        {{"OVERSIGHT_LOG_LEVEL", "warn"},
         {"OVERSIGHT_KAFKA_CONSUMERS", std::to_string(EnvInt("OVERSIGHT_BENCH_CONSUMERS", 1))}});
    if (!service.ok()) {
      state.SkipWithError(service.status().ToString().c_str());
      return;
    }
    // The directory: workers -> managers -> one head of service.
    kafka::Producer& producer = (*system)->producer();
    const std::string workforce = (*system)->Topic("workforce_events");
    const std::string cases = (*system)->Topic("case_events");
    const absl::Time start = absl::FromUnixSeconds(1'780'000'000);  // Thu 28 May 2026
    auto joined = [&](const std::string& worker, const std::string& supervisor) {
      workforce::v1::WorkerJoined event;
      event.mutable_meta()->set_event_id("hr-" + worker);
      event.mutable_meta()->set_authority_id("devon");
      event.mutable_meta()->set_subject(worker);
      events::ToTimestamp(start, event.mutable_meta()->mutable_occurred_at());
      event.set_worker_id(worker);
      event.set_supervisor_id(supervisor);
      event.set_team_id(absl::StrCat("team-", supervisor));
      return Produce(producer, workforce, worker, event);
    };
    absl::Status produced = joined("head-1", "");
    for (int m = 0; m < kManagers && produced.ok(); ++m) {
      produced = joined(absl::StrCat("manager-", m), "head-1");
    }
    for (int w = 0; w < kWorkers && produced.ok(); ++w) {
      produced = joined(absl::StrCat("worker-", w), absl::StrCat("manager-", w % kManagers));
    }
    if (produced.ok()) produced = producer.Flush(absl::Seconds(60));
    const int directory_events = 1 + kManagers + kWorkers;
    auto consumed = [&](const std::string& topic) {
      auto metrics = (*service)->ScrapeMetrics();
      return metrics.ok() ? Sum(*metrics, "oversight_events_consumed_total",
                                absl::StrCat("topic=\"", topic, "\""))
                          : -1;
    };
    if (!produced.ok() ||
        !testing::WaitUntil([&] { return consumed(workforce) >= directory_events; },
                            absl::Seconds(120))) {
      state.SkipWithError("the directory was not loaded");
      return;
    }

    // The case events, produced while the service is stopped.
    if (auto stopped = (*service)->Terminate(); !stopped.ok() || *stopped != 0) {
      state.SkipWithError("the service did not stop cleanly");
      return;
    }
    for (int c = 0; c < children && produced.ok(); ++c) {
      const std::string child = absl::StrCat("child-", c);
      const absl::Time at = start + absl::Minutes(c % 600);
      auto allocated = Case<cases::v1::CaseAllocated>(child + "-a", child, at);
      allocated.set_worker_id(absl::StrCat("worker-", c % kWorkers));
      allocated.set_team_id(absl::StrCat("team-manager-", (c % kWorkers) % kManagers));
      allocated.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
      produced = Produce(producer, cases, child, allocated);
      if (produced.ok()) {
        produced = Produce(
            producer, cases, child,
            Case<cases::v1::SignificantIncident>(child + "-i1", child, at + absl::Hours(1)));
      }
      if (produced.ok()) {
        produced =
            Produce(producer, cases, child,
                    Case<cases::v1::CarePlanChanged>(child + "-p", child, at + absl::Hours(2)));
      }
      if (produced.ok()) {
        produced = Produce(
            producer, cases, child,
            Case<cases::v1::ProfessionalOpinionUsed>(child + "-o", child, at + absl::Hours(3)));
      }
      if (produced.ok()) {
        produced = Produce(
            producer, cases, child,
            Case<cases::v1::SignificantIncident>(child + "-i2", child, at + absl::Hours(4)));
      }
    }
    if (produced.ok()) produced = producer.Flush(absl::Seconds(120));
    if (!produced.ok()) {
      state.SkipWithError(produced.ToString().c_str());
      return;
    }

    // Measure: from the first case event consumed to all consumed and the outbox empty.
    const absl::Time restarted_at = absl::Now();
    if (auto restarted = (*service)->Restart(); !restarted.ok()) {
      state.SkipWithError(restarted.ToString().c_str());
      return;
    }
    auto redis = redis::Connection::Connect((*system)->redis().connection_options());
    if (!redis.ok()) {
      state.SkipWithError("no redis connection");
      return;
    }
    const std::string outbox = redis::OutboxKey("devon", "oversight-triggers");
    // Per child: four tasks opened (the second incident links to the first's task).
    const double task_events_expected = children * (kEventsPerChild - 1);
    auto relayed = [&] {
      auto metrics = (*service)->ScrapeMetrics();
      return metrics.ok() ? Sum(*metrics, "oversight_outbox_relayed_total", "") : -1;
    };
    (void)(*redis)->Command({"CONFIG", "RESETSTAT"});
    const double redis_cpu_before = RedisCpuSeconds(**redis);
    const std::map<std::string, double> cpu_before = ChildCpuSeconds();
    absl::Time first = absl::InfiniteFuture();
    absl::Time done = absl::InfiniteFuture();
    const absl::Time give_up = absl::Now() + absl::Minutes(10);
    const bool verbose = std::getenv("OVERSIGHT_BENCH_VERBOSE") != nullptr;
    absl::Time last_progress = absl::InfinitePast();
    while (absl::Now() < give_up) {
      const double n = consumed(cases);
      const absl::Time now = absl::Now();
      if (n > 0 && first == absl::InfiniteFuture()) first = now;
      if (verbose && now - last_progress >= absl::Milliseconds(500)) {
        std::fprintf(stderr, "progress: %.2f s after the restart, %.0f case events consumed\n",
                     absl::ToDoubleSeconds(now - restarted_at), n);
        last_progress = now;
      }
      // A record delivered again (a rebalance moves a partition before its offsets were
      // committed) counts as consumed twice, so the end is also every task event relayed.
      if (n >= events_total) {
        auto pending = (*redis)->Command({"XLEN", outbox});
        if (pending.ok() && pending->integer() == 0 && relayed() >= task_events_expected) {
          done = now;
          break;
        }
      }
      // A scrape costs the service a millisecond or more of CPU (every series serialized), so
      // polling is fine-grained only at both ends of the run and every 100 ms between: at 20 ms
      // throughout, perf found the scrapes in 18 % of the service's samples.
      const bool at_an_end = n <= 0 || n >= events_total * 0.97;
      absl::SleepFor(absl::Milliseconds(at_an_end ? 10 : 100));
    }
    if (done == absl::InfiniteFuture()) {
      state.SkipWithError("the events were not all processed within 10 minutes");
      return;
    }
    const double seconds = absl::ToDoubleSeconds(done - first);
    state.SetIterationTime(seconds);
    auto metrics = (*service)->ScrapeMetrics();
    state.counters["redis_cpu_us_per_event"] =
        (RedisCpuSeconds(**redis) - redis_cpu_before) * 1e6 / events_total;
    // CPU per event of the service (its whole run since the restart) and of the broker.
    for (const auto& [name, seconds] : ChildCpuSeconds()) {
      const std::string label = name.starts_with("oversight-overs")   ? "service"
                                : name.starts_with("oversight-embed") ? "broker"
                                                                      : "";
      if (label.empty()) continue;
      const auto before = cpu_before.find(name);
      const double used =
          seconds - (label == "service" || before == cpu_before.end() ? 0 : before->second);
      state.counters[label + "_cpu_us_per_event"] = used * 1e6 / events_total;
    }
    if (std::getenv("OVERSIGHT_BENCH_VERBOSE") != nullptr) {
      auto stats = (*redis)->Command({"INFO", "commandstats"});
      if (stats.ok()) std::fprintf(stderr, "%s\n", stats->str().c_str());
    }
    state.counters["events"] = events_total;
    state.counters["events_per_second"] = events_total / seconds;
    state.counters["task_events_relayed"] =
        metrics.ok() ? Sum(*metrics, "oversight_outbox_relayed_total", "") : -1;
    state.counters["dead_letters"] =
        metrics.ok() ? Sum(*metrics, "oversight_dead_letters_total", "") : -1;
    if (const char* log = std::getenv("OVERSIGHT_BENCH_SERVICE_LOG")) {
      if (FILE* out = std::fopen(log, "w")) {
        std::fputs((*service)->ReadLog().c_str(), out);
        std::fclose(out);
      }
    }
    (void)(*service)->Terminate();
  }
}
BENCHMARK(BM_CaseEventsEndToEnd)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace oversight::triggers
