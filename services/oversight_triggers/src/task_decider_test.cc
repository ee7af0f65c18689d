// Unit tests of the trigger decisions on the shipped packs, with hand-computed due dates.
#include "task_decider.h"

#include <gtest/gtest.h>

#include <map>

#include "oversight/authorities/authorities.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/testing/utc.h"

namespace oversight::triggers {
namespace {

class MapDirectory : public Directory {
 public:
  void Add(std::string worker, std::string supervisor) {
    entries_[worker] = WorkerEntry{worker, std::move(supervisor), "team-a", false};
  }
  bool Find(const std::string& worker_id, WorkerEntry& out) const override {
    auto it = entries_.find(worker_id);
    if (it == entries_.end()) return false;
    out = it->second;
    return true;
  }

 private:
  std::map<std::string, WorkerEntry> entries_;
};

using oversight::testing::Utc;

class DecideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry = authorities::AuthorityRegistry::Load(
        policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon", "stoke-on-trent"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    directory_.Add("worker-1", "manager-1");
    directory_.Add("manager-1", "head-1");
    directory_.Add("worker-2", "manager-2");
  }

  template <typename Event>
  Event Make(const char* event_id, const char* occurred_at, const char* authority = "devon") {
    Event event;
    event.mutable_meta()->set_event_id(event_id);
    event.mutable_meta()->set_authority_id(authority);
    event.mutable_meta()->set_subject("child-1");
    events::ToTimestamp(Utc(occurred_at), event.mutable_meta()->mutable_occurred_at());
    event.set_child_id("child-1");
    return event;
  }

  Decision Run(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
               const CaseContext& context, DecideOptions options = {}) {
    const auto* authority = registry_->Find(meta.authority_id());
    return Decide(event, meta, context, directory_, *authority->engine, now_, options);
  }

