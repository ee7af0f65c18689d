#include "system_bench.h"

#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "completion_queue.h"
#include "latency_meter.h"
#include "oversight/e2e/system.h"
#include "oversight/kafka/event_record.h"
#include "oversight/kafka/watermarks.h"
#include "process_stats.h"
#include "progress.h"
#include "redis_info.h"
#include "schedule_watch.h"
#include "stats.h"
#include "task_tail.h"

namespace oversight::bench {
namespace {

using nlohmann::json;

constexpr absl::Duration kSettleTimeout = absl::Minutes(20);
// How often a settle check scrapes every service's /metrics (each scrape costs the service).
constexpr absl::Duration kSettlePoll = absl::Milliseconds(50);

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  in >> one >> five >> fifteen;
  return absl::StrFormat("%.2f %.2f %.2f", one, five, fifteen);
}

// The services, by their System names, with their labels in the tables.
const std::vector<std::pair<std::string, std::string>>& Services() {
  static const auto* services = new std::vector<std::pair<std::string, std::string>>{
      {e2e::kTriggers, "triggers"},
      {e2e::kScheduling, "scheduling"},
      {e2e::kNotifications, "notifications"},
      {e2e::kRecording, "recording"},
  };
  return *services;
}

// Publishes Publications as the case system and the HR system, counting failed deliveries.
class Publisher {
 public:
  static absl::StatusOr<std::unique_ptr<Publisher>> Create(e2e::System& system) {
    kafka::ProducerConfig config;
    config.client = system.broker().client_config();
    config.client.client_id = "oversight-bench";
    config.client.properties["linger.ms"] = "1";
    auto producer = kafka::Producer::Create(config);
    if (!producer.ok()) return producer.status();
    return std::unique_ptr<Publisher>(new Publisher(system, *std::move(producer)));
  }

  absl::Status Publish(const Publication& publication) {
    auto record = kafka::MakeEventRecord(system_.Topic(publication.topic), publication.key,
                                         *publication.message, kafka::ContentType::kProtobuf);
    if (!record.ok()) return record.status();
    return producer_->Produce(*std::move(record),
                              [this](const absl::Status& status, const kafka::Delivery&) {
                                if (status.ok()) return;
                                std::lock_guard lock(mutex_);
                                if (error_.ok()) error_ = status;
                              });
  }

  // Waits for every delivery report; the first failed delivery, if any.
  absl::Status Flush() {
    if (auto s = producer_->Flush(absl::Minutes(2)); !s.ok()) return s;
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  Publisher(e2e::System& system, std::unique_ptr<kafka::Producer> producer)
      : system_(system), producer_(std::move(producer)) {}

  e2e::System& system_;
  std::unique_ptr<kafka::Producer> producer_;
  std::mutex mutex_;
  absl::Status error_;
};

// CPU seconds per process label between two samples.
std::map<std::string, double> CpuBetween(const std::map<std::string, ProcessStats>& before,
                                         const std::map<std::string, ProcessStats>& after) {
  std::map<std::string, double> out;
  for (const auto& [command, stats] : after) {
    auto it = before.find(command);
    out[ProcessLabel(command)] =
        stats.cpu_seconds - (it == before.end() ? 0 : it->second.cpu_seconds);
  }
  return out;
}

json ToJson(const Percentiles& p) {
  return {{"count", p.count}, {"p50_ms", p.p50_ms}, {"p99_ms", p.p99_ms}, {"max_ms", p.max_ms}};
}

std::string Ms(const Percentiles& p) {
  if (p.count == 0) return "-";
  return absl::StrFormat("%.1f / %.1f / %.1f", p.p50_ms, p.p99_ms, p.max_ms);
}

class Bench {
 public:
  Bench(const BenchOptions& options, std::ostream& out)
      : options_(options), out_(out), workload_(options.shape) {}

