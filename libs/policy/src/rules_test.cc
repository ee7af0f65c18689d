// One or more table rows per rule id of shared/domain/RULES.md, with dates computed by hand.
// The last test checks that every rule id in every shipped pack appears in these tables.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "oversight/policy/engine.h"
#include "test_env.h"

namespace oversight::policy {
namespace {

using testing::EndOf;
using testing::London;
using testing::ShippedCalendar;
using testing::ShippedPack;

using D = absl::CivilDay;

std::set<std::string>& Tested() {
  static auto* ids = new std::set<std::string>();
  return *ids;
}
void Mark(const std::string& pack, const std::string& id) {
  Tested().insert(pack + "/" + id);
}

Engine For(const std::string& pack) {
  return Engine(ShippedPack(pack), ShippedCalendar());
}

// ---- personal supervision --------------------------------------------------------------------

struct PersonalCase {
  const char* pack;
  const char* rule;  // the rule the explanation must cite
  const char* what;
  WorkerFacts worker;
  D want;
};

WorkerFacts Worker(D start, std::optional<D> last) {
  WorkerFacts w;
  w.worker_id = "w1";
  w.start_date = start;
  w.last_personal_supervision = last;
  return w;
}
WorkerFacts PartTime(D start, D last, double fte) {
  WorkerFacts w = Worker(start, last);
  w.fte = fte;
  return w;
}
WorkerFacts Asye(D asye_start, std::optional<D> last) {
  WorkerFacts w = Worker(asye_start, last);
  w.asye_start = asye_start;
  return w;
}
WorkerFacts Probation(D start, D end, std::optional<D> last) {
  WorkerFacts w = Worker(start, last);
  w.probation_end = end;
  return w;
}
WorkerFacts Agency(D start, D last) {
  WorkerFacts w = Worker(start, last);
  w.agency = true;
  return w;
}
WorkerFacts Sick(D last, D from, std::optional<D> back, Party who = Party::kSupervisee) {
  WorkerFacts w = Worker(D(2020, 1, 6), last);
  w.absences.push_back(AbsenceFacts{AbsenceReason::kSickness, who, from, back});
  return w;
}
WorkerFacts Informal(D last, D informal) {
  WorkerFacts w = Worker(D(2020, 1, 6), last);
  w.last_informal_supervision = informal;
  return w;
}

TEST(RulesTest, PersonalSupervision) {
  const PersonalCase cases[] = {
      {"havering", "H1", "monthly from the last session", Worker(D(2020, 1, 6), D(2025, 1, 15)),
       D(2025, 2, 15)},
      {"havering", "H1", "31 Jan + 1 month = 28 Feb", Worker(D(2020, 1, 6), D(2025, 1, 31)),
       D(2025, 2, 28)},
      {"havering", "H1", "leap year: 31 Jan 2024 + 1 month = 29 Feb",
       Worker(D(2020, 1, 6), D(2024, 1, 31)), D(2024, 2, 29)},
      {"havering", "H2", "0.5 FTE: every 2 months", PartTime(D(2020, 1, 6), D(2025, 1, 31), 0.5),
       D(2025, 3, 31)},
      {"havering", "H2", "0.8 FTE: 1.25 months = 1 month + 7 of February's 28 days",
       PartTime(D(2020, 1, 6), D(2025, 1, 15), 0.8), D(2025, 2, 22)},
      {"havering", "H3", "ASYE week 5: weekly", Asye(D(2025, 1, 6), D(2025, 2, 10)),
       D(2025, 2, 17)},
      {"havering", "H3", "ASYE first session due a week after the start",
       Asye(D(2025, 1, 6), std::nullopt), D(2025, 1, 13)},
      {"havering", "H3", "ASYE session on the 6-week boundary: fortnightly",
       Asye(D(2025, 1, 6), D(2025, 2, 17)), D(2025, 3, 3)},
      {"havering", "H3", "ASYE just before 6 months: fortnightly",
       Asye(D(2025, 1, 6), D(2025, 6, 30)), D(2025, 7, 14)},
      {"havering", "H3", "ASYE after 6 months: monthly", Asye(D(2025, 1, 6), D(2025, 7, 7)),
       D(2025, 8, 7)},
      {"havering", "H4", "probation first month: fortnightly",
       Probation(D(2025, 3, 3), D(2025, 9, 3), std::nullopt), D(2025, 3, 17)},
      {"havering", "H1", "probation after the first month: monthly",
       Probation(D(2025, 3, 3), D(2025, 9, 3), D(2025, 4, 7)), D(2025, 5, 7)},
      {"havering", "H5", "sickness across Christmas: 5 working days from the return",
       Sick(D(2025, 12, 1), D(2025, 12, 15), D(2026, 1, 5)), D(2026, 1, 9)},
      {"havering", "H5", "supervisor's sickness counts too",
       Sick(D(2025, 12, 1), D(2025, 12, 15), D(2026, 1, 5), Party::kSupervisor), D(2026, 1, 9)},
      {"havering", "H1", "sickness after the due date changes nothing",
       Sick(D(2025, 10, 1), D(2025, 11, 10), D(2025, 11, 20)), D(2025, 11, 1)},
      {"devon", "D1", "monthly", Worker(D(2020, 1, 6), D(2024, 12, 31)), D(2025, 1, 31)},
      {"devon", "D1", "sickness across Christmas pauses the clock for 21 days",
       Sick(D(2025, 12, 1), D(2025, 12, 15), D(2026, 1, 5)), D(2026, 1, 22)},
      {"devon", "D2", "induction: weekly in the first 6 weeks", Worker(D(2025, 9, 1), std::nullopt),
       D(2025, 9, 8)},
      {"devon", "D1", "after induction's 6 weeks: monthly", Worker(D(2025, 9, 1), D(2025, 10, 13)),
       D(2025, 11, 13)},
      {"devon", "D3", "ASYE week 7: fortnightly (s5.2)", Asye(D(2025, 9, 1), D(2025, 10, 20)),
       D(2025, 11, 3)},
      {"devon", "D4", "part-time: same frequency", PartTime(D(2020, 1, 6), D(2025, 1, 31), 0.5),
       D(2025, 2, 28)},
      {"devon", "D5", "agency: as permanent staff", Agency(D(2020, 1, 6), D(2025, 3, 15)),
       D(2025, 4, 15)},
      {"devon", "D1", "D6: a later informal session does not reset the clock",
       Informal(D(2025, 1, 10), D(2025, 1, 25)), D(2025, 2, 10)},
      {"stoke-on-trent", "S2", "monthly", Worker(D(2020, 1, 6), D(2025, 5, 31)), D(2025, 6, 30)},
      {"stoke-on-trent", "S4", "ASYE weekly", Asye(D(2025, 1, 6), D(2025, 1, 13)), D(2025, 1, 20)},
      {"stoke-on-trent", "S4", "ASYE fortnightly after 6 weeks", Asye(D(2025, 1, 6), D(2025, 3, 3)),
       D(2025, 3, 17)},
      {"multi-agency", "M1", "monthly (not fixed by the seed)",
       Worker(D(2020, 1, 6), D(2025, 2, 28)), D(2025, 3, 28)},
      {"lancashire", "M1", "monthly, the multi-agency default",
       Worker(D(2020, 1, 6), D(2025, 8, 31)), D(2025, 9, 30)},
  };
  for (const PersonalCase& c : cases) {
    SCOPED_TRACE(std::string(c.pack) + " " + c.rule + ": " + c.what);
    absl::StatusOr<DueDate> d = For(c.pack).NextPersonalSupervision(c.worker);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->due_day, c.want);
    EXPECT_EQ(d->due_at, ShippedCalendar().EndOfDay(c.want));
    EXPECT_EQ(d->explanation.rule_id, c.rule) << d->explanation.summary;
    EXPECT_EQ(d->explanation.calendar, "england-and-wales 2018-2030");
    EXPECT_FALSE(d->explanation.facts.empty());
    Mark(c.pack, c.rule);
  }
  Mark("devon", "D6");  // the informal-session row above
  Mark("havering", "H5");
}

TEST(RulesTest, PersonalSupervisionPausedWhileOffSick) {
  absl::StatusOr<DueDate> d =
      For("havering").NextPersonalSupervision(Sick(D(2025, 12, 1), D(2025, 12, 15), std::nullopt));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->paused);
  EXPECT_EQ(d->due_at, absl::InfiniteFuture());
  EXPECT_NE(d->explanation.summary.find("paused"), std::string::npos);
}

