#include "oversight/policy/pack.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_env.h"

namespace oversight::policy {
namespace {

using testing::kAllPacks;
using testing::ShippedPack;

// An in-memory set of pack files for extends/override tests.
PackResolver MapResolver(std::map<std::string, std::string> files) {
  return [files = std::move(files)](absl::string_view name) -> absl::StatusOr<PackSource> {
    auto it = files.find(std::string(name));
    if (it == files.end()) return absl::NotFoundError("no such pack");
    return PackSource{it->second, std::string(name) + ".yaml"};
  };
}

constexpr char kBase[] = R"(
authority: base
name: Base pack
rules:
  - {id: H1, kind: personal_supervision, status: standard, interval: 1 month, summary: monthly}
  - id: H3
    kind: personal_supervision
    status: asye
    phases: [{until: 6 weeks, interval: 7 days}]
    summary: asye
    alternative:
      reading: fortnightly for 3 months
      phases: [{until: 3 months, interval: 14 days}]
  - {id: H11, kind: record_deadline, record: case_supervision, step: record, within: 2 working days, summary: rec}
  - {id: D14.4, kind: oversight_trigger, summary: entered care}
triggers:
  - {name: entered_care, rule: D14.4, event: oversight.cases.v1.ChildEnteredCare, deadline: 2 working days}
)";

TEST(PackTest, AllShippedPacksLoad) {
  for (const char* name : kAllPacks) {
    absl::StatusOr<Pack> p = LoadPack(DefaultPackDir(), name);
    ASSERT_TRUE(p.ok()) << name << ": " << p.status();
    EXPECT_EQ(p->authority, name);
    EXPECT_FALSE(p->rules.empty());
    EXPECT_NE(p->FindPersonalSupervision(WorkerStatus::kStandard), nullptr) << name;
    EXPECT_FALSE(p->case_discussion.empty()) << name;
  }
}

TEST(PackTest, LancashireExtendsMultiAgencyAndOverridesReadings) {
  const Pack& lancs = ShippedPack("lancashire");
  EXPECT_EQ(lancs.extends, "multi-agency");
  ASSERT_EQ(lancs.files.size(), 2u);
  EXPECT_NE(lancs.files[0].find("multi-agency.yaml"), std::string::npos);
  EXPECT_NE(lancs.files[1].find("lancashire.yaml"), std::string::npos);
  const RuleInfo* m1 = lancs.FindRule("M1");
  ASSERT_NE(m1, nullptr);
  EXPECT_NE(m1->reading.find("Lancashire's procedure"), std::string::npos);
  EXPECT_FALSE(m1->fixed_by_seed);  // inherited from the base entry
  EXPECT_NE(m1->origin.find("lancashire.yaml"), std::string::npos);
  EXPECT_NE(lancs.FindRule("L1"), nullptr);
  EXPECT_NE(lancs.FindCycle(ItemKind::kPerformanceConversation), nullptr);
  EXPECT_EQ(ShippedPack("multi-agency").FindCycle(ItemKind::kPerformanceConversation), nullptr);
}

TEST(PackTest, OverridePackChangesOneFieldAndKeepsTheRest) {
  const std::string child = R"(
authority: child
name: Child pack
extends: base
rules:
  - {id: H1, interval: 2 months}
  - {id: H11, remove: true}
  - {id: H3, use_alternative: true}
triggers:
  - {name: entered_care, deadline: 48 hours, priority: urgent}
)";
  absl::StatusOr<Pack> p = ParsePack(child, "child.yaml", MapResolver({{"base", kBase}}));
  ASSERT_TRUE(p.ok()) << p.status();
  const PersonalSupervisionRule* std_rule = p->FindPersonalSupervision(WorkerStatus::kStandard);
  ASSERT_NE(std_rule, nullptr);
  EXPECT_EQ(std_rule->interval->ToString(), "2 months");
  EXPECT_EQ(p->FindRule("H1")->summary, "monthly");  // untouched fields stay
  EXPECT_EQ(p->FindRule("H11"), nullptr);
  EXPECT_TRUE(p->record_deadlines.empty());
  const PersonalSupervisionRule* asye = p->FindPersonalSupervision(WorkerStatus::kAsye);
  ASSERT_EQ(asye->phases.size(), 1u);
  EXPECT_EQ(asye->phases[0].until.ToString(), "3 months");  // the alternative is in force
  EXPECT_TRUE(p->FindRule("H3")->use_alternative);
  EXPECT_EQ(p->FindRule("H3")->alternative, "fortnightly for 3 months");
  ASSERT_EQ(p->triggers.size(), 1u);
  EXPECT_EQ(p->triggers[0].deadline.ToString(), "48 hours");
  EXPECT_EQ(p->triggers[0].priority, Priority::kUrgent);
  EXPECT_EQ(p->triggers[0].event_type, "oversight.cases.v1.ChildEnteredCare");
}

