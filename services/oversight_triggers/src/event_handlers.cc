#include "event_handlers.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "case_contract.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "task_completion.h"

namespace oversight::triggers {

enum class StagedKind { kCase, kSchedule, kOversight };

struct EventHandlers::Staged {
  size_t index = 0;  // in the batch
  StagedKind kind = StagedKind::kCase;
  events::InboundEvent event;
  std::string authority;
  std::string child_id;
};

namespace {

using kafka::HandlerOutcome;

bool Retryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) || absl::IsAborted(status);
}

HandlerOutcome FromStoreError(const absl::Status& status) {
  if (Retryable(status)) return HandlerOutcome::RetryLater(std::string(status.message()));
  // Anything else from our own store is a broken invariant for this record; keep the partition
  // moving and keep the record where a person can look at it.
  return HandlerOutcome::DeadLetter("processing_failed", std::string(status.message()));
}

// The item of a schedule event (ItemDue, ItemOverdue, ...), or nullptr.
const scheduling::v1::DueItem* ItemOf(const google::protobuf::Message& message) {
  const auto* field = message.GetDescriptor()->FindFieldByName("item");
  if (field == nullptr || field->message_type() != scheduling::v1::DueItem::descriptor()) {
    return nullptr;
  }
  return dynamic_cast<const scheduling::v1::DueItem*>(
      &message.GetReflection()->GetMessage(message, field));
}

// Whether a trigger of `pack` listens to events of `type` (a full proto message name).
bool AnyTriggerOn(const policy::Pack& pack, const std::string& type) {
  return std::any_of(
      pack.triggers.begin(), pack.triggers.end(),
      [&](const policy::TriggerRule& trigger) { return trigger.event_type == type; });
}

// The worker a case event names (allocation, lead practitioner), or "".
std::string WorkerNamedBy(const google::protobuf::Message& message) {
  if (const auto* allocated = dynamic_cast<const cases::v1::CaseAllocated*>(&message)) {
    return allocated->worker_id();
  }
  if (const auto* lead = dynamic_cast<const cases::v1::LeadPractitionerChanged*>(&message)) {
    return lead->worker_id();
  }
  if (const auto* item = ItemOf(message)) return item->worker_id();
  return "";
}

// The context after a decision: what the next event of the same child in the batch sees.
void Advance(CaseContext& context, const std::vector<v1::OversightTask>& upserts,
             const ChildCase* child) {
  context.version = NextVersion(context.version);
  if (child != nullptr) {
    context.child = *child;
    context.known = true;
  }
  for (const auto& task : upserts) {
    std::erase_if(context.open_tasks,
                  [&](const auto& open) { return open.task_id() == task.task_id(); });
    if (IsOpen(task)) context.open_tasks.push_back(task);
  }
}

}  // namespace

HandlerOutcome EventHandlers::Handle(const kafka::ConsumedMessage& record) {
  return HandleBatch({record})[0];
}

std::vector<HandlerOutcome> EventHandlers::HandleBatch(
    const std::vector<kafka::ConsumedMessage>& records) {
  return kafka::HandleInSegments<Staged>(
      records,
      [&](const kafka::ConsumedMessage& record, size_t index) -> kafka::SegmentStep<Staged> {
        // A workforce event changes the directory: what came before is decided on it as it was.
        if (record.topic == topics_.workforce_events) {
          return kafka::SegmentBarrier{[&] { return HandleWorkforceEvent(record); }};
        }
        return Stage(record, index);
      },
      [&](std::vector<Staged>& segment, std::vector<HandlerOutcome>& outcomes) {
        return ApplySegment(segment, outcomes);
      });
}