// ---- case discussion -------------------------------------------------------------------------

struct CaseCase {
  const char* pack;
  const char* rule;
  const char* what;
  ChildFacts child;
  D want;
  std::optional<D> target;
};

ChildFacts Child(CaseType type, RiskLevel risk, D last, PlacementFacts placement = {},
                 bool proceedings = false) {
  ChildFacts c;
  c.child_id = "c1";
  c.case_type = type;
  c.risk = risk;
  c.placement = placement;
  c.in_care_proceedings = proceedings;
  c.allocated_on = D(2020, 1, 6);
  c.last_case_discussion = last;
  return c;
}
constexpr RiskLevel kStd = RiskLevel::kStandard;
constexpr RiskLevel kHigh = RiskLevel::kHigh;

TEST(RulesTest, CaseDiscussion) {
  const CaseCase cases[] = {
      {"havering", "H10", "CP: target monthly, overdue after 2 months",
       Child(CaseType::kChildProtection, kStd, D(2025, 1, 31)), D(2025, 3, 31), D(2025, 2, 28)},
      {"havering", "H10", "care proceedings: 2 months",
       Child(CaseType::kChildLookedAfter, kStd, D(2025, 5, 31), {}, true), D(2025, 7, 31),
       D(2025, 6, 30)},
      {"havering", "H10", "other cases: quarterly, 30 Nov + 3 months = 28 Feb",
       Child(CaseType::kChildInNeed, kStd, D(2024, 11, 30)), D(2025, 2, 28), D(2024, 12, 30)},
      {"devon", "D9", "FEH: 2 months", Child(CaseType::kEarlyHelp, kHigh, D(2025, 1, 10)),
       D(2025, 3, 10), std::nullopt},
      {"devon", "D9", "assessment: monthly", Child(CaseType::kAssessment, kStd, D(2025, 1, 10)),
       D(2025, 2, 10), std::nullopt},
      {"devon", "D9", "CIN standard: 2 months",
       Child(CaseType::kChildInNeed, kStd, D(2024, 12, 31)), D(2025, 2, 28), std::nullopt},
      {"devon", "D9", "CIN high: monthly", Child(CaseType::kChildInNeed, kHigh, D(2024, 12, 31)),
       D(2025, 1, 31), std::nullopt},
      {"devon", "D9", "CP: monthly", Child(CaseType::kChildProtection, kStd, D(2024, 1, 31)),
       D(2024, 2, 29), std::nullopt},
      {"devon", "D9", "CLA standard: 2 months",
       Child(CaseType::kChildLookedAfter, kStd, D(2025, 6, 30)), D(2025, 8, 30), std::nullopt},
      {"devon", "D9", "care leaver standard: 3 months",
       Child(CaseType::kCareLeaver, kStd, D(2024, 11, 30)), D(2025, 2, 28), std::nullopt},
      {"devon", "D9", "care leaver high: monthly",
       Child(CaseType::kCareLeaver, kHigh, D(2024, 11, 30)), D(2024, 12, 30), std::nullopt},
      {"devon", "D9", "foster carer, instability: monthly",
       Child(CaseType::kFosterCarer, kStd, D(2025, 3, 31), {.stability_concern = true}),
       D(2025, 4, 30), std::nullopt},
      {"devon", "D9", "YOS lower risk: 2 months",
       Child(CaseType::kYouthOffending, kStd, D(2025, 3, 31)), D(2025, 5, 31), std::nullopt},
      {"devon", "D9", "quality assurance: 3 months",
       Child(CaseType::kQualityAssurance, kHigh, D(2025, 3, 31)), D(2025, 6, 30), std::nullopt},
      {"stoke-on-trent", "S3", "child in care: 8 weeks",
       Child(CaseType::kChildLookedAfter, kStd, D(2025, 1, 6)), D(2025, 3, 3), std::nullopt},
      {"stoke-on-trent", "S3", "placed with parents: 6 weeks",
       Child(CaseType::kChildLookedAfter, kStd, D(2025, 1, 6), {.placed_with_parents = true}),
       D(2025, 2, 17), std::nullopt},
      {"stoke-on-trent", "S3", "long-term matched: 12 weeks",
       Child(CaseType::kChildLookedAfter, kStd, D(2025, 1, 6), {.long_term_matched = true}),
       D(2025, 3, 31), std::nullopt},
      {"stoke-on-trent", "S3", "stability concern: monthly, even when long-term matched",
       Child(CaseType::kChildLookedAfter, kStd, D(2025, 1, 6),
             {.long_term_matched = true, .stability_concern = true}),
       D(2025, 2, 6), std::nullopt},
      {"stoke-on-trent", "S3", "CP: monthly",
       Child(CaseType::kChildProtection, kStd, D(2025, 1, 6)), D(2025, 2, 6), std::nullopt},
      {"stoke-on-trent", "S3", "CIN: monthly", Child(CaseType::kChildInNeed, kStd, D(2025, 1, 6)),
       D(2025, 2, 6), std::nullopt},
      {"stoke-on-trent", "S3", "early help high risk: 6 weeks",
       Child(CaseType::kEarlyHelp, kHigh, D(2025, 1, 6)), D(2025, 2, 17), std::nullopt},
      {"stoke-on-trent", "S3", "early help standard: 8 weeks",
       Child(CaseType::kEarlyHelp, kStd, D(2025, 1, 6)), D(2025, 3, 3), std::nullopt},
      {"multi-agency", "M1", "default: other cases quarterly",
       Child(CaseType::kEarlyHelp, kStd, D(2025, 1, 6)), D(2025, 4, 6), std::nullopt},
      {"multi-agency", "M1", "default: high risk monthly",
       Child(CaseType::kEarlyHelp, kHigh, D(2025, 1, 6)), D(2025, 2, 6), std::nullopt},
      {"lancashire", "M1", "default: CLA every 2 months",
       Child(CaseType::kChildLookedAfter, kStd, D(2025, 1, 6)), D(2025, 3, 6), std::nullopt},
  };
  for (const CaseCase& c : cases) {
    SCOPED_TRACE(std::string(c.pack) + " " + c.rule + ": " + c.what);
    absl::StatusOr<DueDate> d = For(c.pack).NextCaseDiscussion(c.child);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->due_day, c.want) << d->explanation.summary;
    EXPECT_EQ(d->explanation.rule_id, c.rule);
    if (c.target) {
      ASSERT_TRUE(d->target_at.has_value());
      EXPECT_EQ(*d->target_at, ShippedCalendar().EndOfDay(*c.target));
    } else {
      EXPECT_FALSE(d->target_at.has_value());
    }
    Mark(c.pack, c.rule);
  }
}

