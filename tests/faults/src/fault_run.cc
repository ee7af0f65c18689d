#include "fault_run.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients.h"
#include "expected_outcome.h"
#include "listeners.h"
#include "london_calendar.h"
#include "observed_outcome.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/testing/private_broker.h"
#include "oversight/kafka/testing/publish.h"
#include "oversight/kafka/watermarks.h"
#include "oversight/redis/connection.h"
#include "oversight/redis/outbox.h"
#include "oversight/testing/wait_until.h"
#include "settle.h"

namespace oversight::faults {
namespace {

constexpr const char* kServices[] = {e2e::kScheduling, e2e::kRecording, e2e::kTriggers,
                                     e2e::kNotifications};
// The System's topics (tests/support system.cc), for leader moves.
constexpr const char* kTopicNames[] = {"case_events", "workforce_events", "supervision_events",
                                       "tasks",       "schedule_events",  "notifications",
                                       "audit",       "dead_letters",     "records"};

// The simulated time every part of the run agrees on: the publisher stamps events with it and
// the main thread sets the services' clocks to it.
class SimulatedClock {
 public:
  explicit SimulatedClock(absl::Time start) : micros_(absl::ToUnixMicros(start)) {}
  absl::Time Now() const { return absl::FromUnixMicros(micros_.load()); }
  void Set(absl::Time now) { micros_.store(absl::ToUnixMicros(now)); }

 private:
  std::atomic<int64_t> micros_;
};

// The HR and case systems: publishes the workload's events at a fixed rate on its own thread,
// retrying an event until the broker acknowledges it (a retried event may reach the topic
// twice, with the same event id: the services must drop the copy).
class Publisher {
 public:
  Publisher(std::unique_ptr<kafka::Producer> producer, std::string case_topic,
            std::string workforce_topic, WorkloadOptions workload, double rate,
            absl::Duration length, const SimulatedClock& clock)
      : producer_(std::move(producer)),
        case_topic_(std::move(case_topic)),
        workforce_topic_(std::move(workforce_topic)),
        workload_(workload),
        rate_(rate),
        length_(length),
        clock_(clock) {}

  void Start() {
    thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  // After Join.
  const std::vector<PublishedEvent>& published() const { return published_; }
  int retries() const { return retries_; }
  const absl::Status& status() const { return status_; }

 private:
  void Run(const std::stop_token& stop) {
    const absl::Time start = absl::Now();
    for (int64_t i = 0; !stop.stop_requested(); ++i) {
      const absl::Time due = start + absl::Seconds(static_cast<double>(i) / rate_);
      if (due - start >= length_) return;
      if (const absl::Time now = absl::Now(); due > now) absl::SleepFor(due - now);
      PublishedEvent event = workload_.Next(clock_.Now());
      const std::string& topic =
          event.stream == PublishedEvent::Stream::kCase ? case_topic_ : workforce_topic_;
      // Every third event in JSON, as case systems without protobuf publish.
      const kafka::ContentType encoding =
          i % 3 == 2 ? kafka::ContentType::kJson : kafka::ContentType::kProtobuf;
      const absl::Time give_up = absl::Now() + absl::Minutes(3);
      while (true) {
        auto delivered = kafka::testing::PublishEvent(*producer_, topic, event.key, *event.message,
                                                      encoding, absl::Seconds(60));
        if (delivered.ok()) break;
        if (absl::Now() > give_up) {
          status_ = absl::UnavailableError(absl::StrCat(
              "could not publish ", event.meta().event_id(), ": ", delivered.status().message()));
          return;
        }
        ++retries_;
      }
      published_.push_back(std::move(event));
    }
  }

  std::unique_ptr<kafka::Producer> producer_;
  std::string case_topic_;
  std::string workforce_topic_;
  Workload workload_;
  double rate_;
  absl::Duration length_;
  const SimulatedClock& clock_;
  std::vector<PublishedEvent> published_;
  int retries_ = 0;
  absl::Status status_;
  std::jthread thread_;
};

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::Time EndTime(absl::Time last, int days_after) {
  absl::CivilDay day = LondonDay(last) + days_after;
  while (!IsWorkingDay(day))
    ++day;
  return absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), 10), London());
}