kafka::SegmentStep<EventHandlers::Staged> EventHandlers::Stage(const kafka::ConsumedMessage& record,
                                                               size_t index) const {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  std::string_view prefix;
  StagedKind kind = StagedKind::kCase;
  if (record.topic == topics_.case_events) {
    prefix = "oversight.cases.v1.";
  } else if (record.topic == topics_.schedule_events) {
    prefix = "oversight.scheduling.v1.";
    kind = StagedKind::kSchedule;
  } else if (record.topic == topics_.supervision_events) {
    prefix = "oversight.recording.v1.";
    kind = StagedKind::kOversight;
  } else {
    return HandlerOutcome::DeadLetter(
        std::string(events::kReasonUnknownType),
        absl::StrCat("oversight-triggers does not consume topic ", record.topic));
  }
  auto checked = events::CheckInbound(record, prefix, served, options_.limits);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  Staged staged;
  staged.index = index;
  staged.kind = kind;
  staged.event = std::get<events::InboundEvent>(std::move(checked));
  staged.authority = staged.event.meta->authority_id();
  switch (kind) {
    case StagedKind::kCase:
      staged.child_id = staged.event.meta->subject();
      break;
    case StagedKind::kSchedule: {
      const scheduling::v1::DueItem* item = ItemOf(*staged.event.message);
      // Worker items (personal supervision, agreements ...) trigger nothing here, and nor does
      // an event of a type no trigger of the authority's pack listens to (most schedule events:
      // an item opened, due, satisfied ...): neither is read nor decided.
      if (item == nullptr || item->child_id().empty()) return HandlerOutcome::Processed();
      if (!AnyTriggerOn(authorities_.Find(staged.authority)->pack,
                        staged.event.message->GetDescriptor()->full_name())) {
        return HandlerOutcome::Processed();
      }
      staged.child_id = item->child_id();
      break;
    }
    case StagedKind::kOversight: {
      const auto* recorded =
          dynamic_cast<const recording::v1::OversightRecorded*>(staged.event.message.get());
      if (recorded == nullptr) return HandlerOutcome::Processed();  // not about tasks
      if (recorded->child_id().empty()) {
        return HandlerOutcome::DeadLetter(std::string(events::kReasonMissingField),
                                          "OversightRecorded.child_id is required");
      }
      staged.child_id = recorded->child_id();
      break;
    }
  }
  return staged;
}