// ---- triggers ---------------------------------------------------------------------------------

struct Want {
  const char* trigger;
  ItemKind kind;
  absl::Time due;
  Owner owner = Owner::kSupervisor;
  Priority priority = Priority::kRoutine;
};
struct TriggerCase {
  const char* pack;
  const char* rule;
  std::string event;
  std::map<std::string, std::string> fields;
  absl::Time at;
  std::vector<Want> want;
};

TEST(RulesTest, Triggers) {
  const absl::Time thu = London(2025, 6, 5, 11);  // -> 2 working days: Mon 9 June
  const absl::Time mon9 = EndOf(2025, 6, 9);
  const absl::Time fri_bh = London(2025, 8, 22, 15);   // summer bank holiday on Mon 25 Aug
  const absl::Time cf_start = London(2025, 4, 7, 10);  // Easter on 18 and 21 April
  const std::string c = "oversight.cases.v1.";
  constexpr ItemKind kTask = ItemKind::kOversightTask;
  const std::vector<TriggerCase> cases = {
      {"devon",
       "D8",
       c + "CaseAllocated",
       {{"worker_id", "w1"}},
       fri_bh,
       {{"new_child_allocated", kTask, EndOf(2025, 8, 27)}}},
      {"devon",
       "D14.1",
       c + "CaseAllocated",
       {{"previous_worker_id", "w0"}},
       thu,
       {{"reallocated", kTask, mon9}}},
      {"devon",
       "D14.1",
       c + "LeadPractitionerChanged",
       {},
       thu,
       {{"lead_practitioner_changed", kTask, mon9}}},
      {"devon",
       "D14.2",
       c + "SignificantIncident",
       {},
       thu,
       {{"significant_incident", kTask, mon9, Owner::kSupervisor, Priority::kUrgent}}},
      {"devon", "D14.3", c + "CarePlanChanged", {}, thu, {{"care_plan_changed", kTask, mon9}}},
      {"devon",
       "D14.4",
       c + "ChildEnteredCare",
       {},
       London(2025, 3, 28, 9),
       {{"child_entered_care", kTask, EndOf(2025, 4, 1), Owner::kSupervisor, Priority::kUrgent}}},
      {"devon", "D14.5", c + "CourtDirection", {}, thu, {{"court_direction", kTask, mon9}}},
      {"devon",
       "D14.6",
       c + "EscalationRaised",
       {{"raised_by", "ESCALATION_SOURCE_IRO"}},
       thu,
       {{"escalation_raised", kTask, mon9}}},
      {"devon", "D14.7", c + "ChildReturnedHome", {}, thu, {{"child_returned_home", kTask, mon9}}},
      {"devon",
       "D14.8",
       c + "CaseDiscussionOutsideSupervision",
       {},
       thu,
       {{"discussion_outside_supervision", kTask, mon9}}},
      {"devon", "D14.9", c + "ThresholdChanged", {}, thu, {{"threshold_changed", kTask, mon9}}},
      {"devon",
       "D14.10",
       c + "CumulativeHarmReassessed",
       {},
       thu,
       {{"cumulative_harm_reassessed", kTask, mon9}}},
      {"devon",
       "D14.11",
       c + "CpPlanEndRecommended",
       {},
       thu,
       {{"cp_plan_end_recommended", kTask, mon9}}},
      {"devon",
       "D14.12",
       c + "ProfessionalOpinionUsed",
       {},
       thu,
       {{"professional_opinion_used", kTask, mon9}}},
      {"devon", "D14.13", c + "CaseClosed", {}, thu, {{"case_closed", kTask, mon9}}},
      {"devon", "D14.13", c + "CaseTransferred", {}, thu, {{"case_transferred", kTask, mon9}}},
      {"devon",
       "D14.13",
       c + "SteppedAcrossToEarlyHelp",
       {},
       thu,
       {{"stepped_across_to_early_help", kTask, mon9}}},
      {"devon",
       "D14.14",
       "oversight.scheduling.v1.ItemOverdue",
       {{"item.kind", "ITEM_KIND_CASE_DISCUSSION"}},
       thu,
       {{"drift_or_delay", kTask, mon9, Owner::kSupervisorLineManager, Priority::kUrgent}}},
      {"devon",
       "D14.14",
       "oversight.scheduling.v1.ItemOverdue",
       {{"item.kind", "ITEM_KIND_PDR"}},
       thu,
       {}},
      {"devon",
       "D14.15",
       c + "PerformanceGapIdentified",
       {},
       thu,
       {{"performance_gap", kTask, mon9}}},
      {"devon",
       "D15",
       c + "ChildReturnedHome",
       {},
       London(2025, 12, 24, 17),
       {{"child_returned_home", kTask, EndOf(2025, 12, 30)}}},  // Christmas: 29 and 30 Dec
      {"stoke-on-trent", "S5", c + "CaseAllocated", {}, thu, {{"allocation", kTask, mon9}}},
      {"stoke-on-trent",
       "S6",
       c + "ReferralReceived",
       {},
       thu,
       {{"referral_received", kTask, mon9}}},
      {"stoke-on-trent",
       "S6",
       c + "AssessmentStarted",
       {{"kind", "ASSESSMENT_KIND_EARLY_HELP"}},
       thu,
       {{"early_help_assessment_started", kTask, mon9}}},
      {"stoke-on-trent",
       "S6",
       c + "AssessmentStarted",
       {{"kind", "ASSESSMENT_KIND_SECTION_47"}},
       thu,
       {{"s47_assessment_started", kTask, mon9, Owner::kSupervisor, Priority::kUrgent}}},
      {"stoke-on-trent",
       "S6",
       c + "AssessmentStarted",
       {{"kind", "ASSESSMENT_KIND_CHILD_AND_FAMILY"}},
       cf_start,
       {{"cf_assessment_started", kTask, EndOf(2025, 4, 9)},
        {"cf_assessment_checkpoints", ItemKind::kAssessmentCheckpoint, EndOf(2025, 4, 23)},
        {"cf_assessment_checkpoints", ItemKind::kAssessmentCheckpoint, EndOf(2025, 5, 8)},
        {"cf_assessment_checkpoints", ItemKind::kAssessmentCheckpoint, EndOf(2025, 5, 22)}}},
      // 48 elapsed hours across the change to BST on 30 March 2025: 10:00 GMT + 48 h = 11:00 BST.
      {"stoke-on-trent",
       "S7",
       c + "CaseDiscussionOutsideSupervision",
       {},
       London(2025, 3, 29, 10),
       {{"ad_hoc_discussion_recorded", ItemKind::kRecordDeadline, London(2025, 3, 31, 11),
         Owner::kAllocatedWorker}}},
      {"multi-agency",
       "M1",
       c + "SignificantIncident",
       {},
       thu,
       {{"urgent_safeguarding_matter", kTask, mon9, Owner::kSupervisor, Priority::kUrgent}}},
      {"lancashire",
       "M1",
       c + "SignificantIncident",
       {},
       thu,
       {{"urgent_safeguarding_matter", kTask, mon9, Owner::kSupervisor, Priority::kUrgent}}},
      {"havering", "H1", c + "ChildEnteredCare", {}, thu, {}},  // Havering has no triggers
  };
  for (const TriggerCase& tc : cases) {
    SCOPED_TRACE(std::string(tc.pack) + " " + tc.rule + " " + tc.event);
    CaseEventFacts ev{"e1", tc.event, "c1", tc.at, tc.fields};
    std::vector<RequiredOversight> got = For(tc.pack).TriggeredOversight(ev);
    ASSERT_EQ(got.size(), tc.want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].trigger, tc.want[i].trigger);
      EXPECT_EQ(got[i].due.kind, tc.want[i].kind);
      EXPECT_EQ(got[i].due.due_at, tc.want[i].due)
          << absl::FormatTime(got[i].due.due_at, ShippedCalendar().zone());
      EXPECT_EQ(got[i].owner, tc.want[i].owner);
      EXPECT_EQ(got[i].priority, tc.want[i].priority);
      EXPECT_EQ(got[i].due.explanation.rule_id, tc.rule == std::string("D15") ? "D14.7" : tc.rule);
    }
    Mark(tc.pack, tc.rule);
  }
  // D15's reading is the default deadline of every Devon trigger.
  for (const TriggerRule& t : ShippedPack("devon").triggers) {
    EXPECT_EQ(t.deadline.ToString(), "2 working days") << t.name;
  }
  EXPECT_FALSE(ShippedPack("devon").FindRule("D15")->fixed_by_seed);
}

