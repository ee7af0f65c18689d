#include "routing.h"

#include <gtest/gtest.h>

#include <set>

#include "oversight/events/outbound.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::notifications {
namespace {

namespace sch = ::oversight::scheduling::v1;

// Wed 30 Dec 2026, 23:59:59 GMT.
constexpr int64_t kDue = 1798675199;

triggers::v1::TaskOpened Opened(const std::string& owner) {
  triggers::v1::TaskOpened event;
  event.mutable_meta()->set_event_id("evt-1");
  event.mutable_meta()->set_authority_id("devon");
  auto* task = event.mutable_task();
  task->set_task_id("task-1");
  task->set_child_id("C-123");
  task->set_owner_id(owner);
  task->set_worker_id("worker-1");
  task->set_rule_id("D14.4");
  task->set_description("The child comes into the care of the local authority.");
  events::ToTimestamp(absl::FromUnixSeconds(kDue), task->mutable_due_at());
  return event;
}

// The directory: worker-1 -> manager-1 -> head-1 -> director-1.
Directory Chain() {
  Directory d;
  d.Add({"worker-1", "Wanda Worker", "wanda@example.org", "", "manager-1", "team-a", false});
  d.Add({"manager-1", "Mo Manager", "mo@example.org", "", "head-1", "team-a", false});
  d.Add({"head-1", "Hana Head", "hana@example.org", "", "director-1", "", false});
  d.Add({"director-1", "Dee Director", "dee@example.org", "", "", "", false});
  return d;
}

const std::vector<policy::EscalationStep>& DevonSteps() {
  // devon.yaml: escalation [{overdue_by: 5 working days, to: supervisor_line_manager}].
  static const auto* steps = new std::vector<policy::EscalationStep>{
      {{policy::PeriodUnit::kWorkingDays, 5}, policy::Owner::kSupervisorLineManager}};
  return *steps;
}

sch::DueItem Item(sch::ItemKind kind) {
  sch::DueItem item;
  item.set_item_id("personal_supervision:worker-1");
  item.set_authority_id("devon");
  item.set_kind(kind);
  item.set_worker_id("worker-1");
  item.set_supervisor_id("manager-1");
  item.set_team_id("team-a");
  item.mutable_explanation()->set_rule_id("D1");
  events::ToTimestamp(absl::FromUnixSeconds(kDue), item.mutable_due_at());
  return item;
}

template <typename Event>
Event Wrap(const sch::DueItem& item, const std::string& event_id) {
  Event e;
  e.mutable_meta()->set_event_id(event_id);
  e.mutable_meta()->set_authority_id("devon");
  *e.mutable_item() = item;
  return e;
}

std::set<std::string> Recipients(const Routed& routed) {
  std::set<std::string> out;
  for (const auto& n : routed.notifications)
    out.insert(n.recipient_id());
  return out;
}

class RouteTest : public ::testing::Test {
 protected:
  Routed RouteIt(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
                 const std::vector<policy::EscalationStep>& steps = DevonSteps()) {
    RoutingContext context{directory_, steps, {}};
    return Route(event, meta, context, absl::FromUnixSeconds(1798500000));
  }
  Directory directory_ = Chain();
};

TEST_F(RouteTest, TaskOpenedTellsItsOwnerInPlainWordsWithoutCaseDetail) {
  auto event = Opened("manager-1");
  auto out = RouteIt(event, event.meta()).notifications;
  ASSERT_EQ(out.size(), 1u);
  const auto& n = out[0];
  EXPECT_EQ(n.recipient_id(), "manager-1");
  EXPECT_EQ(n.recipient_name(), "Mo Manager");
  EXPECT_EQ(n.item_id(), "task-1");
  EXPECT_EQ(n.stage(), "opened");
  EXPECT_EQ(n.rule_id(), "D14.4");
  EXPECT_EQ(n.occurrence_id(), "task:task-1");
  EXPECT_EQ(n.child_id(), "C-123");
  EXPECT_EQ(n.subject(), "Management oversight needed for child C-123 by Wed 30 Dec 2026");
  EXPECT_NE(n.body_text().find("D14.4"), std::string::npos);
  EXPECT_NE(n.body_text().find("{{case_system_url}}/children/C-123"), std::string::npos);
  // The trigger's description tells what happened to the child: it stays in the case system.
  EXPECT_EQ(n.body_text().find("comes into the care"), std::string::npos);
  EXPECT_EQ(n.body_html().find("comes into the care"), std::string::npos);
  EXPECT_FALSE(n.critical());
}

TEST_F(RouteTest, SameItemAndStageGiveTheSameNotificationId) {
  auto event = Opened("manager-1");
  RoutingContext context{directory_, DevonSteps(), {}};
  auto first = Route(event, event.meta(), context, absl::FromUnixSeconds(1));
  auto again = Route(event, event.meta(), context, absl::FromUnixSeconds(2));
  EXPECT_EQ(first.notifications.at(0).notification_id(),
            again.notifications.at(0).notification_id());
}

TEST_F(RouteTest, UnownedTaskTellsNobody) {
  auto event = Opened("");
  EXPECT_TRUE(RouteIt(event, event.meta()).notifications.empty());
}

TEST_F(RouteTest, PersonalSupervisionDueSoonTellsSupervisorAndSupervisee) {
  auto event = Wrap<sch::ItemDueSoon>(Item(sch::ITEM_KIND_PERSONAL_SUPERVISION), "e1");
  auto routed = RouteIt(event, event.meta());
  EXPECT_EQ(Recipients(routed), (std::set<std::string>{"manager-1", "worker-1"}));
  for (const auto& n : routed.notifications) {
    EXPECT_EQ(n.stage(), "due_soon");
    EXPECT_EQ(n.kind(), "personal_supervision_due_soon");
    EXPECT_EQ(n.rule_id(), "D1");
    EXPECT_EQ(n.occurrence_id(), "personal_supervision:worker-1@1798675199");
    EXPECT_FALSE(n.critical());
    if (n.recipient_id() == "worker-1") {
      EXPECT_EQ(n.subject(), "Due by Wed 30 Dec 2026: Your personal supervision");
    } else {
      EXPECT_EQ(n.subject(), "Due by Wed 30 Dec 2026: Personal supervision for worker worker-1");
    }
  }
}

TEST_F(RouteTest, TeamItemsGoToTheSupervisorOnly) {
  for (auto kind : {sch::ITEM_KIND_GROUP_SUPERVISION, sch::ITEM_KIND_RECORD_DEADLINE,
                    sch::ITEM_KIND_CIRCULATE_DEADLINE, sch::ITEM_KIND_OVERSIGHT_TASK,
                    sch::ITEM_KIND_ASSESSMENT_CHECKPOINT}) {
    auto event = Wrap<sch::ItemDue>(Item(kind), "e-" + sch::ItemKind_Name(kind));
    EXPECT_EQ(Recipients(RouteIt(event, event.meta())), (std::set<std::string>{"manager-1"}))
        << sch::ItemKind_Name(kind);
  }
}

TEST_F(RouteTest, SignOffIsTheSuperviseesUntilOverdue) {
  auto item = Item(sch::ITEM_KIND_SIGN_OFF_DEADLINE);
  auto due = Wrap<sch::ItemDue>(item, "e1");
  EXPECT_EQ(Recipients(RouteIt(due, due.meta())), (std::set<std::string>{"worker-1"}));
  auto overdue = Wrap<sch::ItemOverdue>(item, "e2");
  EXPECT_EQ(Recipients(RouteIt(overdue, overdue.meta())),
            (std::set<std::string>{"manager-1", "worker-1"}));
}

TEST_F(RouteTest, EachStageAndEachDueDateIsItsOwnNotification) {
  auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION);
  auto soon = Wrap<sch::ItemDueSoon>(item, "e1");
  auto due = Wrap<sch::ItemDue>(item, "e2");
  // The next cycle of the same item (a month later) is a new occurrence.
  auto next = item;
  next.mutable_due_at()->set_seconds(kDue + 31 * 86400);
  auto next_soon = Wrap<sch::ItemDueSoon>(next, "e3");
  std::set<std::string> ids;
  for (const google::protobuf::Message* e :
       std::initializer_list<const google::protobuf::Message*>{&soon, &due, &next_soon}) {
    const auto& meta = soon.meta();
    for (const auto& n : RouteIt(*e, meta).notifications)
      ids.insert(n.notification_id());
  }
  EXPECT_EQ(ids.size(), 6u);  // 3 stages x 2 recipients
}