  absl::Status Run() {
    if (auto s = CheckPhasesFit(options_); !s.ok()) return s;
    if (auto s = Start(); !s.ok()) return s;
    if (auto s = LoadDirectory(); !s.ok()) return s;
    if (auto s = LoadOpenCases(); !s.ok()) return s;
    if (options_.throughput_events > 0) {
      if (auto s = Throughput(); !s.ok()) return s;
    }
    if (options_.latency_duration > absl::ZeroDuration()) {
      if (auto s = Fixed("latency", options_.latency_duration, false); !s.ok()) return s;
    }
    if (options_.load_duration > absl::ZeroDuration()) {
      if (auto s = Fixed("load", options_.load_duration, true); !s.ok()) return s;
    }
    if (auto s = Memory(); !s.ok()) return s;
    Stop();
    return WriteJson();
  }

 private:
  absl::Status Start() {
    results_["machine"] = {{"cores", std::thread::hardware_concurrency()},
                           {"load_average_at_start", LoadAverage()}};
    results_["shape"] = {{"authority", options_.shape.authority},
                         {"managers", options_.shape.managers},
                         {"workers", options_.shape.workers},
                         {"open_cases", options_.shape.open_cases}};
    out_ << "# oversight-bench: " << std::thread::hardware_concurrency() << " cores, load average "
         << LoadAverage() << ", broker "
         << (options_.broker == kafka::testing::BrokerKind::kReal ? "Apache Kafka" : "embedded")
         << ", " << options_.shape.open_cases << " open cases\n\n";
    auto system = e2e::System::Create(options_.broker);
    if (!system.ok()) return system.status();
    system_ = *std::move(system);
    std::map<std::string, std::string> env = {
        {"OVERSIGHT_LOG_LEVEL", "warn"},
        {"OVERSIGHT_POLICY_AUTHORITIES", options_.shape.authority},
        {"OVERSIGHT_POLICY_LIVE_FROM",
         absl::FormatTime("%Y-%m-%d", options_.shape.live_from, absl::UTCTimeZone())},
    };
    for (const auto& [key, value] : options_.service_env)
      env[key] = value;
    std::map<std::string, e2e::ServiceProcess*> processes;
    for (const auto& [name, label] : Services()) {
      auto started = system_->StartService(name, env);
      if (!started.ok()) return started.status();
      processes[label] = *started;
    }
    auto watermarks = kafka::WatermarkReader::Create(system_->broker().client_config());
    if (!watermarks.ok()) return watermarks.status();
    watermarks_ = *std::move(watermarks);
    progress_ = std::make_unique<Progress>(processes, *watermarks_);
    auto publisher = Publisher::Create(*system_);
    if (!publisher.ok()) return publisher.status();
    publisher_ = *std::move(publisher);
    auto redis = redis::Connection::Connect(system_->redis().connection_options());
    if (!redis.ok()) return redis.status();
    redis_ = *std::move(redis);
    if (const char* file = std::getenv("OVERSIGHT_KAFKA_BOOTSTRAP_FILE");
        file != nullptr && options_.broker == kafka::testing::BrokerKind::kReal) {
      std::ifstream pid_file(std::filesystem::path(file).parent_path() / "kafka.pid");
      pid_file >> broker_pid_;
    }
    std::vector<std::string> pids;
    for (const auto& [command, stats] : SampleAll()) {
      pids.push_back(absl::StrCat(ProcessLabel(command), "=", stats.pid));
    }
    out_ << "processes: " << absl::StrJoin(pids, " ") << std::endl;  // for perf -p
    return progress_->Baseline();
  }

  void Stop() {
    tail_.reset();
    watch_.reset();
    publisher_.reset();
    system_.reset();
  }

  // Every process's CPU so far (the services, Redis, the embedded broker or the JVM, this).
  std::map<std::string, ProcessStats> SampleAll() const {
    auto sample = SampleChildren();
    if (broker_pid_ > 0) sample["kafka-jvm"] = SampleProcess(broker_pid_);
    return sample;
  }

  absl::Status PublishAll(const std::vector<Publication>& publications) {
    for (const auto& p : publications) {
      if (auto s = publisher_->Publish(p); !s.ok()) return s;
    }
    return publisher_->Flush();
  }