// ---- records ------------------------------------------------------------------------------------

struct RecordCase {
  const char* pack;
  const char* rule;
  SessionFacts session;
  std::vector<std::pair<RecordStep, absl::Time>> want;
};

SessionFacts Session(RecordKind kind, absl::Time held, std::optional<absl::Time> circulated = {},
                     std::optional<absl::Time> observer_done = {}) {
  return SessionFacts{"r1", kind, held, circulated, observer_done};
}

TEST(RulesTest, RecordDeadlines) {
  const std::vector<RecordCase> cases = {
      // Thursday before Easter 2025: Good Friday and Easter Monday are skipped.
      {"havering",
       "H11",
       Session(RecordKind::kCaseSupervision, London(2025, 4, 17, 10)),
       {{RecordStep::kRecord, EndOf(2025, 4, 23)}}},
      // Observation on Friday 2 May 2025; Monday 5 May is a bank holiday.
      {"havering",
       "H13",
       Session(RecordKind::kObservation, London(2025, 5, 2, 14)),
       {{RecordStep::kObserverSection, EndOf(2025, 5, 7)},
        {RecordStep::kPractitionerComments, EndOf(2025, 5, 9)},  // from the observer deadline
        {RecordStep::kFeedbackSession, EndOf(2025, 5, 19)}}},
      {"havering",
       "H13",
       Session(RecordKind::kObservation, London(2025, 5, 2, 14), std::nullopt,
               London(2025, 5, 6, 16)),
       {{RecordStep::kObserverSection, EndOf(2025, 5, 7)},
        {RecordStep::kPractitionerComments, EndOf(2025, 5, 8)},
        {RecordStep::kFeedbackSession, EndOf(2025, 5, 19)}}},
      // Christmas Eve 2025: 25 and 26 December are skipped.
      {"devon",
       "D11",
       Session(RecordKind::kCaseSupervision, London(2025, 12, 24, 9)),
       {{RecordStep::kRecord, EndOf(2025, 12, 31)}}},
      // Friday 23 May 2025 16:00, spring bank holiday Monday 26 May.
      {"stoke-on-trent",
       "S10",
       Session(RecordKind::kPersonalSupervision, London(2025, 5, 23, 16)),
       {{RecordStep::kCirculate, London(2025, 5, 25, 16)},
        {RecordStep::kSignOff, EndOf(2025, 6, 2)}}},
      {"stoke-on-trent",
       "S10",
       Session(RecordKind::kPersonalSupervision, London(2025, 5, 23, 16), London(2025, 5, 27, 9)),
       {{RecordStep::kCirculate, London(2025, 5, 25, 16)},
        {RecordStep::kSignOff, EndOf(2025, 6, 3)}}},
      {"stoke-on-trent",
       "S10",
       Session(RecordKind::kCaseSupervision, London(2025, 5, 23, 16)),
       {{RecordStep::kCirculate, London(2025, 5, 25, 16)},
        {RecordStep::kSignOff, EndOf(2025, 6, 2)},
        {RecordStep::kRecord, EndOf(2025, 6, 2)}}},
  };
  for (const RecordCase& rc : cases) {
    SCOPED_TRACE(std::string(rc.pack) + " " + rc.rule);
    std::vector<DueDate> got = For(rc.pack).RecordingDeadlines(rc.session);
    ASSERT_EQ(got.size(), rc.want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].explanation.rule_id, rc.rule);
      bool step_ok = false;
      for (const auto& [k, v] : got[i].explanation.facts) {
        if (k == "step") step_ok = v == RecordStepName(rc.want[i].first);
      }
      EXPECT_TRUE(step_ok) << got[i].explanation.summary;
      EXPECT_EQ(got[i].due_at, rc.want[i].second)
          << i << ": " << absl::FormatTime(got[i].due_at, ShippedCalendar().zone());
    }
    Mark(rc.pack, rc.rule);
  }
}