  std::unique_ptr<authorities::AuthorityRegistry> registry_;
  MapDirectory directory_;
  absl::Time now_ = Utc("2026-12-24T10:05:00Z");
};

TEST_F(DecideTest, D8NewAllocationOpensATaskForTheSupervisorDueInTwoWorkingDays) {
  auto event = Make<cases::v1::CaseAllocated>("evt-1", "2026-12-24T10:00:00Z");
  event.set_worker_id("worker-1");
  event.set_team_id("team-a");
  event.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  Decision decision = Run(event, event.meta(), CaseContext{});

  ASSERT_EQ(decision.opened.size(), 1u);
  const auto& task = decision.opened[0].task();
  EXPECT_EQ(task.rule_id(), "D8");
  EXPECT_EQ(task.owner_id(), "manager-1");
  EXPECT_EQ(task.worker_id(), "worker-1");
  EXPECT_EQ(task.team_id(), "team-a");
  EXPECT_EQ(task.status(), v1::TASK_STATUS_REQUESTED);
  EXPECT_EQ(task.caused_by_event_id(), "evt-1");
  // Thu 24 Dec 2026: Fri 25 (Christmas) and Mon 28 (Boxing Day substitute) are bank holidays, so
  // the 2 working days (D15 reading) are Tue 29 and Wed 30 Dec; end of day, GMT.
  EXPECT_EQ(events::FromTimestamp(task.due_at()), Utc("2026-12-30T23:59:59Z"));
  EXPECT_EQ(decision.child.worker_id, "worker-1");
  EXPECT_EQ(decision.child.case_type, "CASE_TYPE_CHILD_IN_NEED");
  EXPECT_EQ(decision.opened[0].meta().causation_id(), "evt-1");
}

TEST_F(DecideTest, SameEventDecidedTwiceGivesTheSameTaskId) {
  auto event = Make<cases::v1::CaseAllocated>("evt-1", "2026-12-24T10:00:00Z");
  event.set_worker_id("worker-1");
  Decision first = Run(event, event.meta(), CaseContext{});
  Decision second = Run(event, event.meta(), CaseContext{});
  ASSERT_EQ(first.opened.size(), 1u);
  EXPECT_EQ(first.opened[0].task().task_id(), second.opened[0].task().task_id());
  EXPECT_EQ(first.opened[0].meta().event_id(), second.opened[0].meta().event_id());
}

TEST_F(DecideTest, D14_4EnteringCareIsDueInTwoWorkingDaysAcrossAWeekend) {
  auto event = Make<cases::v1::ChildEnteredCare>("evt-2", "2026-03-06T15:00:00Z");
  CaseContext context;
  context.child.worker_id = "worker-1";
  Decision decision = Run(event, event.meta(), context);
  ASSERT_EQ(decision.opened.size(), 1u);
  EXPECT_EQ(decision.opened[0].task().rule_id(), "D14.4");
  // Fri 6 Mar 2026 -> Mon 9 (1), Tue 10 (2); end of Tuesday, GMT.
  EXPECT_EQ(events::FromTimestamp(decision.opened[0].task().due_at()), Utc("2026-03-10T23:59:59Z"));
}

TEST_F(DecideTest, RepeatedTriggerIsLinkedToTheOpenTaskUnlessConfiguredOtherwise) {
  auto first = Make<cases::v1::SignificantIncident>("evt-3", "2026-05-11T09:00:00Z");
  CaseContext context;
  context.child.worker_id = "worker-1";
  Decision opened = Run(first, first.meta(), context);
  ASSERT_EQ(opened.opened.size(), 1u);
  context.open_tasks = {opened.opened[0].task()};

  auto again = Make<cases::v1::SignificantIncident>("evt-4", "2026-05-12T09:00:00Z");
  Decision linked = Run(again, again.meta(), context);
  EXPECT_TRUE(linked.opened.empty());
  ASSERT_EQ(linked.upserts.size(), 1u);
  EXPECT_EQ(linked.upserts[0].task_id(), opened.opened[0].task().task_id());
  EXPECT_EQ(linked.upserts[0].linked_event_ids(0), "evt-4");

  Decision separate = Run(again, again.meta(), context, DecideOptions{RepeatPolicy::kOpenAnother});
  EXPECT_EQ(separate.opened.size(), 1u);
}

TEST_F(DecideTest, ClosingTheCaseCancelsOpenTasksButKeepsTheClosureDecision) {
  auto incident = Make<cases::v1::SignificantIncident>("evt-5", "2026-05-11T09:00:00Z");
  CaseContext context;
  context.child.worker_id = "worker-1";
  context.open_tasks = {Run(incident, incident.meta(), context).opened.at(0).task()};

  auto closed = Make<cases::v1::CaseClosed>("evt-6", "2026-05-13T09:00:00Z");
  Decision decision = Run(closed, closed.meta(), context);
  EXPECT_TRUE(decision.child.closed);
  ASSERT_EQ(decision.opened.size(), 1u);  // D14.13: the decision to close needs oversight
  EXPECT_EQ(decision.opened[0].task().rule_id(), "D14.13");
  ASSERT_EQ(decision.cancelled.size(), 1u);
  EXPECT_EQ(decision.cancelled[0].task_id(), context.open_tasks[0].task_id());
}

TEST_F(DecideTest, ReallocationReassignsOpenTasksToTheNewSupervisor) {
  auto incident = Make<cases::v1::SignificantIncident>("evt-7", "2026-05-11T09:00:00Z");
  CaseContext context;
  context.child.worker_id = "worker-1";
  context.open_tasks = {Run(incident, incident.meta(), context).opened.at(0).task()};
  ASSERT_EQ(context.open_tasks[0].owner_id(), "manager-1");

  auto moved = Make<cases::v1::CaseAllocated>("evt-8", "2026-05-12T09:00:00Z");
  moved.set_worker_id("worker-2");
  moved.set_previous_worker_id("worker-1");
  Decision decision = Run(moved, moved.meta(), context);
  ASSERT_EQ(decision.reassigned.size(), 1u);
  EXPECT_EQ(decision.reassigned[0].owner_id(), "manager-2");
  EXPECT_EQ(decision.reassigned[0].previous_owner_id(), "manager-1");
  ASSERT_EQ(decision.opened.size(), 1u);  // D14.1: allocated to a new practitioner
  EXPECT_EQ(decision.opened[0].task().rule_id(), "D14.1");
  EXPECT_EQ(decision.opened[0].task().owner_id(), "manager-2");
}

TEST_F(DecideTest, UnknownWorkerLeavesTheTaskUnowned) {
  auto event = Make<cases::v1::CaseAllocated>("evt-9", "2026-05-11T09:00:00Z");
  event.set_worker_id("worker-unknown");
  Decision decision = Run(event, event.meta(), CaseContext{});
  ASSERT_EQ(decision.opened.size(), 1u);
  EXPECT_EQ(decision.opened[0].task().owner_id(), "");
}

TEST_F(DecideTest, S6ChildAndFamilyAssessmentOpensCheckpointsAtWorkingDays10And20And30) {
  auto event =
      Make<cases::v1::AssessmentStarted>("evt-10", "2026-04-01T09:00:00Z", "stoke-on-trent");
  event.set_kind(cases::v1::ASSESSMENT_KIND_CHILD_AND_FAMILY);
  CaseContext context;
  context.child.worker_id = "worker-1";
  Decision decision = Run(event, event.meta(), context);
  std::vector<absl::Time> checkpoints;
  for (const auto& opened : decision.opened) {
    if (opened.task().trigger_id() == "cf_assessment_checkpoints") {
      checkpoints.push_back(events::FromTimestamp(opened.task().due_at()));
    }
  }
  // Counting from Wed 1 Apr 2026 (the day after is day 1): Thu 2 Apr is day 1; Good Friday
  // 3 Apr and Easter Monday 6 Apr are bank holidays; so day 10 = Fri 17 Apr and day 20 = Fri
  // 1 May; Mon 4 May is the early May bank holiday, so day 30 = Mon 18 May. End of day in BST
  // (UTC+1): 22:59:59Z.
  EXPECT_EQ(checkpoints,
            (std::vector<absl::Time>{Utc("2026-04-17T22:59:59Z"), Utc("2026-05-01T22:59:59Z"),
                                     Utc("2026-05-18T22:59:59Z")}));
}

TEST_F(DecideTest, D14_14OverdueCaseDiscussionOpensADriftTaskForTheLineManager) {
  // Scheduling's ItemOverdue for child-1's case discussion, overdue from Thu 2 Apr 2026 (the
  // day before Good Friday).
  scheduling::v1::ItemOverdue overdue;
  overdue.mutable_meta()->set_event_id("sched-overdue-1");
  overdue.mutable_meta()->set_authority_id("devon");
  overdue.mutable_meta()->set_subject("child-1");
  events::ToTimestamp(Utc("2026-04-02T08:00:00Z"), overdue.mutable_meta()->mutable_occurred_at());
  overdue.mutable_item()->set_item_id("case_discussion:child-1");
  overdue.mutable_item()->set_kind(scheduling::v1::ITEM_KIND_CASE_DISCUSSION);
  overdue.mutable_item()->set_child_id("child-1");
  overdue.mutable_item()->set_worker_id("worker-1");
  overdue.mutable_item()->set_stage(scheduling::v1::STAGE_OVERDUE);
  CaseContext context;
  context.child.child_id = "child-1";
  context.child.worker_id = "worker-1";
  context.child.team_id = "team-a";
  Decision decision = Run(overdue, overdue.meta(), context);
  ASSERT_EQ(decision.opened.size(), 1u);
  const auto& task = decision.opened[0].task();
  EXPECT_EQ(task.rule_id(), "D14.14");
  EXPECT_EQ(task.trigger_id(), "drift_or_delay");
  EXPECT_EQ(task.owner_id(), "head-1");  // worker-1 -> manager-1 -> head-1
  EXPECT_EQ(task.owner_rule(), "supervisor_line_manager");
  EXPECT_EQ(task.priority(), v1::TASK_PRIORITY_URGENT);
  EXPECT_FALSE(decision.case_event);
  // Thu 2 Apr 2026 + 2 working days (D15): Fri 3 (Good Friday) and Mon 6 (Easter Monday) are
  // bank holidays, so Tue 7 and Wed 8 Apr; end of Wednesday in BST.
  EXPECT_EQ(events::FromTimestamp(task.due_at()), Utc("2026-04-08T22:59:59Z"));

  // The next overdue stage of the same discussion, while the drift task is open, is linked.
  context.open_tasks = {task};
  overdue.mutable_meta()->set_event_id("sched-overdue-2");
  Decision again = Run(overdue, overdue.meta(), context);
  EXPECT_TRUE(again.opened.empty());
  ASSERT_EQ(again.upserts.size(), 1u);
  EXPECT_EQ(again.upserts[0].linked_event_ids(0), "sched-overdue-2");

  // Another item kind (a personal supervision going overdue) is no drift of a child's case.
  overdue.mutable_item()->set_kind(scheduling::v1::ITEM_KIND_PERSONAL_SUPERVISION);
  EXPECT_TRUE(Run(overdue, overdue.meta(), CaseContext{}).opened.empty());
}

TEST_F(DecideTest, D14_14DriftUsesTheItemsWorkerWhenNoAllocationIsKnownAndSkipsClosedCases) {
  scheduling::v1::ItemOverdue overdue;
  overdue.mutable_meta()->set_event_id("sched-overdue-3");
  overdue.mutable_meta()->set_authority_id("devon");
  events::ToTimestamp(Utc("2026-06-01T08:00:00Z"), overdue.mutable_meta()->mutable_occurred_at());
  overdue.mutable_item()->set_kind(scheduling::v1::ITEM_KIND_CASE_DISCUSSION);
  overdue.mutable_item()->set_child_id("child-9");
  overdue.mutable_item()->set_worker_id("worker-2");
  overdue.mutable_item()->set_team_id("team-b");
  Decision decision = Run(overdue, overdue.meta(), CaseContext{});
  ASSERT_EQ(decision.opened.size(), 1u);
  EXPECT_EQ(decision.opened[0].task().child_id(), "child-9");
  EXPECT_EQ(decision.opened[0].task().worker_id(), "worker-2");
  EXPECT_EQ(decision.opened[0].task().team_id(), "team-b");
  EXPECT_EQ(decision.opened[0].task().owner_id(), "");  // manager-2's line manager is unknown

  CaseContext closed;
  closed.child.closed = true;
  EXPECT_TRUE(Run(overdue, overdue.meta(), closed).opened.empty());
}

TEST_F(DecideTest, ASecondClosureIsLinkedAndKeepsTheFirstClosuresTask) {
  auto closed = Make<cases::v1::CaseClosed>("evt-40", "2026-05-13T09:00:00Z");
  CaseContext context;
  context.child.worker_id = "worker-1";
  context.open_tasks = {Run(closed, closed.meta(), context).opened.at(0).task()};
  auto again = Make<cases::v1::CaseClosed>("evt-41", "2026-05-14T09:00:00Z");
  Decision decision = Run(again, again.meta(), context);
  EXPECT_TRUE(decision.cancelled.empty());
  ASSERT_EQ(decision.upserts.size(), 1u);
  EXPECT_EQ(decision.upserts[0].status(), v1::TASK_STATUS_REQUESTED);
  EXPECT_EQ(decision.upserts[0].linked_event_ids(0), "evt-41");
}

TEST_F(DecideTest, AnEventBeforeGoLiveChangesTheCaseButOpensNothing) {
  // Devon goes live on Wed 1 Apr 2026 (policy.live_from): an allocation the case system entered
  // for March is history (the child is allocated; no D8 task is chased for it).
  DecideOptions options;
  options.live_from = Utc("2026-03-31T23:00:00Z");  // midnight BST at the start of 1 April
  auto before = Make<cases::v1::CaseAllocated>("evt-50", "2026-03-31T22:59:59Z");
  before.set_worker_id("worker-1");
  Decision history = Run(before, before.meta(), CaseContext{}, options);
  EXPECT_TRUE(history.opened.empty());
  EXPECT_EQ(history.child.worker_id, "worker-1");
  auto after = Make<cases::v1::SignificantIncident>("evt-51", "2026-03-31T23:00:00Z");
  CaseContext context;
  context.child = history.child;
  EXPECT_EQ(Run(after, after.meta(), context, options).opened.size(), 1u);
}

TEST_F(DecideTest, OnlyAClosingEventCancelsOpenTasks) {
  auto incident = Make<cases::v1::SignificantIncident>("evt-20", "2026-05-11T09:00:00Z");
  CaseContext context;
  context.child.worker_id = "worker-1";
  context.child.closed = true;  // a closed case that still gets events
  context.open_tasks = {Run(incident, incident.meta(), context).opened.at(0).task()};
  auto opinion = Make<cases::v1::ProfessionalOpinionUsed>("evt-21", "2026-05-12T09:00:00Z");
  Decision decision = Run(opinion, opinion.meta(), context);
  EXPECT_TRUE(decision.cancelled.empty());
  EXPECT_EQ(decision.opened.size(), 1u);  // D14.12
}

TEST_F(DecideTest, ReallocationReassignsEachTaskByItsOwnerRule) {
  // S7's record deadline belongs to the allocated worker; the S5 direction to the supervisor.
  auto allocated =
      Make<cases::v1::CaseAllocated>("evt-30", "2026-05-11T09:00:00Z", "stoke-on-trent");
  allocated.set_worker_id("worker-1");
  CaseContext context;
  context.child.worker_id = "worker-1";
  auto discussion = Make<cases::v1::CaseDiscussionOutsideSupervision>(
      "evt-31", "2026-05-11T10:00:00Z", "stoke-on-trent");
  for (const auto* event : std::vector<const google::protobuf::Message*>{&allocated, &discussion}) {
    const auto& meta =
        dynamic_cast<const common::v1::EventMeta&>(event->GetReflection()->GetMessage(
            *event, event->GetDescriptor()->FindFieldByName("meta")));
    for (const auto& opened : Run(*event, meta, context).opened)
      context.open_tasks.push_back(opened.task());
  }
  ASSERT_EQ(context.open_tasks.size(), 2u);

  auto moved =
      Make<cases::v1::LeadPractitionerChanged>("evt-32", "2026-05-12T09:00:00Z", "stoke-on-trent");
  moved.set_worker_id("worker-2");
  Decision decision = Run(moved, moved.meta(), context);
  std::map<std::string, std::string> owners;
  for (const auto& task : decision.upserts)
    owners[task.rule_id()] = task.owner_id();
  EXPECT_EQ(owners["S5"], "manager-2");
  EXPECT_EQ(owners["S7"], "worker-2");
  EXPECT_EQ(decision.reassigned.size(), 2u);
}
}  // namespace
}  // namespace oversight::triggers