  absl::Status LoadDirectory() {
    const absl::Time start = absl::Now();
    if (auto s = PublishAll(workload_.Directory()); !s.ok()) return s;
    auto settled = progress_->WaitUntilSettled(kSettleTimeout, kSettlePoll);
    if (!settled.ok()) return settled.status();
    out_ << "directory: " << options_.shape.managers + options_.shape.workers + 1
         << " workers handled by every service in "
         << absl::FormatDuration(absl::Trunc(*settled - start, absl::Milliseconds(1))) << std::endl;
    return absl::OkStatus();
  }

  // Waits while more than max_backlog records are unhandled somewhere.
  absl::Status Throttle() {
    while (true) {
      auto backlog = progress_->Read();
      if (!backlog.ok()) return backlog.status();
      if (backlog->unhandled <= options_.max_backlog) return absl::OkStatus();
      absl::SleepFor(absl::Milliseconds(100));  // a read scrapes every service's /metrics
    }
  }

  absl::Status LoadOpenCases() {
    auto memory_before = InfoField(*redis_, "memory", "used_memory");
    if (!memory_before.ok()) return memory_before.status();
    const int64_t n = options_.shape.open_cases;
    const absl::Time start = absl::Now();
    for (int64_t i = 0; i < n; ++i) {
      if (auto s = publisher_->Publish(workload_.OpenCase(i)); !s.ok()) return s;
      if (i % 2000 == 1999) {
        if (auto s = Throttle(); !s.ok()) return s;
      }
      if (i % 100000 == 99999) {
        out_ << "  open cases published: " << i + 1 << " of " << n << std::endl;
      }
    }
    if (auto s = publisher_->Flush(); !s.ok()) return s;
    auto settled = progress_->WaitUntilSettled(kSettleTimeout, kSettlePoll);
    if (!settled.ok()) return settled.status();
    const double seconds = absl::ToDoubleSeconds(*settled - start);
    auto memory_after = InfoField(*redis_, "memory", "used_memory");
    if (!memory_after.ok()) return memory_after.status();
    auto timers =
        redis_->Command({"ZCARD", absl::StrCat("ovs:{", options_.shape.authority, "}:sch:timers")});
    if (!timers.ok()) return timers.status();
    const double per_case = (*memory_after - *memory_before) / std::max<int64_t>(1, n);
    results_["open_cases"] = {{"cases", n},
                              {"seconds", seconds},
                              {"cases_per_second", n / seconds},
                              {"used_memory_before", *memory_before},
                              {"used_memory_after", *memory_after},
                              {"bytes_per_open_case", per_case},
                              {"pending_timers", timers->integer()}};
    out_ << absl::StrFormat(
        "open cases: %d allocated before go-live, handled in %.1f s (%.0f per second); Redis "
        "used_memory %.1f MB -> %.1f MB: %.0f bytes per open case; %d pending timers\n",
        n, seconds, n / seconds, *memory_before / 1e6, *memory_after / 1e6, per_case,
        timers->integer());
    return progress_->Baseline();
  }

  // Starts the tasks-topic reader for events from `first_k` on, with the schedule watcher when
  // `schedules` (not under a backlog: it would only poll keys that are not there yet).
  absl::Status Observe(int64_t first_k, absl::Time origin, bool schedules, bool complete) {
    tail_.reset();  // its callback uses the watch and the meter
    watch_.reset();
    meter_ = std::make_unique<LatencyMeter>(first_k, origin);
    if (schedules) {
      watch_ = std::make_unique<ScheduleWatch>(
          system_->redis().connection_options(), options_.shape.authority,
          [this](int64_t k, absl::Time seen) { meter_->ScheduleStored(k, seen); });
    }
    auto tail = TaskTail::Start(
        system_->broker().client_config(), system_->Topic("tasks"),
        [this, complete](const triggers::v1::TaskOpened& opened, absl::Time arrived) {
          const int64_t k = Workload::SequenceOf(opened.task().caused_by_event_id());
          if (!meter_->TaskArrived(k, arrived)) return;
          if (watch_ != nullptr && k % options_.schedule_sample == 0) {
            watch_->Watch(k, opened.task().task_id());
          }
          if (complete) {
            std::lock_guard lock(completions_mutex_);
            completions_.Add({arrived + options_.completion_delay, k, opened.task().task_id(),
                              opened.task().child_id()});
          }
        });
    if (!tail.ok()) return tail.status();
    tail_ = *std::move(tail);
    return absl::OkStatus();
  }