// ---- recurring items, agreements, retention -----------------------------------------------------

TEST(RulesTest, RecurringWorkerItems) {
  struct Case {
    const char* pack;
    const char* rule;
    ItemKind kind;
    WorkerFacts worker;
    D want;
  };
  WorkerFacts obs = Worker(D(2020, 1, 6), std::nullopt);
  obs.last_observation = D(2024, 8, 31);
  WorkerFacts pdr = Worker(D(2020, 1, 6), std::nullopt);
  pdr.last_pdr = D(2025, 3, 31);
  WorkerFacts appraisal = Worker(D(2020, 1, 6), std::nullopt);
  appraisal.last_appraisal = D(2024, 2, 29);
  WorkerFacts perf = Worker(D(2020, 1, 6), std::nullopt);
  perf.last_performance_conversation = D(2024, 11, 30);
  WorkerFacts mentee = Asye(D(2025, 1, 6), std::nullopt);
  const Case cases[] = {
      {"havering", "H13", ItemKind::kObservation, obs, D(2025, 2, 28)},
      {"havering", "H14", ItemKind::kPdr, pdr, D(2025, 9, 30)},
      {"devon", "D18", ItemKind::kAppraisal, appraisal, D(2025, 2, 28)},
      {"lancashire", "L1", ItemKind::kPerformanceConversation, perf, D(2025, 2, 28)},
      {"stoke-on-trent", "S4", ItemKind::kMentoring, mentee, D(2025, 1, 20)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pack) + " " + c.rule);
    absl::StatusOr<DueDate> d = For(c.pack).NextWorkerCycle(c.kind, c.worker);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->due_day, c.want);
    EXPECT_EQ(d->kind, c.kind);
    EXPECT_EQ(d->explanation.rule_id, c.rule);
    Mark(c.pack, c.rule);
  }
  // Mentoring is for ASYE workers only; Devon has no PDR rule.
  EXPECT_EQ(For("stoke-on-trent").NextWorkerCycle(ItemKind::kMentoring, obs).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(For("devon").NextWorkerCycle(ItemKind::kPdr, pdr).status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<DueDate> group =
      For("devon").NextGroupSupervision(TeamFacts{"t1", D(2024, 1, 1), D(2025, 1, 31)});
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->due_day, D(2025, 2, 28));
  EXPECT_EQ(group->explanation.rule_id, "D17");
  Mark("devon", "D17");
}

