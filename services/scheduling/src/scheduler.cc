#include "scheduler.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace oversight::scheduling {

namespace {

bool Transport(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

// The workers an event names outside its subjects (a case allocated to a worker, a task's
// owner): the planner asks the directory about them, so the batch reads them up front.
void NamedWorkers(const google::protobuf::Message& event, std::vector<std::string>& out) {
  const auto* descriptor = event.GetDescriptor();
  const auto* reflection = event.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->is_repeated()) continue;
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (field->name() == "task" && reflection->HasField(event, field)) {
        NamedWorkers(reflection->GetMessage(event, field), out);
      }
      continue;
    }
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
    const std::string& name = field->name();
    if (name == "worker_id" || name == "supervisor_id" || name == "owner_id") {
      std::string id = reflection->GetString(event, field);
      if (!id.empty()) out.push_back(std::move(id));
    }
  }
}

bool Plans(const Reaction& r) {
  return !r.workers.empty() || !r.children.empty() || !r.tasks.empty() || !r.sessions.empty() ||
         !r.teams.empty();
}

}  // namespace

absl::StatusOr<redis::OutboxResult> Scheduler::Handle(const google::protobuf::Message& event,
                                                      const common::v1::EventMeta& meta) {
  return HandleBatch({{&event, &meta}})[0];
}

std::vector<absl::StatusOr<redis::OutboxResult>> Scheduler::HandleBatch(
    const std::vector<BatchEvent>& events) {
  std::vector<absl::StatusOr<redis::OutboxResult>> results(events.size(),
                                                           absl::UnknownError("not handled"));
  std::vector<int> attempts(events.size(), 0);
  size_t start = 0;
  while (start < events.size()) {
    const size_t redo = HandleFrom(events, start, results);
    if (redo >= events.size()) break;
    // Something event `redo` read changed meanwhile: read again, decide again from it on.
    if (++attempts[redo] >= kMaxAttempts) {
      results[redo] = absl::AbortedError(
          absl::StrCat("event ", events[redo].meta->event_id(), " lost ", kMaxAttempts,
                       " races in a row; last: ", results[redo].status().message()));
      for (size_t k = redo + 1; k < events.size(); ++k) {
        results[k] = absl::AbortedError("an earlier event of this batch is retried");
      }
      break;
    }
    start = redo;
  }
  return results;
}