  // Waits until every event's TaskOpened arrived and the system settled; returns when.
  absl::StatusOr<absl::Time> Settle(int64_t expected_tasks) {
    const absl::Time deadline = absl::Now() + kSettleTimeout;
    while (meter_->tasks() < expected_tasks && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    const absl::Time tasks_done = absl::Now();
    auto settled = progress_->WaitUntilSettled(kSettleTimeout, kSettlePoll);
    if (!settled.ok()) return settled.status();
    if (meter_->tasks() < expected_tasks) {
      return absl::DeadlineExceededError(absl::StrCat(meter_->tasks(), " of ", expected_tasks,
                                                      " TaskOpened arrived on the tasks topic"));
    }
    return std::max(tasks_done, *settled);
  }

  // Read events Redis has processed (INFO stats total_reads_processed): each is one request
  // arriving from a client, a single command or a whole pipeline, so a close count of round
  // trips (the benchmark's own reads, a few per second, included).
  double RedisReads() {
    auto reads = InfoField(*redis_, "stats", "total_reads_processed");
    return reads.ok() ? *reads : -1;
  }

  // What a phase cost: CPU per event of each process, Redis commands and round trips per event.
  void Costs(json& phase, const std::map<std::string, ProcessStats>& cpu_before,
             const std::map<std::string, CommandStat>& commands_before, double reads_before,
             int64_t events) {
    const auto cpu = CpuBetween(cpu_before, SampleAll());
    double total = 0;
    json per_process = json::object();
    std::vector<std::string> parts;
    for (const auto& [label, seconds] : cpu) {
      per_process[label] = seconds * 1e6 / events;
      if (label != "driver") total += seconds;
      parts.push_back(absl::StrFormat("%s %.1f", label, seconds * 1e6 / events));
    }
    phase["cpu_us_per_event"] = per_process;
    phase["cpu_us_per_event_system"] = total * 1e6 / events;
    out_ << absl::StrFormat("  CPU per event (µs): %s; system total %.1f µs (without the driver)\n",
                            absl::StrJoin(parts, ", "), total * 1e6 / events);
    auto commands_after = CommandStats(*redis_);
    if (!commands_after.ok()) return;
    const auto delta = Difference(*commands_after, commands_before);
    json commands = json::object();
    std::vector<std::string> listed;
    for (const auto& [name, stat] : delta) {
      commands[name] = {{"calls_per_event", static_cast<double>(stat.calls) / events},
                        {"usec_per_event", stat.usec / events}};
      listed.push_back(absl::StrFormat("%s %.2f", name, static_cast<double>(stat.calls) / events));
    }
    phase["redis_commands"] = commands;
    out_ << "  Redis commands per event (calls; script commands also under their names): "
         << absl::StrJoin(listed, ", ") << std::endl;
    const double reads_after = RedisReads();
    if (reads_before >= 0 && reads_after >= 0) {
      const double per_event = (reads_after - reads_before) / events;
      phase["redis_round_trips_per_event"] = per_event;
      out_ << absl::StrFormat(
          "  Redis round trips per event (INFO stats total_reads_processed): %.2f\n", per_event);
    }
  }

  absl::Status Throughput() {
    const int64_t n = options_.throughput_events;
    const int64_t first = next_k_;
    auto commands_before = CommandStats(*redis_);
    if (!commands_before.ok()) return commands_before.status();
    const double reads_before = RedisReads();
    const auto cpu_before = SampleAll();
    const std::string load_before = LoadAverage();
    const absl::Time start = absl::Now();
    if (auto s = Observe(first, start, false, false); !s.ok()) return s;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = next_k_++;
      if (auto s = publisher_->Publish(workload_.CaseEvent(k, absl::Now())); !s.ok()) return s;
      meter_->Published(k, absl::Now());
      if (i % 1000 == 999) {
        while (meter_->published() - meter_->tasks() > options_.max_backlog) {
          absl::SleepFor(absl::Milliseconds(2));
        }
      }
      if (i % 5000 == 4999) {
        if (auto s = Throttle(); !s.ok()) return s;
      }
    }
    if (auto s = publisher_->Flush(); !s.ok()) return s;
    auto done = Settle(n);
    if (!done.ok()) return done.status();
    const double seconds = absl::ToDoubleSeconds(*done - start);
    json phase = {{"events", n},
                  {"seconds", seconds},
                  {"events_per_second", n / seconds},
                  {"tasks_opened", meter_->tasks()},
                  {"repeated_tasks", meter_->repeated_tasks()},
                  {"load_average_before", load_before},
                  {"load_average_after", LoadAverage()}};
    auto latencies = meter_->TaskLatencies();
    std::vector<double> ms;
    for (const auto& l : latencies)
      ms.push_back(l.latency_ms);
    phase["task_latency_under_backlog"] = ToJson(Summarize(ms));
    out_ << absl::StrFormat(
        "throughput: %d case events in %.2f s: %.0f events per second (first publish -> every "
        "service settled, every outbox empty); %d TaskOpened; load average %s -> %s\n",
        n, seconds, n / seconds, meter_->tasks(), load_before, LoadAverage());
    Costs(phase, cpu_before, *commands_before, reads_before, n);
    results_["throughput"] = phase;
    return progress_->Baseline();
  }