TEST(RulesTest, Agreements) {
  struct Case {
    const char* pack;
    const char* rule;
    const char* what;
    WorkerFacts worker;
    std::vector<std::pair<ItemKind, D>> want;
  };
  WorkerFacts fresh = Worker(D(2025, 1, 10), std::nullopt);
  WorkerFacts signed_ = fresh;
  signed_.last_agreement_signed = D(2025, 1, 20);
  WorkerFacts changed = signed_;
  changed.supervisor_since = D(2025, 6, 2);
  WorkerFacts devon_changed = Worker(D(2020, 1, 6), std::nullopt);
  devon_changed.last_agreement_signed = D(2024, 5, 1);
  devon_changed.supervisor_since = D(2025, 3, 3);
  WorkerFacts stoke_new = Worker(D(2025, 2, 3), std::nullopt);
  WorkerFacts leap = Worker(D(2020, 1, 6), std::nullopt);
  leap.last_agreement_signed = D(2024, 2, 29);
  const std::vector<Case> cases = {
      {"havering",
       "H12",
       "new worker: contract within a month",
       fresh,
       {{ItemKind::kNewAgreement, D(2025, 2, 10)}}},
      {"havering",
       "H12",
       "signed: reviewed annually",
       signed_,
       {{ItemKind::kAgreementReview, D(2026, 1, 20)}}},
      {"havering",
       "H12",
       "new supervisor after signing",
       changed,
       {{ItemKind::kNewAgreement, D(2025, 7, 2)}, {ItemKind::kAgreementReview, D(2026, 1, 20)}}},
      {"devon",
       "D7",
       "change of supervisor",
       devon_changed,
       {{ItemKind::kNewAgreement, D(2025, 4, 3)}, {ItemKind::kAgreementReview, D(2025, 5, 1)}}},
      {"stoke-on-trent",
       "S1",
       "first appointment",
       stoke_new,
       {{ItemKind::kNewAgreement, D(2025, 3, 3)}}},
      {"multi-agency",
       "M2",
       "leap day + 12 months = 28 Feb",
       leap,
       {{ItemKind::kAgreementReview, D(2025, 2, 28)}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pack) + " " + c.rule + ": " + c.what);
    absl::StatusOr<std::vector<DueDate>> got = For(c.pack).AgreementItems(c.worker);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->size(), c.want.size());
    for (size_t i = 0; i < got->size(); ++i) {
      EXPECT_EQ((*got)[i].kind, c.want[i].first);
      EXPECT_EQ((*got)[i].due_day, c.want[i].second);
      EXPECT_EQ((*got)[i].explanation.rule_id, c.rule);
    }
    Mark(c.pack, c.rule);
  }
}