size_t Scheduler::HandleFrom(const std::vector<BatchEvent>& events, size_t start,
                             std::vector<absl::StatusOr<redis::OutboxResult>>& results) {
  const size_t n = events.size();
  auto fail_from = [&](size_t from, const absl::Status& status) {
    for (size_t k = from; k < n; ++k)
      results[k] = status;
    return n;
  };
  // 1. Read what the events need: processed markers, then the state they name.
  std::vector<const authorities::Authority*> served(n, nullptr);
  std::vector<std::pair<std::string, std::string>> ids;
  for (size_t k = start; k < n; ++k) {
    const std::string& a = events[k].meta->authority_id();
    served[k] = authorities_.Find(a);
    ids.emplace_back(a, events[k].meta->event_id());
  }
  auto processed = store_.AlreadyProcessed(ids);
  if (!processed.ok()) return fail_from(start, processed.status());
  std::vector<BatchView::Needs> needs;
  for (size_t k = start; k < n; ++k) {
    if (served[k] == nullptr || (*processed)[k - start]) continue;
    const google::protobuf::Message& event = *events[k].event;
    BatchView::Needs need{events[k].meta->authority_id(), SubjectsOf(event)};
    // Applied to no records at all, an event the planner ignores reacts with nothing: its
    // items and directory entries need not be read (if it does plan, they are read then).
    State none;
    need.plans = Plans(Apply(event, *events[k].meta, *served[k]->calendar, none));
    if (need.plans) NamedWorkers(event, need.workers);
    needs.push_back(std::move(need));
  }
  BatchView view(store_);
  if (auto s = view.Prefetch(needs); !s.ok()) return fail_from(start, s);

  // 2. Decide each event in order on that state, each seeing the ones before.
  struct Pending {
    size_t index;
    redis::ChangeSet change;
  };
  std::vector<Pending> pending;
  // (authority, event id) -> the first event of the pass with it; later ones share its fate.
  std::map<std::pair<std::string, std::string>, size_t> seen;
  std::vector<std::pair<size_t, size_t>> repeats;  // (event, the earlier one it repeats)
  size_t redo = n;
  for (size_t k = start; k < n; ++k) {
    const common::v1::EventMeta& meta = *events[k].meta;
    if (served[k] == nullptr) {
      results[k] =
          absl::NotFoundError(absl::StrCat("authority ", meta.authority_id(), " not served"));
      continue;
    }
    if ((*processed)[k - start]) {
      results[k] = redis::OutboxResult{.duplicate = true};
      continue;
    }
    if (auto [first, added] = seen.try_emplace({meta.authority_id(), meta.event_id()}, k); !added) {
      repeats.emplace_back(k, first->second);
      continue;
    }
    auto decided = Decide(*events[k].event, meta, *served[k], view);
    if (!decided.ok()) {
      if (absl::IsAborted(decided.status())) {
        // It read something an earlier change of this batch touched unseen: apply those
        // first, then read and decide again from this event on.
        results[k] = decided.status();
        redo = k;
        break;
      }
      if (Transport(decided.status())) {
        fail_from(k, decided.status());
        break;
      }
      results[k] = decided.status();  // a broken invariant for this event only
      continue;
    }
    pending.push_back({k, *std::move(decided)});
  }

  // 3. Apply the changes in order, each guarded by its event id and the versions it read.
  std::vector<redis::ChangeSet::Application> applications;
  applications.reserve(pending.size());
  for (const auto& p : pending) {
    applications.push_back({&p.change, events[p.index].meta->authority_id(), kServiceName,
                            events[p.index].meta->event_id()});
  }
  auto applied = redis::ChangeSet::ApplyAll(store_.connection(), applications);
  for (size_t i = 0; i < pending.size(); ++i) {
    const size_t k = pending[i].index;
    if (!applied[i].ok() && absl::IsAborted(applied[i].status()) && k < redo) redo = k;
    results[k] = std::move(applied[i]);
  }
  // A repeat is a duplicate of its first occurrence once that applied, else fails as it did.
  for (const auto& [k, first] : repeats) {
    if (k >= redo) break;
    results[k] = results[first].ok()
                     ? absl::StatusOr<redis::OutboxResult>(redis::OutboxResult{.duplicate = true})
                     : results[first].status();
  }
  return redo;
}

absl::StatusOr<redis::ChangeSet> Scheduler::Decide(const google::protobuf::Message& event,
                                                   const common::v1::EventMeta& meta,
                                                   const authorities::Authority& authority,
                                                   BatchView& view) {
  const std::string& a = meta.authority_id();
  const Subjects subjects = SubjectsOf(event);
  ReadVersions read;
  auto before = view.Load(a, subjects, &read);
  if (!before.ok()) return before.status();
  State after = *before;
  const Reaction reaction = Apply(event, meta, *authority.calendar, after);

  BatchDirectory directory(view, a, after, &read);
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
    if (!directory.status().ok()) return directory.status();
    auto items = view.ItemsOf(a, subject_key, &read);
    if (!items.ok()) return items.status();
    Reconcile(**items, planned, reaction, changes);
    existing.insert((*items)->begin(), (*items)->end());
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
  ChangeEffects effects;
  auto change = store_.ToChange(a, authority, *before, after, existing, changes, meta, clock_.Now(),
                                read, &effects);
  if (!change.ok()) return change.status();
  view.Commit(a, changes, effects);
  return change;
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