class Run {
 public:
  explicit Run(const FaultRunOptions& options)
      : options_(options), clock_(options.simulated_start) {}

  absl::StatusOr<FaultRunReport> Go() {
    const absl::Time started = absl::Now();
    report_.name = options_.name;
    report_.seed = options_.seed;
    report_.injected = static_cast<int>(options_.faults.size());
    if (auto s = StartInfrastructure(); !s.ok()) return s;
    if (auto s = StartServices(); !s.ok()) return s;

    // The stream, with the clock moving and the faults injected from this thread.
    Publisher publisher(MakeProducer(), system_->Topic("case_events"),
                        system_->Topic("workforce_events"), options_.workload,
                        options_.events_per_second, options_.stream, clock_);
    const absl::Time stream_start = absl::Now();
    publisher.Start();
    absl::Status stream = DriveStream(stream_start);
    publisher.Join();
    report_.stream_wall = absl::Now() - stream_start;
    if (!stream.ok()) return stream;
    if (!publisher.status().ok()) return publisher.status();
    report_.publish_retries = publisher.retries();

    // The end: every clock jumps to the end time; wait until everything is handled.
    const absl::Time settle_start = absl::Now();
    report_.end_time = EndTime(clock_.Now(), options_.days_after);
    clock_.Set(report_.end_time);
    if (auto s = Reconnect(); !s.ok()) return s;
    if (auto s = clients_->SetTime(report_.end_time); !s.ok()) return s;
    if (auto s = Settle(); !s.ok()) return s;
    report_.settle_wall = absl::Now() - settle_start;

    const ExpectedOutcome expected = Expect(publisher.published(), report_.end_time);
    report_.workforce_events = expected.workforce_events;
    report_.case_events = expected.case_events;
    auto observed = Observe(*clients_,
                            {.client = system_->broker().client_config(),
                             .tasks = system_->Topic("tasks"),
                             .notifications = system_->Topic("notifications"),
                             .dead_letters = system_->Topic("dead_letters")},
                            *smtp_, expected.people, report_.end_time);
    if (!observed.ok()) return observed.status();
    report_.comparison = Compare(expected, *observed);
    report_.total_wall = absl::Now() - started;
    if (!report_.comparison.ok()) {
      KeepLogs();
      KeepEmailDeliveries(expected, *observed);
    }
    return report_;
  }

 private:
  absl::Status StartInfrastructure() {
    e2e::SystemOptions system;
    system.broker = options_.broker;
    system.embedded.brokers = options_.embedded_brokers;
    system.embedded.partitions = options_.partitions;
    if (options_.broker == kafka::testing::BrokerKind::kReal) {
      auto kafka = kafka::testing::PrivateBroker::Start();
      if (!kafka.ok()) return kafka.status();
      kafka_ = *std::move(kafka);
      system.real_bootstrap = kafka_->bootstrap();
    }
    auto created = e2e::System::Create(system);
    if (!created.ok()) return created.status();
    system_ = *std::move(created);
    auto smtp = notifications::testing::SmtpCatcher::Start();
    if (!smtp.ok()) return smtp.status();
    smtp_ = *std::move(smtp);
    return absl::OkStatus();
  }

  std::map<std::string, std::string> ServiceEnv() const {
    return {
        {"OVERSIGHT_CLOCK_MODE", "manual"},
        {"OVERSIGHT_CLOCK_START", Rfc3339(clock_.Now())},
        {"OVERSIGHT_POLICY_AUTHORITIES", kAuthority},
        {"OVERSIGHT_OUTBOX_POLL_INTERVAL", "5ms"},
        {"OVERSIGHT_SCHEDULING_TIMER_INTERVAL", "20ms"},
        {"OVERSIGHT_SMTP_URL", smtp_->url()},
        {"OVERSIGHT_SMTP_FROM", "oversight@devon.example.gov.uk"},
        {"OVERSIGHT_NOTIFICATIONS_DELIVERY_POLL_INTERVAL", "20ms"},
        // A killed member's partitions go to its successor within seconds, and the committed
        // offsets the settle check reads follow the stored ones closely.
        {"OVERSIGHT_KAFKA_PROPERTIES_SESSION_TIMEOUT_MS", "6000"},
        {"OVERSIGHT_KAFKA_PROPERTIES_HEARTBEAT_INTERVAL_MS", "1000"},
        {"OVERSIGHT_KAFKA_PROPERTIES_AUTO_COMMIT_INTERVAL_MS", "200"},
        {"OVERSIGHT_KAFKA_PROPERTIES_RECONNECT_BACKOFF_MAX_MS", "1000"},
    };
  }