  // Memory figures of every process and Redis now.
  json MemorySample(absl::Time origin) {
    json sample = {{"t_s", absl::ToDoubleSeconds(absl::Now() - origin)}};
    for (const auto& [command, stats] : SampleAll()) {
      sample["rss_bytes"][ProcessLabel(command)] = stats.rss_bytes;
    }
    auto used = InfoField(*redis_, "memory", "used_memory");
    sample["redis_used_memory"] = used.ok() ? *used : -1;
    auto keys = redis_->Command({"DBSIZE"});
    sample["redis_keys"] = keys.ok() ? keys->integer() : -1;
    return sample;
  }

  // Publishes completions that are due (load phase; CompletionQueue holds a sampled task's
  // until its deadline item was seen).
  absl::Status PublishDueCompletions(absl::Time now) {
    std::vector<Completion> due;
    {
      std::lock_guard lock(completions_mutex_);
      due = completions_.TakeDue(now);
    }
    for (const auto& c : due) {
      if (auto s = publisher_->Publish(workload_.Completion(c.k, c.task_id, c.child_id, now));
          !s.ok()) {
        return s;
      }
      ++completions_published_;
    }
    return absl::OkStatus();
  }

  absl::Status Fixed(const std::string& name, absl::Duration duration, bool load) {
    const int64_t first = next_k_;
    const int64_t n = static_cast<int64_t>(options_.rate * absl::ToDoubleSeconds(duration));
    if (load && n > workload_.DistinctEvents() / 2) {
      // A child's trigger comes round again after DistinctEvents events: its task must have
      // been completed by then, or the event links to it instead of opening a task.
      out_ << "  note: " << n << " events over " << workload_.DistinctEvents()
           << " distinct (child, trigger) pairs: pairs repeat, each after its task completed\n";
    }  // the latency phase's fit was checked before anything started (CheckPhasesFit)
    auto commands_before = CommandStats(*redis_);
    if (!commands_before.ok()) return commands_before.status();
    const double reads_before = RedisReads();
    const auto cpu_before = SampleAll();
    const std::string load_before = LoadAverage();
    const absl::Time start = absl::Now();
    completions_published_ = 0;
    {
      std::lock_guard lock(completions_mutex_);
      completions_.ResetCounts();
    }
    if (auto s = Observe(first, start, true, load); !s.ok()) return s;
    json samples = json::array();
    samples.push_back(MemorySample(start));
    absl::Time next_sample = start + options_.sample_interval;
    absl::Time next_progress = start + absl::Seconds(30);
    for (int64_t i = 0; i < n; ++i) {
      const absl::Time due = start + absl::Seconds(static_cast<double>(i) / options_.rate);
      absl::Time now = absl::Now();
      while (now < due) {
        absl::SleepFor(std::min(due - now, absl::Milliseconds(1)));
        now = absl::Now();
      }
      const int64_t k = next_k_++;
      if (auto s = publisher_->Publish(workload_.CaseEvent(k, now)); !s.ok()) return s;
      meter_->Published(k, now);
      if (load && i % 64 == 0) {
        if (auto s = PublishDueCompletions(now); !s.ok()) return s;
      }
      if (load && now >= next_sample) {
        samples.push_back(MemorySample(start));
        next_sample += options_.sample_interval;
      }
      if (now >= next_progress) {
        out_ << absl::StrFormat("  %s: %.0f s, %d published, %d tasks, %d completions\n", name,
                                absl::ToDoubleSeconds(now - start), meter_->published(),
                                meter_->tasks(), completions_published_)
             << std::flush;
        next_progress += absl::Seconds(30);
      }
    }
    const absl::Time published_all = absl::Now();
    if (load) {
      // The last completions, so that the system ends with no task left open by the run.
      while (true) {
        {
          std::lock_guard lock(completions_mutex_);
          if (completions_.empty() && meter_->tasks() >= n) break;
        }
        if (absl::Now() - published_all > kSettleTimeout) {
          return absl::DeadlineExceededError("load: the last tasks never arrived");
        }
        if (auto s = PublishDueCompletions(absl::Now()); !s.ok()) return s;
        absl::SleepFor(absl::Milliseconds(5));
      }
    }
    if (auto s = publisher_->Flush(); !s.ok()) return s;
    auto done = Settle(n);
    if (!done.ok()) return done.status();
    if (load) samples.push_back(MemorySample(start));
    const double publish_seconds = absl::ToDoubleSeconds(published_all - start);
    json phase = {{"events", n},
                  {"offered_rate", options_.rate},
                  {"achieved_rate", n / publish_seconds},
                  {"seconds", publish_seconds},
                  {"tasks_opened", meter_->tasks()},
                  {"missing_tasks", meter_->MissingTasks()},
                  {"repeated_tasks", meter_->repeated_tasks()},
                  {"schedule_sample", options_.schedule_sample},
                  {"completions", completions_published_},
                  {"completions_before_schedule_seen", completions_.released_unready()},
                  {"load_average_before", load_before},
                  {"load_average_after", LoadAverage()}};
    auto task = meter_->TaskLatencies();
    auto schedule = meter_->ScheduleLatencies();
    std::vector<double> task_ms, schedule_ms;
    for (const auto& l : task)
      task_ms.push_back(l.latency_ms);
    for (const auto& l : schedule)
      schedule_ms.push_back(l.latency_ms);
    const Percentiles task_all = Summarize(task_ms);
    const Percentiles schedule_all = Summarize(schedule_ms);
    phase["task_latency"] = ToJson(task_all);
    phase["schedule_latency"] = ToJson(schedule_all);
    out_ << absl::StrFormat(
        "%s: %d case events offered at %.0f/s (achieved %.0f/s) over %.0f s; load average %s "
        "-> %s\n  event -> TaskOpened on the tasks topic (p50 / p99 / max ms): %s (%d tasks)\n"
        "  event -> schedule item stored (p50 / p99 / max ms): %s (every %dth task, %d)\n",
        name, n, options_.rate, n / publish_seconds, publish_seconds, load_before, LoadAverage(),
        Ms(task_all), task_all.count, Ms(schedule_all), options_.schedule_sample,
        schedule_all.count);
    if (load) {
      out_ << "  completions published: " << completions_published_;
      if (completions_.released_unready() > 0) {
        out_ << " (" << completions_.released_unready()
             << " of sampled tasks whose deadline item the watch had not seen after "
             << absl::FormatDuration(completions_.hold_limit()) << ")";
      }
      out_ << "\n";
      phase["windows"] = LoadWindows(task, schedule, samples, publish_seconds);
      phase["memory_samples"] = samples;
    }
    Costs(phase, cpu_before, *commands_before, reads_before, n);
    results_[name] = phase;
    return progress_->Baseline();
  }

