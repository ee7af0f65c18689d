// The due-date engine: from a pack, a calendar and facts, the items required and when.
// Pure computation: no I/O, no clock. Every result carries its explanation.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "oversight/policy/calendar.h"
#include "oversight/policy/facts.h"
#include "oversight/policy/pack.h"
#include "oversight/policy/types.h"

namespace oversight::policy {

// Why a date is what it is (mirrors oversight.scheduling.v1.Explanation).
struct Explanation {
  std::string rule_id;  // RULES.md id, e.g. "H3"
  std::string summary;  // plain words, e.g. "ASYE weeks 7-26: every 14 days"
  std::vector<std::pair<std::string, std::string>> facts;  // the facts used, in order
  std::string calendar;  // the calendar's id, e.g. "england-and-wales 2018-2030"
  std::string reading;   // the pack's reading of vague text, when one was used
};

// A computed due date.
struct DueDate {
  ItemKind kind = ItemKind::kPersonalSupervision;
  // The deadline: the end of `due_day` in Europe/London for day-based rules, an exact instant
  // for hour-based ones. absl::InfiniteFuture() while `paused`.
  absl::Time due_at;
  absl::CivilDay due_day;               // the London day of due_at
  std::optional<absl::Time> target_at;  // an earlier aim (H10 monthly target), if any
  bool paused = false;                  // e.g. personal supervision during sickness absence
  Explanation explanation;
  std::vector<std::string> warnings;  // e.g. a date beyond the calendar's horizon
};

// An oversight item required by a case event.
struct RequiredOversight {
  std::string trigger;  // the pack's trigger name
  Priority priority = Priority::kRoutine;
  Owner owner = Owner::kSupervisor;
  std::string description;
  DueDate due;  // kind: kOversightTask, kRecordDeadline or kAssessmentCheckpoint
};

// Computes due dates for one authority. Holds references: the pack and the calendar must
// outlive the engine. All methods are const and thread-safe; none has side effects.
// Methods return NOT_FOUND when the pack has no rule for the item (the authority does not
// schedule it), FAILED_PRECONDITION when the item does not apply to these facts (a leaver's
// personal supervision, mentoring for a worker not in ASYE), INVALID_ARGUMENT for impossible
// facts (FTE above 1.0). Dates before the start or allocation are ignored (the later anchor wins),
// and no date counts from a basis before the facts' `counted_from` (go-live): the explanation
// then has the fact counted_from_go_live.
// Nothing is modified on failure; results are values owned by the caller.
class Engine {
 public:
  Engine(const Pack& pack, const WorkingCalendar& calendar) : pack_(pack), calendar_(calendar) {}

  const Pack& pack() const { return pack_; }
  const WorkingCalendar& calendar() const { return calendar_; }

  // The next formal personal supervision: from the last formal session (or the start date) by
  // the most frequent schedule among the worker's statuses (ASYE phase, induction, probation,
  // part-time FTE, agency, standard). Phases: the interval is the one in force on the day of the
  // last session; a session on a phase boundary belongs to the later phase. Sickness absences
  // (pack `absence:`) pause the clock: paused while absent; after the return the due date moves
  // by the absence's length, or with a catch-up rule (H5) to max(regular, return + catch-up).
  absl::StatusOr<DueDate> NextPersonalSupervision(const WorkerFacts& worker) const;

  // The next case discussion for a child: from the last discussion (or the allocation, if later
  // or none) by the most specific matching row of the pack's case-discussion table (ties: the
  // most demanding). Havering-style rows with a target also set target_at.
  absl::StatusOr<DueDate> NextCaseDiscussion(const ChildFacts& child) const;

  // Agreement items: the next review (from the last signature, or the start) and, when the
  // supervisor changed after the last signature (or none was ever signed), a new agreement.
  absl::StatusOr<std::vector<DueDate>> AgreementItems(const WorkerFacts& worker) const;

  // A recurring worker item (kObservation, kPdr, kAppraisal, kPerformanceConversation,
  // kMentoring): the last one (or the start) plus the pack's interval.
  absl::StatusOr<DueDate> NextWorkerCycle(ItemKind kind, const WorkerFacts& worker) const;

  // The next group supervision of a team (D17): the last one (or the team's start) + interval.
  absl::StatusOr<DueDate> NextGroupSupervision(const TeamFacts& team) const;

  // Deadlines for a session's record: record, circulate, sign-off, observation steps.
  // Steps counted from a later step's time (sign-off from circulation) use that time when the
  // facts have it, else the earlier step's deadline (and say so). Empty if the pack sets none.
  std::vector<DueDate> RecordingDeadlines(const SessionFacts& session) const;

  // The oversight (and S7 record) items a case event requires, with deadlines from the event's
  // occurred_at; assessment-checkpoint triggers yield one item per checkpoint. Empty if none.
  std::vector<RequiredOversight> TriggeredOversight(const CaseEventFacts& event) const;

  // The date a leaver's worker records may be destroyed (H8). FAILED_PRECONDITION if the worker
  // has not left Children's Services.
  absl::StatusOr<DueDate> RetentionDate(const WorkerFacts& worker) const;

  // Everything for one worker (personal supervision, agreements, cycles, retention) that the
  // pack schedules; NOT_FOUND items are skipped, other errors returned.
  absl::StatusOr<std::vector<DueDate>> AllWorkerItems(const WorkerFacts& worker) const;

  // The deadline `period` after `from` by this engine's calendar: hours/minutes are elapsed;
  // working days and calendar units end at the end of the London day; "end of day" is the end
  // of from's London day. Warnings say when the calendar's horizon was crossed.
  DueDate DeadlineAfter(absl::Time from, const Period& period) const;

  // The end of the London day reached by a calendar or working-day period from a day.
  DueDate DayDeadline(absl::CivilDay from, const Period& period) const;

 private:
  const Pack& pack_;
  const WorkingCalendar& calendar_;
};

}  // namespace oversight::policy
