// Knowing when the running system has caught up: every service has handled every record of
// every topic it consumes, and no outbox holds an unpublished event. Read from outside, the
// way an operator would: the services' /metrics (oversight_events_consumed_total lists every
// subscribed topic from the start; oversight_outbox_pending) against the topics' end offsets.
//
// A service restarted meanwhile counts from zero again, so its counters no longer say how far
// it got. Given each service's consumer group, the watch compares the groups' committed
// offsets (where a restarted member resumes) with the end offsets instead; the counters then
// only name the topics each service consumes.
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
  // Restart-proof: `consumer_groups` names each service's consumer group (service -> group
  // id, for every service of `clients`). No baseline is needed: a group has committed
  // everything when its offsets reach the topics' end offsets.
  SettleWatch(Clients& clients, kafka::WatermarkReader& watermarks,
              std::map<std::string, std::string> consumer_groups)
      : clients_(clients), watermarks_(watermarks), groups_(std::move(consumer_groups)) {}

  // Remembers what each service has consumed and what each topic holds now, so records from
  // before (another run, other tenants) do not count. Call once, before publishing anything
  // (not needed, and ignored, when the watch reads consumer groups).
  absl::Status Baseline();

  // Polls every `poll` until, `quiet_polls` times in a row with nothing new on any topic, each
  // service has handled (processed or dead-lettered) as many records of each topic it consumes
  // as the topic gained since the baseline (with consumer groups: its group has committed up
  // to each topic's end), and every outbox is empty. DEADLINE_EXCEEDED after `timeout`,
  // saying which service lags on which topic.
  absl::Status WaitUntilSettled(absl::Duration timeout,
                                absl::Duration poll = absl::Milliseconds(15), int quiet_polls = 2);

  // After the clocks were moved to `at`: waits until scheduling's timer pass has covered `at`
  // (oversight_timers_checked_until_seconds), so the stages due by then are in its outbox and
  // WaitUntilSettled sees them. DEADLINE_EXCEEDED after `timeout`.
  absl::Status WaitForTimers(absl::Time at, absl::Duration timeout,
                             absl::Duration poll = absl::Milliseconds(5));

 private:
  struct Snapshot {
    // service -> topic -> records handled (counters) or committed (consumer groups)
    std::map<std::string, std::map<std::string, double>> consumed;
    std::map<std::string, double> pending;  // service -> outbox entries
    std::map<std::string, int64_t> ends;    // topic -> end offset sum
  };
  absl::StatusOr<Snapshot> Take();
  // "" when settled, else what lags.
  std::string Lagging(const Snapshot& snapshot) const;

  Clients& clients_;
  kafka::WatermarkReader& watermarks_;
  std::map<std::string, std::string> groups_;  // service -> consumer group; empty: counters
  Snapshot baseline_;
};

}  // namespace oversight::simulator