// Found by the pack fuzzer (libs/policy/fuzz): removing an entry erased it from a
// std::vector<YAML::Node>, whose assignment re-points nodes instead of copying them, so the
// entries after it came out duplicated ("two triggers named ...") and one was lost.
TEST(PackTest, RemovingAnEntryKeepsTheOthersInOrder) {
  const std::string base = R"(
authority: base
name: Base
rules:
  - {id: H1, kind: personal_supervision, status: standard, interval: 1 month, summary: monthly}
  - {id: D14.1, kind: oversight_trigger, summary: allocation}
  - {id: D14.2, kind: oversight_trigger, summary: incident}
  - {id: D14.4, kind: oversight_trigger, summary: entered care}
  - {id: D14.7, kind: oversight_trigger, summary: home}
triggers:
  - {name: allocated, rule: D14.1, event: oversight.cases.v1.CaseAllocated, deadline: 1 day}
  - {name: incident, rule: D14.2, event: oversight.cases.v1.SignificantIncident, deadline: 2 days}
  - {name: entered_care, rule: D14.4, event: oversight.cases.v1.ChildEnteredCare, deadline: 3 days}
  - {name: returned_home, rule: D14.7, event: oversight.cases.v1.ChildReturnedHome, deadline: 4 days}
)";
  const std::string child = R"(
authority: child
name: Child
extends: base
rules:
  - {id: D14.1, remove: true}
triggers:
  - {name: allocated, remove: true}
  - {name: entered_care, deadline: 5 days}
)";
  absl::StatusOr<Pack> p = ParsePack(child, "child.yaml", MapResolver({{"base", base}}));
  ASSERT_TRUE(p.ok()) << p.status();
  std::vector<std::string> triggers;
  for (const TriggerRule& t : p->triggers) {
    triggers.push_back(t.name + " " + t.deadline.ToString());
  }
  EXPECT_EQ(triggers, (std::vector<std::string>{"incident 2 days", "entered_care 5 days",
                                                "returned_home 4 days"}));
  std::vector<std::string> rules;
  for (const RuleInfo& r : p->rules)
    rules.push_back(r.id);
  EXPECT_EQ(rules, (std::vector<std::string>{"H1", "D14.2", "D14.4", "D14.7"}));
}

TEST(PackTest, DevonAlternativeReadingCanBeSwitchedOn) {
  const std::string custom = R"(
authority: devon-s41
name: Devon with the s4.1 ASYE reading
extends: devon
rules:
  - {id: D3, use_alternative: true}
  - {id: D11, use_alternative: true}
)";
  PackResolver from_dir = [](absl::string_view name) -> absl::StatusOr<PackSource> {
    absl::StatusOr<Pack> unused = LoadPack(DefaultPackDir(), name);  // proves it exists
    if (!unused.ok()) return unused.status();
    std::string path = DefaultPackDir() + "/" + std::string(name) + ".yaml";
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    return PackSource{buf.str(), path};
  };
  absl::StatusOr<Pack> p = ParsePack(custom, "devon-s41.yaml", from_dir);
  ASSERT_TRUE(p.ok()) << p.status();
  const PersonalSupervisionRule* asye = p->FindPersonalSupervision(WorkerStatus::kAsye);
  ASSERT_EQ(asye->phases.size(), 1u);
  EXPECT_EQ(asye->phases[0].until.ToString(), "3 months");
  EXPECT_EQ(asye->phases[0].interval.ToString(), "14 days");
  ASSERT_EQ(p->record_deadlines.size(), 1u);
  EXPECT_EQ(p->record_deadlines[0].within.ToString(), "72 hours");
}