  absl::Status StartServices() {
    for (const char* service : kServices) {
      auto started = system_->StartService(service, ServiceEnv());
      if (!started.ok()) return started.status();
    }
    return Reconnect();
  }

  // The run's own Kafka clients: librdkafka's connection errors during broker faults are
  // expected and not logged.
  kafka::ClientConfig QuietClient() const {
    kafka::ClientConfig client = system_->broker().client_config();
    client.properties["log_level"] = "2";
    return client;
  }

  std::unique_ptr<kafka::Producer> MakeProducer() const {
    auto producer =
        kafka::Producer::Create({.client = QuietClient(), .message_timeout = absl::Seconds(60)});
    if (!producer.ok()) {
      std::cerr << "fault suite: " << producer.status() << "\n";
      std::abort();
    }
    return *std::move(producer);
  }

  // Clients for the services' current ports (a restarted service listens on new ones).
  absl::Status Reconnect() {
    simulator::Endpoints endpoints;
    for (const char* service : kServices) {
      const e2e::ServiceProcess* process = system_->service(service);
      endpoints[service] = {.grpc_target = process->grpc_target(),
                            .metrics_port = process->metrics_port()};
    }
    auto clients = simulator::Clients::Connect(endpoints, kAuthority, e2e::kTestJwtSecret);
    if (!clients.ok()) return clients.status();
    clients_ = *std::move(clients);
    return absl::OkStatus();
  }

  // The fault actions in time order: a fault with an outage has a begin and an end.
  struct Action {
    absl::Duration at;
    const Fault* fault;
    bool begin;
  };

  absl::Status DriveStream(absl::Time stream_start) {
    std::vector<Action> actions;
    for (const Fault& fault : options_.faults) {
      actions.push_back({fault.at, &fault, true});
      if (fault.outage > absl::ZeroDuration()) {
        actions.push_back({fault.at + fault.outage, &fault, false});
      }
    }
    std::stable_sort(actions.begin(), actions.end(),
                     [](const Action& a, const Action& b) { return a.at < b.at; });
    const int ticks = std::max<int64_t>(1, options_.stream / options_.tick);
    const absl::Duration simulated_per_tick = options_.simulated_stream / ticks;
    int ticked = 0;
    size_t next = 0;
    while (true) {
      const absl::Duration elapsed = absl::Now() - stream_start;
      if (next < actions.size() && actions[next].at <= elapsed) {
        const Action& action = actions[next++];
        const absl::Time began = absl::Now();
        absl::Status status = action.begin ? BeginFault(*action.fault) : EndFault(*action.fault);
        if (!status.ok()) {
          return absl::Status(status.code(),
                              absl::StrCat(Describe(*action.fault), ": ", status.message()));
        }
        Log(elapsed, absl::StrCat(action.begin ? "" : "end of: ", Describe(*action.fault)),
            absl::Now() - began);
        continue;
      }
      if (ticked < ticks && options_.tick * (ticked + 1) <= elapsed) {
        ++ticked;
        clock_.Set(options_.simulated_start + simulated_per_tick * ticked);
        if (auto s = clients_->SetTime(clock_.Now()); !s.ok()) return s;
        continue;
      }
      if (next == actions.size() && elapsed >= options_.stream) return absl::OkStatus();
      absl::SleepFor(absl::Milliseconds(5));
    }
  }