TEST_F(RouteTest, EscalationGoesToTheLineManagerAndIsCritical) {
  auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION);
  item.set_escalation_level(1);
  auto event = Wrap<sch::ItemEscalated>(item, "e1");
  event.set_escalate_to_id("head-1");
  auto routed = RouteIt(event, event.meta());
  EXPECT_EQ(Recipients(routed), (std::set<std::string>{"head-1", "manager-1"}));
  for (const auto& n : routed.notifications) {
    EXPECT_TRUE(n.critical());
    EXPECT_EQ(n.stage(), "escalated:1");
    if (n.recipient_id() == "head-1") {
      EXPECT_EQ(n.subject(),
                "Escalated to you: Personal supervision for worker worker-1 is overdue (was due "
                "Wed 30 Dec 2026)");
      EXPECT_NE(n.body_text().find("Mo Manager"), std::string::npos);
    }
  }
}

TEST_F(RouteTest, TwoEscalationStepsGoUpTheChainTwice) {
  const std::vector<policy::EscalationStep> steps = {
      {{policy::PeriodUnit::kWorkingDays, 5}, policy::Owner::kSupervisorLineManager},
      {{policy::PeriodUnit::kWorkingDays, 10}, policy::Owner::kSupervisorLineManager}};
  auto item = Item(sch::ITEM_KIND_CASE_DISCUSSION);
  item.set_child_id("C-9");
  item.set_escalation_level(2);
  auto event = Wrap<sch::ItemEscalated>(item, "e1");
  event.set_escalate_to_id("head-1");  // scheduling names the first step's target
  EXPECT_EQ(Recipients(RouteIt(event, event.meta(), steps)),
            (std::set<std::string>{"director-1", "manager-1"}));
  EXPECT_EQ(NeedsOf(event, steps).manager_levels, 2);
}

