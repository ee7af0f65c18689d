// Vocabulary shared by packs, facts and results: case types, risk, item kinds, worker
// statuses. Names in YAML/JSON are the snake_case spellings returned by the *Name functions.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"

namespace oversight::policy {

// Case types of RULES.md "Shared vocabulary" (mirrors oversight.common.v1.CaseType).
enum class CaseType {
  kEarlyHelp,
  kAssessment,
  kChildInNeed,
  kChildProtection,
  kChildLookedAfter,
  kCareLeaver,
  kFosterCarer,
  kYouthOffending,
  kQualityAssurance,
};
inline constexpr int kCaseTypeCount = 9;

enum class RiskLevel { kStandard, kHigh };

// What a due date is for (mirrors oversight.scheduling.v1.ItemKind, plus kMentoring for S4).
enum class ItemKind {
  kPersonalSupervision,
  kCaseDiscussion,
  kAgreementReview,
  kNewAgreement,
  kObservation,
  kPdr,
  kAppraisal,
  kGroupSupervision,
  kRecordDeadline,
  kCirculateDeadline,
  kSignOffDeadline,
  kOversightTask,
  kAssessmentCheckpoint,
  kRetention,
  kPerformanceConversation,
  kMentoring,  // S4: no ItemKind in schedule_events.proto yet
};

// The worker statuses a personal-supervision rule can apply to.
enum class WorkerStatus { kStandard, kPartTime, kAsye, kInduction, kProbation, kAgency };

enum class AbsenceReason { kSickness, kAnnualLeave, kParentalLeave, kOther };

// Whose absence: the supervisee's own or their supervisor's (H5 counts both).
enum class Party { kSupervisee, kSupervisor };

// Records whose deadlines a pack can set.
enum class RecordKind {
  kPersonalSupervision,
  kCaseSupervision,
  kGroupSupervision,
  kAdHocDiscussion,
  kManagementOversight,
  kObservation,
  kAgreement,
};

// Steps of a record's life that can have a deadline.
enum class RecordStep {
  kRecord,                // entered on the system (H11, D11, S10 case records)
  kCirculate,             // typed and sent to the supervisee (S10)
  kSignOff,               // signed by the supervisee (S10)
  kObserverSection,       // observer completes their section (H13)
  kPractitionerComments,  // practitioner adds comments (H13)
  kFeedbackSession,       // formal feedback session held (H13)
};

// When a record deadline starts counting.
enum class DeadlineFrom { kHeld, kCirculated, kObserverSectionCompleted };

enum class Priority { kRoutine, kUrgent, kAsap, kStat };

// Who owns a triggered oversight task.
enum class Owner { kSupervisor, kSupervisorLineManager, kAllocatedWorker };

absl::string_view CaseTypeName(CaseType t);
absl::string_view RiskLevelName(RiskLevel r);
absl::string_view ItemKindName(ItemKind k);
absl::string_view WorkerStatusName(WorkerStatus s);
absl::string_view AbsenceReasonName(AbsenceReason r);
absl::string_view PartyName(Party p);
absl::string_view RecordKindName(RecordKind k);
absl::string_view RecordStepName(RecordStep s);
absl::string_view DeadlineFromName(DeadlineFrom f);
absl::string_view PriorityName(Priority p);
absl::string_view OwnerName(Owner o);

// Inverse of the *Name functions; nullopt for an unknown name. Case types also accept the
// proto spelling ("CASE_TYPE_CHILD_PROTECTION") and short forms ("cp", "cin", "cla", "feh").
std::optional<CaseType> ParseCaseType(absl::string_view name);
std::optional<RiskLevel> ParseRiskLevel(absl::string_view name);
std::optional<ItemKind> ParseItemKind(absl::string_view name);
std::optional<WorkerStatus> ParseWorkerStatus(absl::string_view name);
std::optional<AbsenceReason> ParseAbsenceReason(absl::string_view name);
std::optional<Party> ParseParty(absl::string_view name);
std::optional<RecordKind> ParseRecordKind(absl::string_view name);
std::optional<RecordStep> ParseRecordStep(absl::string_view name);
std::optional<DeadlineFrom> ParseDeadlineFrom(absl::string_view name);
std::optional<Priority> ParsePriority(absl::string_view name);
std::optional<Owner> ParseOwner(absl::string_view name);

}  // namespace oversight::policy