  void Log(absl::Duration at, const std::string& what, absl::Duration took) {
    std::string line = absl::StrFormat("%5.1f s  %s", absl::ToDoubleSeconds(at), what);
    if (took >= absl::Milliseconds(100)) {
      absl::StrAppend(&line, " (", absl::FormatDuration(absl::Trunc(took, absl::Milliseconds(100))),
                      ")");
    }
    std::cerr << "fault suite: " << line << "\n";
    report_.faults.push_back(line);
  }

  absl::Status Broker(const std::string& command) {
    return system_->broker().SendFaultCommand(command);
  }

  absl::Status MoveLeaders(const std::function<int(int topic, int partition)>& leader) {
    int t = 0;
    for (const char* name : kTopicNames) {
      for (int p = 0; p < options_.partitions; ++p) {
        if (auto s =
                Broker(absl::StrCat("leader ", system_->Topic(name), " ", p, " ", leader(t, p)));
            !s.ok()) {
          return s;
        }
      }
      ++t;
    }
    return absl::OkStatus();
  }

  absl::Status BeginFault(const Fault& fault) {
    const int brokers = options_.embedded_brokers;
    switch (fault.kind) {
      case FaultKind::kKillService: {
        e2e::ServiceProcess* service = system_->service(fault.target);
        service->Crash();
        if (auto s = service->RestartWith({{"OVERSIGHT_CLOCK_START", Rfc3339(clock_.Now())}});
            !s.ok()) {
          return s;
        }
        if (auto s = Reconnect(); !s.ok()) return s;
        return clients_->SetTime(clock_.Now());
      }
      case FaultKind::kStopRedis:
        return system_->redis().Stop();
      case FaultKind::kStopSmtp:
        return smtp_->Stop();
      case FaultKind::kRequestErrors:
        for (const char* command : {"request-errors Produce NOT_LEADER_FOR_PARTITION 25",
                                    "request-errors Fetch NOT_LEADER_FOR_PARTITION 25",
                                    "request-errors OffsetCommit COORDINATOR_NOT_AVAILABLE 10",
                                    "request-errors Heartbeat REBALANCE_IN_PROGRESS 4"}) {
          if (auto s = Broker(command); !s.ok()) return s;
        }
        return absl::OkStatus();
      case FaultKind::kDropConnections:
        for (int b = 1; b <= brokers; ++b) {
          if (auto s = Broker(absl::StrCat("broker-down ", b)); !s.ok()) return s;
          if (auto s = Broker(absl::StrCat("broker-up ", b)); !s.ok()) return s;
        }
        return absl::OkStatus();
      case FaultKind::kBrokerDown:
        if (auto s = Broker("broker-down 2"); !s.ok()) return s;
        return MoveLeaders([](int, int p) { return p % 2 == 0 ? 1 : 3; });
      case FaultKind::kLeaderMoves:
        return MoveLeaders([brokers](int t, int p) { return (t + p + 1) % brokers + 1; });
      case FaultKind::kKillKafka:
        return kafka_->Kill();
    }
    return absl::OkStatus();
  }

  absl::Status EndFault(const Fault& fault) {
    switch (fault.kind) {
      case FaultKind::kStopRedis:
        return system_->redis().Start();
      case FaultKind::kStopSmtp:
        return smtp_->Restart();
      case FaultKind::kBrokerDown:
        if (auto s = Broker("broker-up 2"); !s.ok()) return s;
        return MoveLeaders([](int t, int p) { return (t + p) % 3 + 1; });
      case FaultKind::kKillKafka:
        return kafka_->Restart();
      default:
        return absl::OkStatus();
    }
  }

  // A failed run leaves each service's last log in the working directory (ctest's: the build's
  // tests/faults), as fault-suite-<service>.log.
  void KeepLogs() const {
    for (const char* service : kServices) {
      const std::string path = absl::StrCat("fault-suite-", service, ".log");
      std::ofstream(path) << system_->service(service)->ReadLog();
      std::cerr << "fault suite: " << service << "'s log kept in " << path << "\n";
    }
  }

