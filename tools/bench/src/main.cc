// oversight-bench: the whole system under load, measured from outside (system_bench.h).
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "oversight/flags/flags.h"
#include "system_bench.h"

namespace {

constexpr char kUsage[] = R"(usage: oversight-bench [flags]

Starts redis-server (AOF everysec), a Kafka broker and the four services of this build, and
measures them end to end (see tools/bench/README.md). Flags:
  --broker embedded|real     Kafka: the embedded broker (default) or Apache Kafka, whose
                             address is read from $OVERSIGHT_KAFKA_BOOTSTRAP_FILE
                             (scripts/kafka-broker.sh start <dir> writes <dir>/bootstrap)
  --open-cases N             children allocated before go-live (default 10000)
  --throughput-events N      case events published as fast as the system takes them
                             (default 50000; 0: no throughput phase)
  --rate R                   offered load of the latency and load phases (default 2000/s)
  --latency-seconds S        length of the latency phase (default 25; 0: none)
  --load-seconds S           a load phase of S seconds with every task completed (default 0)
  --window S                 load phase: latency and memory per window of S seconds (30)
  --schedule-sample N        watch every Nth task's schedule item (default 4)
  --max-backlog N            throttle publishing above N unhandled records (default 15000)
  --service-env KEY=VALUE    OVERSIGHT_* setting for every service (repeatable)
  --json PATH                also write every figure as JSON
Service binaries are found under $OVERSIGHT_BINARY_DIR (default: this build).
)";

absl::StatusOr<int64_t> Int(const oversight::flags::Flags& flags, const std::string& name,
                            int64_t fallback) {
  auto value = flags.Get(name);
  if (!value.has_value()) return fallback;
  int64_t n = 0;
  if (!absl::SimpleAtoi(*value, &n) || n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " wants a non-negative integer, not \"", *value, "\""));
  }
  return n;
}

absl::StatusOr<oversight::bench::BenchOptions> Parse(const std::vector<std::string>& args) {
  using oversight::flags::FlagSpec;
  const FlagSpec spec{
      .values = {"broker", "open-cases", "throughput-events", "rate", "latency-seconds",
                 "load-seconds", "window", "schedule-sample", "max-backlog", "json"},
      .repeatable = {"service-env"},
      .switches = {}};
  auto flags = oversight::flags::Flags::Parse(args, spec);
  if (!flags.ok()) return flags.status();
  oversight::bench::BenchOptions options;
  const std::string broker = flags->Get("broker").value_or("embedded");
  if (broker != "embedded" && broker != "real") {
    return absl::InvalidArgumentError("--broker is embedded or real, not \"" + broker + "\"");
  }
  if (broker == "real") options.broker = oversight::kafka::testing::BrokerKind::kReal;
  auto take = [&](const std::string& name, int64_t fallback, int64_t& out) -> absl::Status {
    auto n = Int(*flags, name, fallback);
    if (!n.ok()) return n.status();
    out = *n;
    return absl::OkStatus();
  };
  int64_t rate = 2000, latency = 25, load = 0, window = 30, sample = 4;
  for (auto s :
       {take("open-cases", 10000, options.shape.open_cases),
        take("throughput-events", 50000, options.throughput_events), take("rate", 2000, rate),
        take("latency-seconds", 25, latency), take("load-seconds", 0, load),
        take("window", 30, window), take("schedule-sample", 4, sample),
        take("max-backlog", 15000, options.max_backlog)}) {
    if (!s.ok()) return s;
  }
  if (options.shape.open_cases < 1 || rate < 1 || window < 1 || sample < 1) {
    return absl::InvalidArgumentError(
        "--open-cases, --rate, --window and --schedule-sample must be at least 1");
  }
  options.rate = static_cast<double>(rate);
  options.latency_duration = absl::Seconds(latency);
  options.load_duration = absl::Seconds(load);
  options.window = absl::Seconds(window);
  options.schedule_sample = static_cast<int>(sample);
  for (const std::string& setting : flags->GetAll("service-env")) {
    const auto equals = setting.find('=');
    if (equals == std::string::npos || !setting.starts_with("OVERSIGHT_")) {
      return absl::InvalidArgumentError("--service-env wants OVERSIGHT_KEY=VALUE, not \"" +
                                        setting + "\"");
    }
    options.service_env[setting.substr(0, equals)] = setting.substr(equals + 1);
  }
  options.json_path = flags->Get("json").value_or("");
  // Go-live 60 days before today (the measured events happen now, after it).
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  options.shape.live_from = absl::FromCivil(today - 60, absl::UTCTimeZone());
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  auto options = Parse(args);
  if (!options.ok()) {
    std::cerr << "oversight-bench: " << options.status().message() << "\n" << kUsage;
    return 2;
  }
  setenv("OVERSIGHT_BINARY_DIR", OVERSIGHT_BENCH_BINARY_DIR, /*overwrite=*/0);
  const absl::Status status = oversight::bench::RunSystemBench(*options, std::cout);
  if (!status.ok()) {
    std::cerr << "oversight-bench: FAILED: " << status << "\n";
    return 1;
  }
  return 0;
}