namespace oversight::triggers {
namespace {

TEST(DecideSupervisorChangeTest, AssignsUnownedAndMovesTheOldSupervisorsTasksOnly) {
  auto task = [](const char* id, const char* worker, const char* owner) {
    v1::OversightTask t;
    t.set_task_id(id);
    t.set_child_id(std::string("child-") + id);
    t.set_worker_id(worker);
    t.set_owner_id(owner);
    t.set_status(v1::TASK_STATUS_REQUESTED);
    return t;
  };
  common::v1::EventMeta cause;
  cause.set_event_id("hr-1");
  cause.set_authority_id("devon");
  v1::OversightTask drift = task("e", "worker-1", "");
  drift.set_owner_rule("supervisor_line_manager");
  const std::vector<v1::OversightTask> open = {
      task("a", "worker-1", ""),           // unowned: assigned
      task("b", "worker-1", "manager-1"),  // the old supervisor's: moved
      task("c", "worker-1", "head-1"),     // reassigned by hand to someone else: kept
      task("d", "worker-2", ""),           // another worker's: untouched
      drift,                               // an unowned drift task: not the supervisor's
  };
  DirectoryDecision decision = DecideSupervisorChange("worker-1", "manager-1", "manager-9", open,
                                                      cause, absl::FromUnixSeconds(0));
  ASSERT_EQ(decision.reassigned.size(), 2u);
  EXPECT_EQ(decision.reassigned[0].task_id(), "a");
  EXPECT_EQ(decision.reassigned[1].task_id(), "b");
  EXPECT_EQ(decision.reassigned[1].previous_owner_id(), "manager-1");
  for (const auto& t : decision.upserts)
    EXPECT_EQ(t.owner_id(), "manager-9");
}

}  // namespace
}  // namespace oversight::triggers