  // A failed run also leaves fault-suite-email-deliveries.log: for each notification of someone
  // with an address that no email carried, its email delivery as the notifications service
  // keeps it in Redis (services/notifications/src/delivery_queue.cc), its place in the queue
  // and whether its occurrence was closed: why it was not sent.
  void KeepEmailDeliveries(const ExpectedOutcome& expected, const ObservedOutcome& observed) const {
    std::set<std::string> mailed;
    for (const auto& email : observed.emails) {
      if (auto it = email.headers.find("X-Oversight-Notification"); it != email.headers.end()) {
        mailed.insert(it->second);
      }
    }
    auto connection = redis::Connection::Connect(system_->redis().connection_options());
    if (!connection.ok()) return;
    const std::string tag = absl::StrCat("ovs:{", kAuthority, "}:ntf:");
    std::ofstream out("fault-suite-email-deliveries.log");
    for (const auto& n : observed.notifications) {
      if (!expected.with_email.contains(n.recipient_id()) || mailed.contains(n.notification_id())) {
        continue;
      }
      const std::string delivery = events::DeriveId({n.notification_id(), "email"});
      std::string line;
      absl::StrAppend(&line, n.notification_id(), " ", n.item_id(), " ", n.stage(), " to ",
                      n.recipient_id(), " created ", Rfc3339(events::FromTimestamp(n.created_at())),
                      " occurrence ", n.occurrence_id(), ":");
      auto fields = (*connection)->Command({"HGETALL", tag + "d:" + delivery});
      if (fields.ok()) {
        const auto& e = fields->elements();
        for (size_t i = 0; i + 1 < e.size(); i += 2)
          absl::StrAppend(&line, " ", e[i].str(), "=", e[i + 1].str());
        if (e.empty()) absl::StrAppend(&line, " no delivery record");
      }
      auto score = (*connection)->Command({"ZSCORE", tag + "dq:email", delivery});
      if (score.ok() && score->is_string()) absl::StrAppend(&line, " queued@", score->str());
      auto closed = (*connection)->Command({"EXISTS", tag + "closed:" + n.occurrence_id()});
      if (closed.ok() && closed->integer() > 0) absl::StrAppend(&line, " closed");
      out << line << "\n";
    }
    std::cerr << "fault suite: undelivered emails described in fault-suite-email-deliveries.log\n";
  }

  absl::Status Settle() {
    auto watermarks = kafka::WatermarkReader::Create(QuietClient());
    if (!watermarks.ok()) return watermarks.status();
    std::map<std::string, std::string> groups;
    for (const char* service : kServices)
      groups[service] = system_->ServiceEnv(service).at("OVERSIGHT_KAFKA_GROUP_ID");
    simulator::SettleWatch watch(*clients_, **watermarks, groups);
    // Quiet topics and empty outboxes do not mean the timers have fired yet: first, a timer
    // pass of scheduling at the end time has fired everything due by then.
    if (auto s = watch.WaitForTimers(clock_.Now(), options_.settle_timeout, absl::Milliseconds(50));
        !s.ok()) {
      return s;
    }
    // Then, until two passes in a row find everything quiet at once:
    // - the topics: three quiet polls 200 ms apart (every group committed to the end of every
    //   topic, the outbox gauges 0, the end offsets unchanged). The timer pass (every 20 ms)
    //   has certainly run at the end time by then;
    // - the outboxes, read in Redis itself: a service's oversight_outbox_pending covers only
    //   the outboxes whose relay lease it holds, so one restarted after SIGKILL reports 0 while
    //   the killed process's lease (15 s) keeps its outbox from being relayed: the timers it
    //   fired at the end time reach the topics only then;
    // - the email queue, in Redis too (nothing is held at 10:00 on a working day): the depth
    //   gauge is set at the end of a delivery pass, and a claimed delivery stays in the queue
    //   until its outcome is written.
    // One quiet pass is not enough: what a relay publishes just after the outboxes are read is
    // seen by the next pass's topic polls.
    const absl::Time deadline = absl::Now() + options_.settle_timeout;
    std::string busy = "nothing checked yet";
    int quiet_passes = 0;
    while (absl::Now() < deadline) {
      if (auto s = watch.WaitUntilSettled(deadline - absl::Now(), absl::Milliseconds(200), 3);
          !s.ok()) {
        return s;
      }
      auto entries = OutboxEntries();
      if (!entries.ok()) return entries.status();
      auto queued = EmailsQueued();
      if (!queued.ok()) return queued.status();
      if (*entries == 0 && *queued == 0) {
        if (++quiet_passes == 2) return absl::OkStatus();
        continue;
      }
      quiet_passes = 0;
      busy = absl::StrCat(*entries, " outbox entries, ", *queued, " email deliveries queued");
      absl::SleepFor(absl::Milliseconds(200));
    }
    return absl::DeadlineExceededError(absl::StrCat("the system did not settle within ",
                                                    absl::FormatDuration(options_.settle_timeout),
                                                    ": last seen ", busy));
  }

