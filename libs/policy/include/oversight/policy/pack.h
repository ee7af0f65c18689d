// Policy packs: one authority's supervision and oversight rules, loaded from YAML
// (libs/policy/data/packs/<authority>.yaml). See libs/policy/README.md for the file format.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "oversight/policy/period.h"
#include "oversight/policy/types.h"

namespace oversight::policy {

// One `rules:` entry as written, for explanations and listings. Every typed rule below points
// back to one of these by `rule_id`.
struct RuleInfo {
  std::string id;                // RULES.md id, e.g. "H3", "D14.4"
  std::string kind;              // e.g. "personal_supervision", "trigger", "requirement"
  std::string summary;           // what the rule says, in plain words
  std::string reading;           // the reading RULES.md names for vague or contradictory text
  std::string alternative;       // the documented alternative reading, if RULES.md gives one
  bool use_alternative = false;  // true: the alternative's parameters are in force
  bool fixed_by_seed = true;     // false: a default the seed document does not fix
  std::string source;            // seed section, e.g. "s4a; Appendix C item 2"
  std::string origin;            // the pack file that last set this entry
};

// A phase of a phased schedule: the interval applies until `until` after the status anchor
// (ASYE start, start date).
struct Phase {
  Period until;
  Period interval;
};

// How part-time staff are treated.
enum class FteMode {
  kSameFrequency,  // D4: the time may be shortened, the frequency not
  kScaleByFte,     // H2: interval = standard interval / FTE, rounded to whole days
};

// A personal-supervision rule for one worker status.
struct PersonalSupervisionRule {
  std::string rule_id;
  WorkerStatus status = WorkerStatus::kStandard;
  std::optional<Period> interval;  // standard/agency: the interval; phased: after the phases
  std::vector<Phase> phases;       // asye/induction/probation: from the anchor
  FteMode fte_mode = FteMode::kSameFrequency;  // part_time only
  int min_minutes = 0;                         // minimum session length, 0: none
};

// Absences that pause personal supervision, and the catch-up deadline after return (H5).
struct AbsenceRule {
  std::string rule_id;  // "H5", or empty when the pack only pauses
  std::vector<AbsenceReason> pause_reasons;
  std::vector<Party> parties;             // whose absence counts
  std::optional<Period> catch_up_within;  // H5: 5 working days after the return
};

// One row of a case-discussion table. Unset match fields match anything. Among the rows that
// match a child, the most specific one (most match fields set) applies; among equally specific
// rows, the one giving the earliest due date (the most demanding).
struct CaseDiscussionRow {
  std::string rule_id;
  std::optional<CaseType> case_type;
  std::optional<RiskLevel> risk;
  std::optional<bool> placed_with_parents;
  std::optional<bool> long_term_matched;
  std::optional<bool> stability_concern;
  std::optional<bool> in_care_proceedings;
  Period interval;               // the hard minimum: overdue after it
  std::optional<Period> target;  // the aim (H10: monthly); reminders use it
  std::string label;             // e.g. "CLA placed with parents"
};

// A deadline on a record step (H11, D11, S7 ad hoc, S10, H13 observation steps).
struct RecordDeadlineRule {
  std::string rule_id;
  RecordKind record = RecordKind::kCaseSupervision;
  RecordStep step = RecordStep::kRecord;
  DeadlineFrom from = DeadlineFrom::kHeld;
  Period within;
};

// A condition on a field of the triggering event: equality with a value (enum value name,
// "true"/"false", text), or presence (non-empty) / absence.
struct TriggerCondition {
  enum class Op { kEquals, kPresent, kAbsent };
  std::string field;  // dotted path into the event message, e.g. "kind" or "item.kind"
  Op op = Op::kEquals;
  std::string value;
};

// What a trigger produces.
enum class TriggerOutput { kOversightTask, kRecordDeadline, kAssessmentCheckpoints };

// A case event that requires management oversight (D8, D14.x, S5, S6) or a record (S7).
struct TriggerRule {
  std::string name;  // e.g. "child_entered_care"; unique in the pack
  std::string rule_id;
  std::string event_type;  // full proto message name, e.g. "oversight.cases.v1.ChildEnteredCare"
  std::vector<TriggerCondition> conditions;
  TriggerOutput produces = TriggerOutput::kOversightTask;
  Period deadline;                  // from the event's occurred_at
  std::string deadline_rule_id;     // set when the deadline is trigger_defaults' (e.g. "D15")
  std::vector<Period> checkpoints;  // kAssessmentCheckpoints: e.g. 10, 20, 30 working days
  Priority priority = Priority::kRoutine;
  Owner owner = Owner::kSupervisor;
  std::string description;
};

// A recurring worker or team item: agreement review, observation, PDR, appraisal, group
// supervision, performance conversation, mentoring.
struct CycleRule {
  std::string rule_id;
  ItemKind kind = ItemKind::kAgreementReview;
  Period every;
  // Agreement only: events that require a new agreement ("start", "supervisor_changed") and
  // how soon after the event it is due.
  std::vector<std::string> new_on;
  std::optional<Period> new_within;
  // Only for workers with this status (S4 mentoring: asye); nullopt: everyone.
  std::optional<WorkerStatus> applies_to;
};

// How long worker records are kept after the worker leaves (H8).
struct RetentionRule {
  std::string rule_id;
  Period keep;
};

// Who may read a kind of record, beyond its parties (H16, S14).
struct AccessRule {
  std::string rule_id;
  std::string record;  // "worker" or "child"
  std::vector<std::string> readers;
};

// A step of escalation for overdue items (scheduling uses it).
struct EscalationStep {
  Period overdue_by;
  Owner to = Owner::kSupervisorLineManager;
};

// Reminder and escalation settings (scheduling uses them; not rules of RULES.md).
struct SchedulingSettings {
  Period reminder_lead{PeriodUnit::kWorkingDays, 5};
  std::vector<EscalationStep> escalation;
};

// One authority's pack after `extends` and overrides are resolved and validated.
// Value type; immutable by convention once loaded; safe to share read-only between threads.
struct Pack {
  std::string authority;  // e.g. "devon"
  std::string name;       // e.g. "Devon County Council, Children's Services"
  std::string seed;       // seed file the rules come from
  std::string extends;    // the base pack's name, empty if none
  std::string calendar_division = "england-and-wales";
  std::string time_zone = "Europe/London";
  std::vector<std::string> files;  // pack files merged, base first