bool EventHandlers::ApplySegment(std::vector<Staged>& segment,
                                 std::vector<HandlerOutcome>& outcomes) {
  auto retry_all = [&](const absl::Status& status) {
    for (const auto& staged : segment) {
      outcomes[staged.index] = HandlerOutcome::RetryLater(std::string(status.message()));
    }
    return false;
  };

  // 1. Read what the segment needs: processed markers, the children's cases and open tasks,
  //    the tasks oversight records name, the directory entries owners are resolved from.
  std::vector<std::pair<std::string, std::string>> event_ids;
  std::map<std::string, std::vector<std::string>> children;  // by authority
  for (const auto& staged : segment) {
    event_ids.emplace_back(staged.authority, staged.event.meta->event_id());
    children[staged.authority].push_back(staged.child_id);
  }
  auto processed = store_.AlreadyProcessed(event_ids);
  if (!processed.ok()) return retry_all(processed.status());
  std::map<std::string, std::map<std::string, CaseContext>> contexts;
  std::map<std::string, std::map<std::string, std::optional<v1::OversightTask>>> named_tasks;
  std::map<std::string, std::unique_ptr<RedisDirectory>> directories;
  for (const auto& [authority, child_ids] : children) {
    auto loaded = store_.LoadContexts(authority, child_ids);
    if (!loaded.ok()) return retry_all(loaded.status());
    contexts[authority] = *std::move(loaded);

    std::vector<std::string> task_ids;
    std::set<std::string> workers;
    for (const auto& [child, context] : contexts[authority]) {
      if (!context.child.worker_id.empty()) workers.insert(context.child.worker_id);
    }
    for (const auto& staged : segment) {
      if (staged.authority != authority) continue;
      if (staged.kind == StagedKind::kOversight) {
        task_ids.push_back(
            dynamic_cast<const recording::v1::OversightRecorded&>(*staged.event.message).task_id());
      }
      if (std::string worker = WorkerNamedBy(*staged.event.message); !worker.empty()) {
        workers.insert(worker);
      }
    }
    auto tasks = store_.GetTasks(authority, task_ids);
    if (!tasks.ok()) return retry_all(tasks.status());
    named_tasks[authority] = *std::move(tasks);

    auto directory = std::make_unique<RedisDirectory>(store_.connection(), authority);
    const std::vector<std::string> worker_ids(workers.begin(), workers.end());
    auto entries = store_.GetWorkers(authority, worker_ids);
    if (!entries.ok()) return retry_all(entries.status());
    directory->Seed(*entries, worker_ids);
    std::vector<std::string> supervisor_ids;  // for line-manager owners
    for (const auto& [id, entry] : *entries) {
      if (!entry.supervisor_id.empty() && !workers.contains(entry.supervisor_id)) {
        supervisor_ids.push_back(entry.supervisor_id);
      }
    }
    auto supervisors = store_.GetWorkers(authority, supervisor_ids);
    if (!supervisors.ok()) return retry_all(supervisors.status());
    directory->Seed(*supervisors, supervisor_ids);
    directories[authority] = std::move(directory);
  }

  // 2. Decide each record in order on that state, each seeing the ones before.
  struct Pending {
    const Staged* staged;
    redis::ChangeSet change;
    std::vector<std::string> opened_rules;
    bool completion = false;
  };
  std::vector<Pending> pending;
  const absl::Time now = clock_.Now();
  for (size_t k = 0; k < segment.size(); ++k) {
    const Staged& staged = segment[k];
    HandlerOutcome& outcome = outcomes[staged.index];
    if ((*processed)[k]) {
      outcome = HandlerOutcome::Processed();  // a redelivery: applied before
      continue;
    }
    const google::protobuf::Message& message = *staged.event.message;
    const common::v1::EventMeta& meta = *staged.event.meta;
    CaseContext& context = contexts[staged.authority][staged.child_id];
    if (staged.kind == StagedKind::kOversight) {
      const auto& recorded = dynamic_cast<const recording::v1::OversightRecorded&>(message);
      std::optional<v1::OversightTask> task;
      auto open = std::find_if(context.open_tasks.begin(), context.open_tasks.end(),
                               [&](const auto& t) { return t.task_id() == recorded.task_id(); });
      if (open != context.open_tasks.end()) {
        task = *open;
      } else if (auto named = named_tasks[staged.authority].find(recorded.task_id());
                 named != named_tasks[staged.authority].end()) {
        task = named->second;
      }
      CompletionDecision decision = DecideCompletion(task, recorded, now);
      if (decision.outcome == CompletionOutcome::kChildMismatch) {
        outcome = HandlerOutcome::DeadLetter(
            std::string(events::kReasonContractViolation),
            absl::StrCat("OversightRecorded for child \"", recorded.child_id(), "\" names task ",
                         recorded.task_id(), " of child \"", task->child_id(), "\""));
        continue;
      }
      if (decision.outcome != CompletionOutcome::kCompleted) {
        if (metrics_.oversight_records != nullptr) {
          metrics_.oversight_records
              ->Add({{"outcome", std::string(CompletionOutcomeName(decision.outcome))}})
              .Increment();
        }
        outcome = HandlerOutcome::Processed();
        continue;
      }
      auto change = store_.CompletionChange(staged.authority, *task, decision, context.version);
      if (!change.ok()) {
        outcome = FromStoreError(change.status());
        continue;
      }
      Advance(context, {*decision.task}, nullptr);
      // Later records of the batch find the completed task among the named ones.
      named_tasks[staged.authority][decision.task->task_id()] = *decision.task;
      pending.push_back({&staged, *std::move(change), {}, true});
      continue;
    }

    if (staged.kind == StagedKind::kCase) {
      if (auto rejection = CheckCaseEvent(message, meta, context.known)) {
        outcome = events::ToOutcome(*rejection);
        continue;
      }
    }
    const authorities::Authority& authority = *authorities_.Find(staged.authority);
    DecideOptions decide = options_.decide;
    decide.live_from = authority.live_from;
    Decision decision = Decide(message, meta, context, *directories[staged.authority],
                               *authority.engine, now, decide);
    if (!decision.case_event && decision.upserts.empty()) {
      outcome = HandlerOutcome::Processed();  // a schedule event that triggers nothing here
      continue;
    }
    auto change = store_.ToChange(staged.authority, decision, context);
    if (!change.ok()) {
      outcome = FromStoreError(change.status());
      continue;
    }
    Pending next{&staged, *std::move(change), {}, false};
    for (const auto& opened : decision.opened)
      next.opened_rules.push_back(opened.task().rule_id());
    Advance(context, decision.upserts, decision.case_event ? &decision.child : nullptr);
    pending.push_back(std::move(next));
  }

  // 3. Apply every change in one round trip, each guarded by the version it was decided on.
  std::vector<redis::ChangeSet::Application> applications;
  for (const auto& p : pending) {
    applications.push_back(
        {&p.change, p.staged->authority, kServiceName, p.staged->event.meta->event_id()});
  }
  const auto results = redis::ChangeSet::ApplyAll(store_.connection(), applications);
  bool ok = true;
  for (size_t k = 0; k < pending.size(); ++k) {
    const Staged& staged = *pending[k].staged;
    if (!ok) {
      outcomes[staged.index] = HandlerOutcome::RetryLater(kafka::kRetriedWithAnEarlierRecord);
      continue;
    }
    if (!results[k].ok()) {
      outcomes[staged.index] = FromStoreError(results[k].status());
      if (outcomes[staged.index].kind == HandlerOutcome::Kind::kRetryLater) ok = false;
      continue;
    }
    outcomes[staged.index] = HandlerOutcome::Processed();
    if (results[k]->duplicate) continue;
    if (metrics_.tasks_opened != nullptr) {
      for (const auto& rule : pending[k].opened_rules) {
        metrics_.tasks_opened->Add({{"rule_id", rule}}).Increment();
      }
    }
    if (pending[k].completion && metrics_.oversight_records != nullptr) {
      metrics_.oversight_records->Add({{"outcome", "completed"}}).Increment();
    }
  }
  if (!ok) {
    // Everything staged after the first retried change waits for the redelivery too.
    bool after = false;
    for (const auto& staged : segment) {
      if (outcomes[staged.index].kind == HandlerOutcome::Kind::kRetryLater) after = true;
      if (after) {
        outcomes[staged.index] = HandlerOutcome::RetryLater(kafka::kRetriedWithAnEarlierRecord);
      }
    }
  }
  return ok;
}

HandlerOutcome EventHandlers::HandleWorkforceEvent(const kafka::ConsumedMessage& record) {
  auto served = [this](std::string_view id) { return authorities_.Find(id) != nullptr; };
  auto checked = events::CheckInbound(record, "oversight.workforce.v1.", served, options_.limits);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) {
    return events::ToOutcome(*rejection);
  }
  const auto& event = std::get<events::InboundEvent>(checked);
  const std::string& authority = event.meta->authority_id();
  auto change = store_.DirectoryChange(authority, *event.message, *event.meta, clock_.Now());
  if (!change.ok()) return FromStoreError(change.status());
  if (change->empty()) return HandlerOutcome::Processed();
  auto applied =
      change->Apply(store_.connection(), authority, kServiceName, event.meta->event_id());
  if (!applied.ok()) return FromStoreError(applied.status());
  return HandlerOutcome::Processed();
}

}  // namespace oversight::triggers
