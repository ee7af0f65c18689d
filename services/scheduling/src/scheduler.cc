#include "scheduler.h"

#include "absl/strings/str_cat.h"

namespace oversight::scheduling {

absl::StatusOr<redis::OutboxResult> Scheduler::Handle(const google::protobuf::Message& event,
                                                      const common::v1::EventMeta& meta) {
  const std::string& a = meta.authority_id();
  const authorities::Authority* authority = authorities_.Find(a);
  if (authority == nullptr)
    return absl::NotFoundError(absl::StrCat("authority ", a, " not served"));
  const Subjects subjects = SubjectsOf(event);
  auto before = store_.Load(a, subjects);
  if (!before.ok()) return before.status();
  State after = *before;
  const Reaction reaction = Apply(event, meta, *authority->calendar, after);

  StoreDirectory directory(store_.connection(), a, after);
  std::map<std::string, v1::DueItem> existing;
  Changes changes;
  auto reconcile = [&](const std::string& subject_key,
                       const std::vector<PlannedItem>& planned) -> absl::Status {
    auto items = store_.ItemsOf(a, subject_key);
    if (!items.ok()) return items.status();
    Reconcile(*items, planned, reaction, changes);
    existing.insert(items->begin(), items->end());
    return absl::OkStatus();
  };
  for (const auto& id : reaction.workers) {
    auto s =
        reconcile("worker:" + id, PlanWorker(a, after.workers[id], directory, *authority->engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.children) {
    auto s =
        reconcile("child:" + id, PlanChild(a, after.children[id], directory, *authority->engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.teams) {
    auto s = reconcile("team:" + id, PlanTeam(a, after.teams[id], directory, *authority->engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.sessions) {
    auto s = reconcile("record:" + id, PlanSession(a, after.sessions[id], *authority->engine));
    if (!s.ok()) return s;
  }
  for (const auto& id : reaction.tasks) {
    auto s = reconcile("task:" + id, PlanTask(a, after.tasks[id], directory));
    if (!s.ok()) return s;
  }
  auto change =
      store_.ToChange(a, *authority, *before, after, existing, changes, meta, clock_.Now());
  if (!change.ok()) return change.status();
  return change->Apply(store_.connection(), a, kServiceName, meta.event_id());
}

absl::StatusOr<int> Scheduler::FireDue() {
  const absl::Time now = clock_.Now();
  int fired = 0;
  for (const auto& id : authorities_.Ids()) {
    auto n = store_.FireDue(id, now);
    if (!n.ok()) return n.status();
    fired += *n;
  }
  return fired;
}

}  // namespace oversight::scheduling