  // Email deliveries pending, claimed or due for a retry (the notifications service's queue,
  // ovs:{A}:ntf:dq:email: services/notifications/src/store_keys.cc).
  absl::StatusOr<int64_t> EmailsQueued() const {
    auto connection = redis::Connection::Connect(system_->redis().connection_options());
    if (!connection.ok()) return connection.status();
    auto queued =
        (*connection)->Command({"ZCARD", absl::StrCat("ovs:{", kAuthority, "}:ntf:dq:email")});
    if (!queued.ok()) return queued.status();
    return queued->integer();
  }

  // Entries in the four services' outboxes (read from Redis itself).
  absl::StatusOr<int64_t> OutboxEntries() const {
    auto connection = redis::Connection::Connect(system_->redis().connection_options());
    if (!connection.ok()) return connection.status();
    int64_t entries = 0;
    for (const char* outbox :
         {"scheduling", "oversight-triggers", "oversight-recording", "notifications"}) {
      auto length = (*connection)->Command({"XLEN", redis::OutboxKey(kAuthority, outbox)});
      if (!length.ok()) return length.status();
      entries += length->integer();
    }
    return entries;
  }

  const FaultRunOptions& options_;
  SimulatedClock clock_;
  FaultRunReport report_;
  std::unique_ptr<kafka::testing::PrivateBroker> kafka_;
  std::unique_ptr<e2e::System> system_;
  std::unique_ptr<notifications::testing::SmtpCatcher> smtp_;
  std::unique_ptr<simulator::Clients> clients_;
};

}  // namespace

std::string FaultRunReport::Format() const {
  std::string out = absl::StrCat("### ", name, " (seed ", seed, ")\n\n");
  absl::StrAppend(&out, "Stream ", absl::FormatDuration(absl::Trunc(stream_wall, absl::Seconds(1))),
                  ": ", workforce_events + case_events, " events in (", workforce_events,
                  " workforce, ", case_events, " case; ", publish_retries,
                  " publishes retried); end time ",
                  absl::FormatTime("%a %d %b %Y %H:%M %Z", end_time, London()), "; settled in ",
                  absl::FormatDuration(absl::Trunc(settle_wall, absl::Seconds(1))), "; whole run ",
                  absl::FormatDuration(absl::Trunc(total_wall, absl::Seconds(1))), ".\n\n");
  absl::StrAppend(&out, injected, " faults injected (seconds from the start of the stream):\n\n");
  for (const auto& fault : faults)
    absl::StrAppend(&out, "- ", fault, "\n");
  absl::StrAppend(&out, "\n", FormatRows(comparison.rows));
  return out;
}

absl::StatusOr<FaultRunReport> RunFaultSuite(const FaultRunOptions& options) {
  Run run(options);
  return run.Go();
}

bool LongRunRequested() {
  const char* value = std::getenv("OVERSIGHT_FAULT_SUITE_LONG");
  return value != nullptr && std::string(value) == "1";
}

uint64_t SeedFromEnvironment(uint64_t fallback) {
  const char* value = std::getenv("OVERSIGHT_FAULT_SUITE_SEED");
  uint64_t seed = 0;
  if (value != nullptr && absl::SimpleAtoi(value, &seed)) return seed;
  return fallback;
}

}  // namespace oversight::faults