  // The load phase per window, with the trend verdicts.
  json LoadWindows(const std::vector<TimedLatency>& task, const std::vector<TimedLatency>& schedule,
                   const json& samples, double seconds) {
    const double window = absl::ToDoubleSeconds(options_.window);
    const auto task_windows = Windows(task, window, seconds);
    const auto schedule_windows = Windows(schedule, window, seconds);
    std::vector<std::string> labels;
    for (const auto& [label, rss] : samples.front()["rss_bytes"].items())
      labels.push_back(label);
    // Memory at the end of each window: the last sample taken in it.
    auto memory_at = [&](double end, const std::string& key, const std::string& label) -> double {
      double value = -1;
      for (const auto& sample : samples) {
        if (sample["t_s"].get<double>() > end + 1e-6) break;
        value = label.empty() ? sample[key].get<double>() : sample[key][label].get<double>();
      }
      return value;
    };
    out_ << "\n| window (s) | tasks | p50 ms | p99 ms | max ms | schedule p99 ms |";
    for (const auto& label : labels)
      out_ << " " << label << " RSS MB |";
    out_ << " Redis used_memory MB | Redis keys |\n|---|---|---|---|---|---|";
    for (size_t i = 0; i < labels.size() + 2; ++i)
      out_ << "---|";
    out_ << "\n";
    json windows = json::array();
    std::vector<double> mids, p99s, used;
    std::map<std::string, std::vector<double>> rss;
    for (size_t w = 0; w < task_windows.size(); ++w) {
      const double from = static_cast<double>(w) * window;
      const double to = std::min(seconds, from + window);
      json row = {{"from_s", from},
                  {"to_s", to},
                  {"task_latency", ToJson(task_windows[w])},
                  {"schedule_latency", ToJson(schedule_windows[w])}};
      out_ << absl::StrFormat("| %.0f-%.0f | %d | %.1f | %.1f | %.1f | %.1f |", from, to,
                              task_windows[w].count, task_windows[w].p50_ms, task_windows[w].p99_ms,
                              task_windows[w].max_ms, schedule_windows[w].p99_ms);
      for (const auto& label : labels) {
        const double bytes = memory_at(to, "rss_bytes", label);
        row["rss_bytes"][label] = bytes;
        rss[label].push_back(bytes);
        out_ << absl::StrFormat(" %.1f |", bytes / 1e6);
      }
      const double redis_bytes = memory_at(to, "redis_used_memory", "");
      row["redis_used_memory"] = redis_bytes;
      out_ << absl::StrFormat(" %.1f | %.0f |\n", redis_bytes / 1e6,
                              memory_at(to, "redis_keys", ""));
      windows.push_back(row);
      mids.push_back((from + to) / 2);
      p99s.push_back(task_windows[w].p99_ms);
      used.push_back(redis_bytes);
    }
    // Trends over the windows after the first (which includes the start-up of the phase).
    auto tail = [](const std::vector<double>& v) {
      return v.size() > 2 ? std::vector<double>(v.begin() + 1, v.end()) : v;
    };
    json trends = json::object();
    out_ << "\ntrends (least-squares slope over the windows after the first; more than 10 % of "
            "the mean over the run counts as growth):\n";
    auto report = [&](const std::string& what, const std::vector<double>& values) {
      const std::string verdict = TrendVerdict(tail(mids), tail(values), 0.10);
      const LinearFit fit = Fit(tail(mids), tail(values));
      trends[what] = {{"verdict", verdict}, {"slope_per_second", fit.slope}};
      out_ << "  " << what << ": " << verdict
           << absl::StrFormat(", slope %.4g per second\n", fit.slope);
    };
    report("event-to-task p99 ms", p99s);
    for (const auto& label : labels)
      report(label + " RSS bytes", rss[label]);
    report("Redis used_memory bytes", used);
    const double bytes_per_event = Fit(tail(mids), tail(used)).slope / options_.rate;
    trends["redis_bytes_per_case_event"] = bytes_per_event;
    out_ << absl::StrFormat(
        "  Redis grows by %.0f bytes per case event (what the run keeps: processed-event "
        "markers for 14 days, completed tasks, schedule history)\n",
        bytes_per_event);
    return {{"rows", windows}, {"trends", trends}};
  }