TEST(RulesTest, Retention) {
  WorkerFacts left = Worker(D(2020, 1, 6), std::nullopt);
  left.left_on = D(2024, 2, 29);
  left.left_childrens_services = true;
  absl::StatusOr<DueDate> d = For("havering").RetentionDate(left);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->due_day, D(2027, 2, 28));  // leap day + 3 years
  EXPECT_EQ(d->explanation.rule_id, "H8");
  left.left_on = D(2025, 3, 31);
  EXPECT_EQ(For("havering").RetentionDate(left)->due_day, D(2028, 3, 31));
  left.left_childrens_services = false;  // moved within Children's Services (H9)
  EXPECT_EQ(For("havering").RetentionDate(left).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(For("devon").RetentionDate(left).status().code(), absl::StatusCode::kNotFound);
  Mark("havering", "H8");
}

// ---- rules that set no date: they are in the packs as requirements or access rules
// ---------------

TEST(RulesTest, RequirementsAndAccessRulesAreInThePacks) {
  struct Case {
    const char* pack;
    const char* rule;
    const char* kind;
  } cases[] = {
      {"havering", "H6", "requirement"},
      {"havering", "H7", "requirement"},
      {"havering", "H9", "requirement"},
      {"havering", "H15", "requirement"},
      {"havering", "H16", "access"},
      {"devon", "D6", "requirement"},
      {"devon", "D10", "requirement"},
      {"devon", "D12", "requirement"},
      {"devon", "D13", "requirement"},
      {"devon", "D16", "requirement"},
      {"devon", "D19", "requirement"},
      {"stoke-on-trent", "S8", "requirement"},
      {"stoke-on-trent", "S9", "requirement"},
      {"stoke-on-trent", "S11", "requirement"},
      {"stoke-on-trent", "S12", "requirement"},
      {"stoke-on-trent", "S13", "requirement"},
      {"stoke-on-trent", "S14", "access"},
      {"lancashire", "L2", "requirement"},
      {"lancashire", "L3", "requirement"},
      {"multi-agency", "M3", "requirement"},
      {"multi-agency", "M4", "requirement"},
      {"multi-agency", "M5", "requirement"},
      {"lancashire", "M3", "requirement"},
      {"lancashire", "M4", "requirement"},
      {"lancashire", "M5", "requirement"},
      {"lancashire", "M2", "agreement"},
  };
  for (const Case& c : cases) {
    const RuleInfo* r = ShippedPack(c.pack).FindRule(c.rule);
    ASSERT_NE(r, nullptr) << c.pack << " " << c.rule;
    EXPECT_EQ(r->kind, c.kind) << c.pack << " " << c.rule;
    EXPECT_FALSE(r->summary.empty());
    Mark(c.pack, c.rule);
  }
  // Access rules name the readers of RULES.md H16 and S14.
  auto readers = [](const char* pack, const char* record) {
    for (const AccessRule& a : ShippedPack(pack).access) {
      if (a.record == record) return a.readers;
    }
    return std::vector<std::string>{};
  };
  auto has = [](const std::vector<std::string>& v, const char* s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  EXPECT_TRUE(has(readers("havering", "worker"), "ofsted_inspector"));
  EXPECT_TRUE(has(readers("havering", "worker"), "workforce_development"));
  EXPECT_TRUE(has(readers("stoke-on-trent", "worker"), "covering_manager"));
  EXPECT_TRUE(has(readers("stoke-on-trent", "child"), "regulator"));
  EXPECT_FALSE(has(readers("stoke-on-trent", "worker"), "regulator"));
}

// Runs last (gtest runs tests in definition order within a file): every rule id in every
// shipped pack has at least one row above.
TEST(RulesTest, ZZEveryRuleIdOfEveryPackIsTested) {
  for (const char* pack : testing::kAllPacks) {
    for (const RuleInfo& r : ShippedPack(pack).rules) {
      EXPECT_TRUE(Tested().count(std::string(pack) + "/" + r.id))
          << pack << " rule " << r.id << " (" << r.kind << ") has no test row";
    }
  }
}

}  // namespace
}  // namespace oversight::policy
