// How far the running services are behind what was published, read from outside as an
// operator would: each service's /metrics (records it handled per topic it consumes,
// oversight_events_consumed_total; entries waiting in its outbox, oversight_outbox_pending)
// against the topics' end offsets (kafka::WatermarkReader). The benchmark paces its publishing
// on it (the embedded broker keeps only about 5 MiB per partition) and waits on it for the
// system to settle.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/e2e/service_process.h"
#include "oversight/kafka/watermarks.h"

namespace oversight::bench {

struct Backlog {
  // The most records of one topic that one of its consumers has not handled yet.
  int64_t unhandled = 0;
  std::string worst;   // "scheduling has 1234 unhandled records of <topic>", "" if none
  int64_t outbox = 0;  // entries waiting in every service's outbox
  std::map<std::string, int64_t> ends;  // topic -> end offset sum
  bool settled() const { return unhandled <= 0 && outbox <= 0; }
};

// Not thread-safe.
class Progress {
 public:
  // `services`: name -> process (not owned; must outlive this).
  Progress(std::map<std::string, e2e::ServiceProcess*> services, kafka::WatermarkReader& watermarks)
      : services_(std::move(services)), watermarks_(watermarks) {}

  // Remembers what each service handled and what each topic holds now: records from before
  // count as handled. Call before publishing what is to be measured.
  absl::Status Baseline();

  absl::StatusOr<Backlog> Read();

  // Polls until, twice in a row with no topic growing, nothing is unhandled and every outbox
  // is empty. DEADLINE_EXCEEDED after `timeout`, saying what lags. Returns the time it first
  // saw the settled state.
  absl::StatusOr<absl::Time> WaitUntilSettled(absl::Duration timeout,
                                              absl::Duration poll = absl::Milliseconds(20));

 private:
  struct Snapshot {
    std::map<std::string, std::map<std::string, double>> handled;  // service -> topic -> n
    std::map<std::string, double> pending;                         // service -> outbox
    std::map<std::string, int64_t> ends;
  };
  absl::StatusOr<Snapshot> Take();

  std::map<std::string, e2e::ServiceProcess*> services_;
  kafka::WatermarkReader& watermarks_;
  Snapshot baseline_;
};

}  // namespace oversight::bench