  absl::Status Memory() {
    auto classes = MemoryByKeyShape(*redis_);
    if (!classes.ok()) return classes.status();
    std::vector<std::pair<double, std::string>> largest;
    json out = json::object();
    for (const auto& [shape, c] : *classes) {
      out[shape] = {{"keys", c.keys}, {"mean_bytes", c.mean_bytes}, {"total_bytes", c.total_bytes}};
      largest.push_back({c.total_bytes, shape});
    }
    std::sort(largest.rbegin(), largest.rend());
    out_ << "\nRedis memory by key shape (SCAN + MEMORY USAGE), largest first:\n"
         << "| key shape | keys | bytes per key | total MB |\n|---|---|---|---|\n";
    for (size_t i = 0; i < std::min<size_t>(largest.size(), 25); ++i) {
      const KeyClass& c = (*classes)[largest[i].second];
      out_ << absl::StrFormat("| `%s` | %d | %.0f | %.1f |\n", largest[i].second, c.keys,
                              c.mean_bytes, c.total_bytes / 1e6);
    }
    results_["memory_by_key_shape"] = out;
    // The timers pending at the end, for the bytes per pending timer beside the table.
    auto timers =
        redis_->Command({"ZCARD", absl::StrCat("ovs:{", options_.shape.authority, "}:sch:timers")});
    if (!timers.ok()) return timers.status();
    results_["pending_timers_at_end"] = timers->integer();
    out_ << "pending timers at the end: " << timers->integer() << "\n";
    results_["load_average_at_end"] = LoadAverage();
    return absl::OkStatus();
  }

