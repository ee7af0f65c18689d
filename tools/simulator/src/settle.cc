#include "settle.h"

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"

namespace oversight::simulator {
namespace {

constexpr char kConsumed[] = "oversight_events_consumed_total";
constexpr char kPending[] = "oversight_outbox_pending";

}  // namespace

absl::StatusOr<SettleWatch::Snapshot> SettleWatch::Take() {
  Snapshot snapshot;
  std::set<std::string> topics;
  for (const std::string& service : clients_.services()) {
    auto samples = clients_.Metrics(service);
    if (!samples.ok()) return samples.status();
    auto& consumed = snapshot.consumed[service];
    for (const std::string& topic : scrape::LabelValues(*samples, kConsumed, "topic")) {
      consumed[topic] =
          scrape::Sum(*samples, kConsumed, {{"topic", topic}, {"outcome", "processed"}}) +
          scrape::Sum(*samples, kConsumed, {{"topic", topic}, {"outcome", "dead_letter"}});
      topics.insert(topic);
    }
    snapshot.pending[service] = scrape::Sum(*samples, kPending);
  }
  auto ends = watermarks_.EndOffsets({topics.begin(), topics.end()});
  if (!ends.ok()) return ends.status();
  snapshot.ends = *std::move(ends);
  return snapshot;
}

absl::Status SettleWatch::Baseline() {
  auto snapshot = Take();
  if (!snapshot.ok()) return snapshot.status();
  baseline_ = *std::move(snapshot);
  return absl::OkStatus();
}

std::string SettleWatch::Lagging(const Snapshot& snapshot) const {
  for (const auto& [service, pending] : snapshot.pending) {
    if (pending > 0) return absl::StrCat(service, " has ", pending, " events in its outbox");
  }
  for (const auto& [service, topics] : snapshot.consumed) {
    for (const auto& [topic, handled] : topics) {
      const auto base_service = baseline_.consumed.find(service);
      double handled_before = 0;
      if (base_service != baseline_.consumed.end()) {
        auto it = base_service->second.find(topic);
        if (it != base_service->second.end()) handled_before = it->second;
      }
      const auto end = snapshot.ends.find(topic);
      const auto end_before = baseline_.ends.find(topic);
      const double published = (end == snapshot.ends.end() ? 0 : end->second) -
                               (end_before == baseline_.ends.end() ? 0 : end_before->second);
      // >=: a redelivery after a restart counts a record twice.
      if (handled - handled_before < published) {
        return absl::StrCat(service, " has handled ", handled - handled_before, " of ", published,
                            " records of ", topic);
      }
    }
  }
  return "";
}

absl::Status SettleWatch::WaitForTimers(absl::Time at, absl::Duration timeout,
                                        absl::Duration poll) {
  const absl::Time deadline = absl::Now() + timeout;
  const double wanted = absl::ToDoubleSeconds(at - absl::UnixEpoch());
  double checked = 0;
  while (absl::Now() < deadline) {
    auto samples = clients_.Metrics(kScheduling);
    if (samples.ok()) {
      checked = scrape::Sum(*samples, "oversight_timers_checked_until_seconds");
      if (checked >= wanted) return absl::OkStatus();
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(poll));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("scheduling's timers did not reach ", absl::FormatTime(at), " within ",
                   absl::FormatDuration(timeout), " (checked until ", checked, ")"));
}

absl::Status SettleWatch::WaitUntilSettled(absl::Duration timeout, absl::Duration poll) {
  const absl::Time deadline = absl::Now() + timeout;
  std::map<std::string, int64_t> previous_ends;
  int settled_in_a_row = 0;
  std::string lagging = "no snapshot taken";
  while (absl::Now() < deadline) {
    auto snapshot = Take();
    if (snapshot.ok()) {
      lagging = Lagging(*snapshot);
      const bool quiet = lagging.empty() && snapshot->ends == previous_ends;
      settled_in_a_row = quiet ? settled_in_a_row + 1 : 0;
      if (settled_in_a_row >= 2) return absl::OkStatus();
      previous_ends = snapshot->ends;
    } else {
      lagging = std::string(snapshot.status().message());
      settled_in_a_row = 0;
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(poll));
  }
  return absl::DeadlineExceededError(absl::StrCat("the system did not settle within ",
                                                  absl::FormatDuration(timeout), ": ", lagging));
}

}  // namespace oversight::simulator
