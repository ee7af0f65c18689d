#include "lateness.h"

#include "oversight/events/outbound.h"

namespace oversight::recording {

std::optional<policy::RecordKind> PolicyKind(v1::RecordKind kind) {
  switch (kind) {
    case v1::RECORD_KIND_PERSONAL_SUPERVISION:
      return policy::RecordKind::kPersonalSupervision;
    case v1::RECORD_KIND_CASE_SUPERVISION:
      return policy::RecordKind::kCaseSupervision;
    case v1::RECORD_KIND_GROUP_SUPERVISION:
      return policy::RecordKind::kGroupSupervision;
    case v1::RECORD_KIND_AD_HOC_DISCUSSION:
      return policy::RecordKind::kAdHocDiscussion;
    case v1::RECORD_KIND_MANAGEMENT_OVERSIGHT:
      return policy::RecordKind::kManagementOversight;
    case v1::RECORD_KIND_OBSERVATION:
      return policy::RecordKind::kObservation;
    case v1::RECORD_KIND_SUPERVISION_AGREEMENT:
      return policy::RecordKind::kAgreement;
    default:
      return std::nullopt;
  }
}

std::optional<policy::DueDate> RecordDeadline(const policy::Engine& engine, v1::RecordKind kind,
                                              absl::Time held_at) {
  const auto policy_kind = PolicyKind(kind);
  if (!policy_kind.has_value()) return std::nullopt;
  for (const auto& rule : engine.pack().record_deadlines) {
    if (rule.record != *policy_kind || rule.step != policy::RecordStep::kRecord ||
        rule.from != policy::DeadlineFrom::kHeld) {
      continue;
    }
    policy::DueDate due = engine.DeadlineAfter(held_at, rule.within);
    due.explanation.rule_id = rule.rule_id;
    return due;
  }
  return std::nullopt;
}

void MarkLateness(v1::Record& record, const policy::Engine* engine) {
  record.clear_record_due_at();
  record.clear_record_deadline_rule();
  record.set_late(false);
  if (engine == nullptr || !record.has_recorded_at() || !record.has_held_at()) return;
  const auto due = RecordDeadline(*engine, record.kind(), events::FromTimestamp(record.held_at()));
  if (!due.has_value()) return;
  events::ToTimestamp(due->due_at, record.mutable_record_due_at());
  record.set_record_deadline_rule(due->explanation.rule_id);
  record.set_late(events::FromTimestamp(record.recorded_at()) > due->due_at);
}

}  // namespace oversight::recording