  absl::Status WriteJson() {
    if (options_.json_path.empty()) return absl::OkStatus();
    std::ofstream file(options_.json_path);
    file << results_.dump(2) << "\n";
    if (!file) return absl::UnavailableError("cannot write " + options_.json_path);
    return absl::OkStatus();
  }

  const BenchOptions& options_;
  std::ostream& out_;
  Workload workload_;
  std::unique_ptr<e2e::System> system_;
  std::unique_ptr<kafka::WatermarkReader> watermarks_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<redis::Connection> redis_;
  std::unique_ptr<LatencyMeter> meter_;
  std::unique_ptr<ScheduleWatch> watch_;
  std::unique_ptr<TaskTail> tail_;
  std::mutex completions_mutex_;
  // Held while a sampled task's deadline item is not seen, for at most 2 minutes.
  CompletionQueue completions_{[this](int64_t k) {
                                 return watch_ != nullptr && k % options_.schedule_sample == 0 &&
                                        !meter_->ScheduleSeen(k);
                               },
                               absl::Minutes(2)};
  int64_t completions_published_ = 0;
  pid_t broker_pid_ = 0;
  int64_t next_k_ = 0;
  json results_;
};

}  // namespace

absl::Status CheckPhasesFit(const BenchOptions& options) {
  const int64_t distinct = Workload(options.shape).DistinctEvents();
  const int64_t latency_events =
      static_cast<int64_t>(options.rate * absl::ToDoubleSeconds(options.latency_duration));
  const int64_t measured = options.throughput_events + latency_events;
  if (measured <= distinct) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "the throughput and latency phases would publish ", measured, " case events (",
      options.throughput_events, " + ", latency_events, ") but ", options.shape.open_cases,
      " open cases have only ", distinct,
      " distinct (child, trigger) pairs: a pair repeated while its task is open opens no task. "
      "Load more open cases or measure fewer events"));
}

absl::Status RunSystemBench(const BenchOptions& options, std::ostream& out) {
  Bench bench(options, out);
  return bench.Run();
}

}  // namespace oversight::bench
