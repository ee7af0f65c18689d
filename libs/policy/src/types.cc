#include "oversight/policy/types.h"

#include <array>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"

namespace oversight::policy {
namespace {

template <typename E, size_t N>
absl::string_view NameOf(const std::array<std::pair<E, absl::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, absl::string_view>, N>& table,
                        absl::string_view name) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<CaseType, absl::string_view>, 9> kCaseTypes = {{
    {CaseType::kEarlyHelp, "early_help"},
    {CaseType::kAssessment, "assessment"},
    {CaseType::kChildInNeed, "child_in_need"},
    {CaseType::kChildProtection, "child_protection"},
    {CaseType::kChildLookedAfter, "child_looked_after"},
    {CaseType::kCareLeaver, "care_leaver"},
    {CaseType::kFosterCarer, "foster_carer"},
    {CaseType::kYouthOffending, "youth_offending"},
    {CaseType::kQualityAssurance, "quality_assurance"},
}};
constexpr std::array<std::pair<CaseType, absl::string_view>, 7> kCaseTypeShort = {{
    {CaseType::kEarlyHelp, "feh"},
    {CaseType::kChildInNeed, "cin"},
    {CaseType::kChildProtection, "cp"},
    {CaseType::kChildLookedAfter, "cla"},
    {CaseType::kYouthOffending, "yos"},
    {CaseType::kQualityAssurance, "qa"},
    {CaseType::kAssessment, "s47"},
}};
constexpr std::array<std::pair<RiskLevel, absl::string_view>, 2> kRisks = {{
    {RiskLevel::kStandard, "standard"},
    {RiskLevel::kHigh, "high"},
}};
constexpr std::array<std::pair<ItemKind, absl::string_view>, 16> kItemKinds = {{
    {ItemKind::kPersonalSupervision, "personal_supervision"},
    {ItemKind::kCaseDiscussion, "case_discussion"},
    {ItemKind::kAgreementReview, "agreement_review"},
    {ItemKind::kNewAgreement, "new_agreement"},
    {ItemKind::kObservation, "observation"},
    {ItemKind::kPdr, "pdr"},
    {ItemKind::kAppraisal, "appraisal"},
    {ItemKind::kGroupSupervision, "group_supervision"},
    {ItemKind::kRecordDeadline, "record_deadline"},
    {ItemKind::kCirculateDeadline, "circulate_deadline"},
    {ItemKind::kSignOffDeadline, "sign_off_deadline"},
    {ItemKind::kOversightTask, "oversight_task"},
    {ItemKind::kAssessmentCheckpoint, "assessment_checkpoint"},
    {ItemKind::kRetention, "retention"},
    {ItemKind::kPerformanceConversation, "performance_conversation"},
    {ItemKind::kMentoring, "mentoring"},
}};
constexpr std::array<std::pair<WorkerStatus, absl::string_view>, 6> kStatuses = {{
    {WorkerStatus::kStandard, "standard"},
    {WorkerStatus::kPartTime, "part_time"},
    {WorkerStatus::kAsye, "asye"},
    {WorkerStatus::kInduction, "induction"},
    {WorkerStatus::kProbation, "probation"},
    {WorkerStatus::kAgency, "agency"},
}};
constexpr std::array<std::pair<AbsenceReason, absl::string_view>, 4> kAbsenceReasons = {{
    {AbsenceReason::kSickness, "sickness"},
    {AbsenceReason::kAnnualLeave, "annual_leave"},
    {AbsenceReason::kParentalLeave, "parental_leave"},
    {AbsenceReason::kOther, "other"},
}};
constexpr std::array<std::pair<Party, absl::string_view>, 2> kParties = {{
    {Party::kSupervisee, "supervisee"},
    {Party::kSupervisor, "supervisor"},
}};
constexpr std::array<std::pair<RecordKind, absl::string_view>, 7> kRecordKinds = {{
    {RecordKind::kPersonalSupervision, "personal_supervision"},
    {RecordKind::kCaseSupervision, "case_supervision"},
    {RecordKind::kGroupSupervision, "group_supervision"},
    {RecordKind::kAdHocDiscussion, "ad_hoc_discussion"},
    {RecordKind::kManagementOversight, "management_oversight"},
    {RecordKind::kObservation, "observation"},
    {RecordKind::kAgreement, "agreement"},
}};
constexpr std::array<std::pair<RecordStep, absl::string_view>, 6> kSteps = {{
    {RecordStep::kRecord, "record"},
    {RecordStep::kCirculate, "circulate"},
    {RecordStep::kSignOff, "sign_off"},
    {RecordStep::kObserverSection, "observer_section"},
    {RecordStep::kPractitionerComments, "practitioner_comments"},
    {RecordStep::kFeedbackSession, "feedback_session"},
}};
constexpr std::array<std::pair<DeadlineFrom, absl::string_view>, 3> kFroms = {{
    {DeadlineFrom::kHeld, "held"},
    {DeadlineFrom::kCirculated, "circulated"},
    {DeadlineFrom::kObserverSectionCompleted, "observer_section_completed"},
}};
constexpr std::array<std::pair<Priority, absl::string_view>, 4> kPriorities = {{
    {Priority::kRoutine, "routine"},
    {Priority::kUrgent, "urgent"},
    {Priority::kAsap, "asap"},
    {Priority::kStat, "stat"},
}};
constexpr std::array<std::pair<Owner, absl::string_view>, 3> kOwners = {{
    {Owner::kSupervisor, "supervisor"},
    {Owner::kSupervisorLineManager, "supervisor_line_manager"},
    {Owner::kAllocatedWorker, "allocated_worker"},
}};

}  // namespace

absl::string_view CaseTypeName(CaseType t) {
  return NameOf(kCaseTypes, t);
}
absl::string_view RiskLevelName(RiskLevel r) {
  return NameOf(kRisks, r);
}
absl::string_view ItemKindName(ItemKind k) {
  return NameOf(kItemKinds, k);
}
absl::string_view WorkerStatusName(WorkerStatus s) {
  return NameOf(kStatuses, s);
}
absl::string_view AbsenceReasonName(AbsenceReason r) {
  return NameOf(kAbsenceReasons, r);
}
absl::string_view PartyName(Party p) {
  return NameOf(kParties, p);
}
absl::string_view RecordKindName(RecordKind k) {
  return NameOf(kRecordKinds, k);
}
absl::string_view RecordStepName(RecordStep s) {
  return NameOf(kSteps, s);
}
absl::string_view DeadlineFromName(DeadlineFrom f) {
  return NameOf(kFroms, f);
}
absl::string_view PriorityName(Priority p) {
  return NameOf(kPriorities, p);
}
absl::string_view OwnerName(Owner o) {
  return NameOf(kOwners, o);
}

std::optional<CaseType> ParseCaseType(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  absl::string_view n = lower;
  constexpr absl::string_view kProtoPrefix = "case_type_";
  if (n.substr(0, kProtoPrefix.size()) == kProtoPrefix) n.remove_prefix(kProtoPrefix.size());
  if (auto t = Lookup(kCaseTypes, n)) return t;
  return Lookup(kCaseTypeShort, n);
}
std::optional<RiskLevel> ParseRiskLevel(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  absl::string_view n = lower;
  constexpr absl::string_view kProtoPrefix = "risk_level_";
  if (n.substr(0, kProtoPrefix.size()) == kProtoPrefix) n.remove_prefix(kProtoPrefix.size());
  return Lookup(kRisks, n);
}
std::optional<ItemKind> ParseItemKind(absl::string_view name) {
  return Lookup(kItemKinds, name);
}
std::optional<WorkerStatus> ParseWorkerStatus(absl::string_view name) {
  return Lookup(kStatuses, name);
}
std::optional<AbsenceReason> ParseAbsenceReason(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  absl::string_view n = lower;
  constexpr absl::string_view kProtoPrefix = "absence_reason_";
  if (n.substr(0, kProtoPrefix.size()) == kProtoPrefix) n.remove_prefix(kProtoPrefix.size());
  return Lookup(kAbsenceReasons, n);
}
std::optional<Party> ParseParty(absl::string_view name) {
  return Lookup(kParties, name);
}
std::optional<RecordKind> ParseRecordKind(absl::string_view name) {
  return Lookup(kRecordKinds, name);
}
std::optional<RecordStep> ParseRecordStep(absl::string_view name) {
  return Lookup(kSteps, name);
}
std::optional<DeadlineFrom> ParseDeadlineFrom(absl::string_view name) {
  return Lookup(kFroms, name);
}
std::optional<Priority> ParsePriority(absl::string_view name) {
  return Lookup(kPriorities, name);
}
std::optional<Owner> ParseOwner(absl::string_view name) {
  return Lookup(kOwners, name);
}

}  // namespace oversight::policy
