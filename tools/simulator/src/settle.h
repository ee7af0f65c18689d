// Knowing when the running system has caught up: every service has handled every record of
// every topic it consumes, and no outbox holds an unpublished event. Read from outside, the
// way an operator would: the services' /metrics (oversight_events_consumed_total lists every
// subscribed topic from the start; oversight_outbox_pending) against the topics' end offsets.
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients.h"
#include "oversight/kafka/watermarks.h"

namespace oversight::simulator {

// Not thread-safe.
class SettleWatch {
 public:
  SettleWatch(Clients& clients, kafka::WatermarkReader& watermarks)
      : clients_(clients), watermarks_(watermarks) {}

  // Remembers what each service has consumed and what each topic holds now, so records from
  // before (another run, other tenants) do not count. Call once, before publishing anything.
  absl::Status Baseline();

  // Polls every `poll` until, twice in a row with nothing new on any topic, each service has
  // handled (processed or dead-lettered) as many records of each topic it consumes as the
  // topic gained since the baseline, and every outbox is empty. DEADLINE_EXCEEDED after
  // `timeout`, saying which service lags on which topic.
  absl::Status WaitUntilSettled(absl::Duration timeout,
                                absl::Duration poll = absl::Milliseconds(15));

  // After the clocks were moved to `at`: waits until scheduling's timer pass has covered `at`
  // (oversight_timers_checked_until_seconds), so the stages due by then are in its outbox and
  // WaitUntilSettled sees them. DEADLINE_EXCEEDED after `timeout`.
  absl::Status WaitForTimers(absl::Time at, absl::Duration timeout,
                             absl::Duration poll = absl::Milliseconds(5));

 private:
  struct Snapshot {
    std::map<std::string, std::map<std::string, double>> consumed;  // service -> topic -> n
    std::map<std::string, double> pending;                          // service -> outbox entries
    std::map<std::string, int64_t> ends;                            // topic -> end offset sum
  };
  absl::StatusOr<Snapshot> Take();
  // "" when settled, else what lags.
  std::string Lagging(const Snapshot& snapshot) const;

  Clients& clients_;
  kafka::WatermarkReader& watermarks_;
  Snapshot baseline_;
};

}  // namespace oversight::simulator
