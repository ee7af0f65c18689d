#include "scheduler.h"

#include "absl/strings/str_cat.h"

namespace oversight::scheduling {

absl::StatusOr<redis::OutboxResult> Scheduler::Handle(const google::protobuf::Message& event,
                                                      const common::v1::EventMeta& meta) {
  const authorities::Authority* authority = authorities_.Find(meta.authority_id());
  if (authority == nullptr) {
    return absl::NotFoundError(absl::StrCat("authority ", meta.authority_id(), " not served"));
  }
  absl::Status last;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto result = HandleOnce(event, meta, *authority);
    if (result.ok() || !absl::IsAborted(result.status())) return result;
    last = result.status();  // something it read changed meanwhile: read again, decide again
  }
  return absl::AbortedError(absl::StrCat("event ", meta.event_id(), " lost ", kMaxAttempts,
                                         " races in a row; last: ", last.message()));
}

absl::StatusOr<redis::OutboxResult> Scheduler::HandleOnce(const google::protobuf::Message& event,
                                                          const common::v1::EventMeta& meta,
                                                          const authorities::Authority& authority) {
  const std::string& a = meta.authority_id();
  const Subjects subjects = SubjectsOf(event);
  ReadVersions read;
  auto before = store_.Load(a, subjects, &read);
  if (!before.ok()) return before.status();
  State after = *before;
  const Reaction reaction = Apply(event, meta, *authority.calendar, after);

  StoreDirectory directory(store_.connection(), a, after, &read);
  // Go-live: no first date counts from before it (libs/authorities); not stored, from config.
  std::optional<absl::CivilDay> live;
  if (authority.live_from != absl::InfinitePast()) {
    live = authority.calendar->LocalDay(authority.live_from);
  }
  auto counted = [&](auto record) {
    record.facts.counted_from = live;
    return record;
  };
  std::map<std::string, v1::DueItem> existing;
  Changes changes;
  auto reconcile = [&](const std::string& subject_key,
                       const std::vector<PlannedItem>& planned) -> absl::Status {
    auto items = store_.ItemsOf(a, subject_key, &read);
    if (!items.ok()) return items.status();
    Reconcile(*items, planned, reaction, changes);
    existing.insert(items->begin(), items->end());
    return absl::OkStatus();
  };
  for (const auto& id : reaction.workers) {
    auto s = reconcile("worker:" + id,
                       PlanWorker(a, counted(after.workers[id]), directory, *authority.engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.children) {
    auto s = reconcile("child:" + id,
                       PlanChild(a, counted(after.children[id]), directory, *authority.engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.teams) {
    auto s = reconcile("team:" + id,
                       PlanTeam(a, counted(after.teams[id]), directory, *authority.engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.sessions) {
    auto s = reconcile("record:" + id, PlanSession(a, after.sessions[id], *authority.engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.tasks) {
    auto s = reconcile("task:" + id, PlanTask(a, after.tasks[id], directory));
    if (!s.ok()) return s;
  }
  auto change =
      store_.ToChange(a, authority, *before, after, existing, changes, meta, clock_.Now(), read);
  if (!change.ok()) return change.status();
  return change->Apply(store_.connection(), a, kServiceName, meta.event_id());
}

absl::StatusOr<int> Scheduler::FireDue() {
  const absl::Time now = clock_.Now();
  int fired = 0;
  for (const auto& id : authorities_.Ids()) {
    std::vector<FiredStage> stages;
    auto n = store_.FireDue(id, now, 256, probe_ != nullptr ? &stages : nullptr);
    if (probe_ != nullptr) probe_->Fired(id, stages);  // what fired before an error, too
    if (!n.ok()) return n.status();
    fired += *n;
    if (probe_ == nullptr) continue;
    auto pending = store_.PendingTimers(id);
    if (!pending.ok()) return pending.status();
    probe_->Pending(id, *pending);
    auto counts = store_.CountDueItems(id);
    if (!counts.ok()) return counts.status();
    probe_->DueItems(id, *counts);
  }
  if (probe_ != nullptr) probe_->Checked(now);
  return fired;
}

}  // namespace oversight::scheduling