TEST(PackTest, BadPacksAreRejectedNamingFileFieldAndProblem) {
  struct Case {
    std::string yaml;
    std::string want;  // a substring of the message
  } cases[] = {
      {"authority: [", "bad.yaml: (document): not valid YAML"},
      {"- 1", "bad.yaml: (document): expected a mapping"},
      {"authority: x\nname: y\n", "bad.yaml: rules: required"},
      {"name: y\nrules: [{id: H1, kind: personal_supervision, status: standard, interval: 1 "
       "month, summary: s}]",
       "bad.yaml: authority: required field is missing"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: one month, summary: s}]",
       "bad.yaml: rules[0] (H1).interval: cannot read period 'one month'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 48 hours, summary: s}]",
       "rules[0] (H1).interval: '48 hours' is not a positive interval"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "intervl: 1 month, summary: s}]",
       "rules[0] (H1).intervl: unknown field"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervisio, summary: s}]",
       "rules[0] (H1).kind: unknown kind 'personal_supervisio'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: boss, "
       "interval: 1 month, summary: s}]",
       "rules[0] (H1).status: unknown value 'boss'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: case_discussion, summary: s, table: "
       "[{case_type: cp, interval: 1 month}]}]",
       "no personal_supervision rule with status 'standard'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: case_discussion, summary: s, table: "
       "[{case_type: martian, interval: 1 month}]}]",
       "rules[0] (H1).table[0].case_type: unknown value 'martian'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s}, {id: H1, kind: requirement, summary: t}]",
       "bad.yaml: rules[1]: duplicate entry 'H1'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s}]\ntriggers: [{name: t, rule: D99, event: "
       "oversight.cases.v1.CaseClosed, deadline: 1 working day}]",
       "bad.yaml: triggers[0] (t).rule: no rules entry with id 'D99'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s}]\ntriggers: [{name: t, rule: H1, event: "
       "oversight.cases.v1.CaseOpened, deadline: 1 working day}]",
       "triggers[0] (t).event: unknown event type 'oversight.cases.v1.CaseOpened'"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s}]\ntriggers: [{name: t, rule: H1, event: "
       "oversight.cases.v1.AssessmentStarted, when: {kind: ASSESSMENT_KIND_MAGIC}, deadline: 1 "
       "working day}]",
       "triggers[0] (t).when.kind: 'ASSESSMENT_KIND_MAGIC' is not a value of enum"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s}]\ntriggers: [{name: t, rule: H1, event: "
       "oversight.cases.v1.AssessmentStarted, when: {colour: red}, deadline: 1 working day}]",
       "triggers[0] (t).when.colour: event oversight.cases.v1.AssessmentStarted has no field"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s}]\ntriggers: [{name: t, rule: H1, event: "
       "oversight.cases.v1.CaseClosed}]",
       "triggers[0] (t).deadline: required"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s, fixed_by_seed: false}]",
       "rules[0] (H1).reading: a rule not fixed by the seed must say"},
      {"authority: x\nname: y\nrules: [{id: H1, kind: personal_supervision, status: standard, "
       "interval: 1 month, summary: s, use_alternative: true, alternative: text only}]",
       "rules[0] (H1).use_alternative: the alternative is text only"},
      {"authority: x\nname: y\nextends: nowhere\nrules: []",
       "bad.yaml: extends: cannot load base pack 'nowhere'"},
      {"authority: x\nname: y\nextends: x\nrules: []", "bad.yaml: extends: cycle of packs: x -> x"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Pack> p = ParsePack(c.yaml, "bad.yaml", MapResolver({}));
    ASSERT_FALSE(p.ok()) << c.yaml;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << p.status();
    EXPECT_NE(p.status().message().find(c.want), std::string::npos)
        << "want '" << c.want << "' in: " << p.status().message();
  }
}

TEST(PackTest, ErrorInABasePackNamesTheBaseFile) {
  const std::string broken_base =
      "authority: base\nname: b\nrules: [{id: H1, kind: personal_supervision, status: standard, "
      "interval: 1 month, summary: s}, {id: H2, kind: cycle, item: pdr, every: sometimes, "
      "summary: t}]";
  const std::string child = "authority: child\nname: c\nextends: base\n";
  absl::StatusOr<Pack> p = ParsePack(child, "child.yaml", MapResolver({{"base", broken_base}}));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("base.yaml: rules[1] (H2).every: cannot read period"),
            std::string::npos)
      << p.status();
}

TEST(PackTest, SchedulingSettingsAndTriggerDefaults) {
  const Pack& havering = ShippedPack("havering");
  EXPECT_EQ(havering.scheduling.reminder_lead.ToString(), "5 working days");
  ASSERT_EQ(havering.scheduling.escalation.size(), 1u);
  EXPECT_EQ(havering.scheduling.escalation[0].overdue_by.ToString(), "5 working days");
  EXPECT_EQ(havering.scheduling.escalation[0].to, Owner::kSupervisorLineManager);
  // Devon's triggers without their own deadline take D15's reading from trigger_defaults.
  const Pack& devon = ShippedPack("devon");
  for (const TriggerRule& t : devon.triggers) {
    EXPECT_EQ(t.deadline_rule_id, "D15") << t.name;
  }
  // Stoke's S7 sets its own 48 hours: not a default.
  for (const TriggerRule& t : ShippedPack("stoke-on-trent").triggers) {
    if (t.name == "ad_hoc_discussion_recorded") {
      EXPECT_TRUE(t.deadline_rule_id.empty());
      EXPECT_EQ(t.deadline.ToString(), "48 hours");
    }
  }
  ASSERT_TRUE(havering.absence.has_value());
  EXPECT_EQ(havering.absence->rule_id, "H5");
  EXPECT_EQ(havering.absence->catch_up_within->ToString(), "5 working days");
  ASSERT_TRUE(devon.absence.has_value());
  EXPECT_TRUE(devon.absence->rule_id.empty());  // pause only, no catch-up rule
  EXPECT_FALSE(devon.absence->catch_up_within.has_value());
}

TEST(PackTest, LoadPackChecksTheNameAndTheFile) {
  EXPECT_EQ(LoadPack(DefaultPackDir(), "nowhere").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadPack(DefaultPackDir(), "../etc/passwd").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::policy
