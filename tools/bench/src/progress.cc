#include "progress.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "oversight/scrape/prometheus_text.h"

namespace oversight::bench {
namespace {

constexpr char kConsumed[] = "oversight_events_consumed_total";
constexpr char kPending[] = "oversight_outbox_pending";

double Find(const std::map<std::string, double>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? 0 : it->second;
}

}  // namespace

absl::StatusOr<Progress::Snapshot> Progress::Take() {
  Snapshot snapshot;
  std::set<std::string> topics;
  for (const auto& [name, process] : services_) {
    auto text = process->ScrapeMetrics();
    if (!text.ok()) return text.status();
    const std::vector<scrape::Sample> samples = scrape::ParseSamples(*text);
    auto& handled = snapshot.handled[name];
    for (const std::string& topic : scrape::LabelValues(samples, kConsumed, "topic")) {
      handled[topic] =
          scrape::Sum(samples, kConsumed, {{"topic", topic}, {"outcome", "processed"}}) +
          scrape::Sum(samples, kConsumed, {{"topic", topic}, {"outcome", "dead_letter"}});
      topics.insert(topic);
    }
    snapshot.pending[name] = scrape::Sum(samples, kPending);
  }
  auto ends = watermarks_.EndOffsets({topics.begin(), topics.end()});
  if (!ends.ok()) return ends.status();
  snapshot.ends = *std::move(ends);
  return snapshot;
}

absl::Status Progress::Baseline() {
  auto snapshot = Take();
  if (!snapshot.ok()) return snapshot.status();
  baseline_ = *std::move(snapshot);
  return absl::OkStatus();
}

absl::StatusOr<Backlog> Progress::Read() {
  auto snapshot = Take();
  if (!snapshot.ok()) return snapshot.status();
  Backlog backlog;
  backlog.ends = snapshot->ends;
  for (const auto& [service, pending] : snapshot->pending) {
    backlog.outbox += static_cast<int64_t>(pending);
  }
  for (const auto& [service, topics] : snapshot->handled) {
    for (const auto& [topic, handled] : topics) {
      const double handled_before = Find(baseline_.handled[service], topic);
      auto end = snapshot->ends.find(topic);
      auto end_before = baseline_.ends.find(topic);
      const int64_t published = (end == snapshot->ends.end() ? 0 : end->second) -
                                (end_before == baseline_.ends.end() ? 0 : end_before->second);
      // A redelivery counts a record twice, so handled may exceed published.
      const int64_t behind = published - static_cast<int64_t>(handled - handled_before);
      if (behind > backlog.unhandled) {
        backlog.unhandled = behind;
        backlog.worst = absl::StrCat(service, " has ", behind, " unhandled records of ", topic);
      }
    }
  }
  return backlog;
}

absl::StatusOr<absl::Time> Progress::WaitUntilSettled(absl::Duration timeout, absl::Duration poll) {
  const absl::Time deadline = absl::Now() + timeout;
  std::map<std::string, int64_t> previous_ends;
  absl::Time first_settled = absl::InfiniteFuture();
  int quiet = 0;
  std::string lagging = "nothing read yet";
  while (absl::Now() < deadline) {
    const absl::Time now = absl::Now();
    auto backlog = Read();
    if (!backlog.ok()) {
      lagging = std::string(backlog.status().message());
      quiet = 0;
    } else if (backlog->settled() && backlog->ends == previous_ends) {
      if (quiet++ == 0) first_settled = now;
      if (quiet >= 2) return first_settled;
    } else {
      quiet = 0;
      lagging = backlog->settled()       ? "topics still growing"
                : backlog->worst.empty() ? absl::StrCat(backlog->outbox, " outbox entries waiting")
                                         : backlog->worst;
    }
    if (backlog.ok()) previous_ends = backlog->ends;
    absl::SleepFor(poll);
  }
  return absl::DeadlineExceededError(absl::StrCat("the system did not settle within ",
                                                  absl::FormatDuration(timeout), ": ", lagging));
}

}  // namespace oversight::bench