TEST_F(RouteTest, EscalationFallsBackToTheEventsTargetWhenTheDirectoryDoesNotKnow) {
  directory_ = Directory();  // no HR data yet
  auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION);
  item.set_escalation_level(1);
  auto event = Wrap<sch::ItemEscalated>(item, "e1");
  event.set_escalate_to_id("head-1");
  EXPECT_EQ(Recipients(RouteIt(event, event.meta())),
            (std::set<std::string>{"head-1", "manager-1"}));
}

TEST_F(RouteTest, OverdueChildProtectionItemIsCriticalAsSchedulingSays) {
  auto item = Item(sch::ITEM_KIND_CASE_DISCUSSION);
  item.set_child_id("C-7");
  item.set_case_type("child_protection");
  item.set_critical(true);
  auto event = Wrap<sch::ItemOverdue>(item, "e1");
  auto routed = RouteIt(event, event.meta());
  ASSERT_EQ(routed.notifications.size(), 2u);
  for (const auto& n : routed.notifications) {
    EXPECT_TRUE(n.critical());
    EXPECT_EQ(n.link(), "{{case_system_url}}/children/C-7");
    // Nothing about the plan or the case in the message: only references, rule and date.
    EXPECT_EQ(n.body_text().find("protection"), std::string::npos);
  }
}

TEST_F(RouteTest, PeopleWhoLeftAreNotTold) {
  directory_.Add({"worker-1", "Wanda Worker", "", "", "manager-1", "team-a", true});
  auto event = Wrap<sch::ItemDue>(Item(sch::ITEM_KIND_PERSONAL_SUPERVISION), "e1");
  EXPECT_EQ(Recipients(RouteIt(event, event.meta())), (std::set<std::string>{"manager-1"}));
}

TEST_F(RouteTest, SatisfiedCancelledCompletedCloseTheirOccurrence) {
  auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION);
  auto satisfied = Wrap<sch::ItemSatisfied>(item, "e1");
  auto routed = RouteIt(satisfied, satisfied.meta());
  EXPECT_TRUE(routed.notifications.empty());
  EXPECT_EQ(routed.closed_occurrences,
            std::vector<std::string>{"personal_supervision:worker-1@1798675199"});

  auto task_item = Item(sch::ITEM_KIND_OVERSIGHT_TASK);
  task_item.set_task_id("task-1");
  auto cancelled = Wrap<sch::ItemCancelled>(task_item, "e2");
  EXPECT_EQ(RouteIt(cancelled, cancelled.meta()).closed_occurrences,
            std::vector<std::string>{"task:task-1"});

  triggers::v1::TaskCompleted completed;
  completed.mutable_meta()->set_event_id("e3");
  completed.mutable_meta()->set_authority_id("devon");
  completed.set_task_id("task-1");
  EXPECT_EQ(RouteIt(completed, completed.meta()).closed_occurrences,
            std::vector<std::string>{"task:task-1"});
}

TEST_F(RouteTest, TaskReassignedTellsTheNewOwner) {
  triggers::v1::TaskReassigned event;
  event.mutable_meta()->set_event_id("e1");
  event.mutable_meta()->set_authority_id("devon");
  event.set_task_id("task-1");
  event.set_child_id("C-123");
  event.set_owner_id("head-1");
  event.set_previous_owner_id("manager-1");
  events::ToTimestamp(absl::FromUnixSeconds(kDue), event.mutable_due_at());
  auto out = RouteIt(event, event.meta()).notifications;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].recipient_id(), "head-1");
  EXPECT_EQ(out[0].subject(), "Oversight task for child C-123 is now yours (due Wed 30 Dec 2026)");
}

}  // namespace
}  // namespace oversight::notifications