  std::vector<RuleInfo> rules;  // every `rules:` entry, in file order
  std::vector<PersonalSupervisionRule> personal_supervision;
  std::optional<AbsenceRule> absence;
  std::vector<CaseDiscussionRow> case_discussion;
  std::vector<RecordDeadlineRule> record_deadlines;
  std::vector<TriggerRule> triggers;
  std::vector<CycleRule> cycles;
  std::optional<RetentionRule> retention;
  std::vector<AccessRule> access;
  SchedulingSettings scheduling;

  // The `rules:` entry with this id, or nullptr.
  const RuleInfo* FindRule(absl::string_view id) const;
  // The personal-supervision rule for a status, or nullptr.
  const PersonalSupervisionRule* FindPersonalSupervision(WorkerStatus status) const;
  // The cycle rule of an item kind, or nullptr.
  const CycleRule* FindCycle(ItemKind kind) const;
};

// Returns the YAML text of the pack called `name` (used to follow `extends:`), or NOT_FOUND.
// The second value names the source in messages (a path).
struct PackSource {
  std::string text;
  std::string origin;
};
using PackResolver = std::function<absl::StatusOr<PackSource>(absl::string_view name)>;

// Parses a pack from YAML text, following `extends:` through `resolver` (cycles rejected),
// deep-merging the overrides onto the base (see README: maps merge key by key; `rules:` merge by
// `id`, `triggers:` by `name`; `remove: true` deletes an entry; other lists replace), then
// validating. Returns INVALID_ARGUMENT with "<file>: <field>: <problem>" for a bad pack.
absl::StatusOr<Pack> ParsePack(absl::string_view yaml, absl::string_view origin,
                               const PackResolver& resolver);

// Loads `<dir>/<name>.yaml`, resolving `extends:` from the same directory. NOT_FOUND if the
// file is missing; INVALID_ARGUMENT as ParsePack.
absl::StatusOr<Pack> LoadPack(const std::string& dir, absl::string_view name);

// The directory of the packs shipped with the library (compile-time default; operators pass
// their own directory to LoadPack).
std::string DefaultPackDir();
// The path of the calendar shipped with the library.
std::string DefaultCalendarPath();

}  // namespace oversight::policy
