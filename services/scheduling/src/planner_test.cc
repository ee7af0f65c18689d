// Unit tests of the scheduling reactions on the shipped packs, with hand-computed dates. Every
// expected date is worked out in the comment beside it from the rule it cites (RULES.md ids).
#include "planner.h"

#include <gtest/gtest.h>

#include "oversight/authorities/authorities.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::scheduling {
namespace {

namespace wf = ::oversight::workforce::v1;
namespace cases = ::oversight::cases::v1;
namespace rec = ::oversight::recording::v1;
namespace trg = ::oversight::triggers::v1;

class MapDirectory : public Directory {
 public:
  std::map<std::string, std::string> supervisors;
  std::string SupervisorOf(const std::string& id) const override {
    auto it = supervisors.find(id);
    return it == supervisors.end() ? "" : it->second;
  }
};

common::v1::Date D(int y, int m, int d) {
  common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class PlannerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                         policy::DefaultCalendarPath(),
                                                         {"devon", "havering", "stoke-on-trent"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
  }
  void SetUp() override {
    directory_.supervisors = {{"worker-1", "manager-1"},
                              {"worker-2", "manager-2"},
                              {"manager-1", "head-1"},
                              {"manager-2", "head-2"}};
  }

  const authorities::Authority& A() const { return *registry_->Find(authority_); }

  // London noon on a day, the time every test event happens at.
  absl::Time Noon(int y, int m, int d) const {
    return absl::FromCivil(absl::CivilSecond(y, m, d, 12, 0, 0), A().calendar->zone());
  }
  absl::Time EndOf(int y, int m, int d) const {
    return A().calendar->EndOfDay(absl::CivilDay(y, m, d));
  }

  template <typename Event>
  Reaction Feed(Event event, absl::Time at) {
    static int n = 0;
    event.mutable_meta()->set_event_id("e" + std::to_string(++n));
    event.mutable_meta()->set_authority_id(authority_);
    events::ToTimestamp(at, event.mutable_meta()->mutable_occurred_at());
    return Apply(event, event.meta(), *A().calendar, state_);
  }

  void Join(const std::string& worker, const std::string& supervisor, common::v1::Date start) {
    wf::WorkerJoined e;
    e.set_worker_id(worker);
    e.set_supervisor_id(supervisor);
    e.set_team_id("team-a");
    *e.mutable_start_date() = start;
    Feed(e, Noon(start.year(), start.month(), start.day()));
  }

  Reaction Held(rec::RecordKind kind, std::vector<std::string> workers,
                std::vector<std::string> children, absl::Time at) {
    rec::SessionHeld e;
    e.set_record_id("rec-1");
    e.set_kind(kind);
    e.set_supervisor_id("manager-1");
    for (auto& w : workers)
      e.add_supervisee_ids(w);
    for (auto& c : children)
      e.add_child_ids(c);
    events::ToTimestamp(at, e.mutable_held_at());
    return Feed(e, at);
  }

  // The planned item of `kind` for a worker, or nullptr.
  std::optional<PlannedItem> WorkerItem(const std::string& worker, v1::ItemKind kind) {
    for (auto& p : PlanWorker(authority_, state_.workers[worker], directory_, *A().engine)) {
      if (p.item.kind() == kind) return p;
    }
    return std::nullopt;
  }
  std::vector<PlannedItem> ChildItems(const std::string& child) {
    return PlanChild(authority_, state_.children[child], directory_, *A().engine);
  }
  static absl::Time DueOf(const PlannedItem& p) { return events::FromTimestamp(p.item.due_at()); }

  static authorities::AuthorityRegistry* registry_;
  std::string authority_ = "devon";
  State state_;
  MapDirectory directory_;
};
authorities::AuthorityRegistry* PlannerTest::registry_ = nullptr;

TEST_F(PlannerTest, NewWorkerIsDueOneMonthAfterStartAndASessionResetsTheClock) {
  Join("worker-1", "manager-1", D(2025, 1, 6));
  auto ps = WorkerItem("worker-1", v1::ITEM_KIND_PERSONAL_SUPERVISION);
  ASSERT_TRUE(ps.has_value());
  // D2: induction, weekly for the first 6 weeks of employment: 6 Jan + 7 days = 13 Jan 2025.
  EXPECT_EQ(DueOf(*ps), EndOf(2025, 1, 13));
  EXPECT_EQ(ps->item.explanation().rule_id(), "D2");
  EXPECT_EQ(ps->item.supervisor_id(), "manager-1");
  EXPECT_EQ(ps->escalate_to_id, "head-1");

  std::map<std::string, v1::DueItem> existing = {{ps->item.item_id(), ps->item}};
  Reaction r = Held(rec::RECORD_KIND_PERSONAL_SUPERVISION, {"worker-1"}, {}, Noon(2025, 1, 20));
  auto next = WorkerItem("worker-1", v1::ITEM_KIND_PERSONAL_SUPERVISION);
  // D2: the session on 20 Jan (week 3 of induction) resets the clock: 27 Jan 2025.
  EXPECT_EQ(DueOf(*next), EndOf(2025, 1, 27));
  Changes changes;
  Reconcile(existing, {*next}, r, changes);
  ASSERT_EQ(changes.satisfied.size(), 1u);
  EXPECT_EQ(events::FromTimestamp(changes.satisfied[0].due_at()), EndOf(2025, 1, 13));
  ASSERT_EQ(changes.upserts.size(), 1u);
  EXPECT_TRUE(changes.cancelled.empty());
}

TEST_F(PlannerTest, InformalSessionDoesNotResetPersonalSupervision) {
  Join("worker-1", "manager-1", D(2025, 1, 6));
  Held(rec::RECORD_KIND_PERSONAL_SUPERVISION, {"worker-1"}, {}, Noon(2025, 1, 20));
  auto before = WorkerItem("worker-1", v1::ITEM_KIND_PERSONAL_SUPERVISION);
  Reaction r = Held(rec::RECORD_KIND_AD_HOC_DISCUSSION, {"worker-1"}, {}, Noon(2025, 1, 24));
  auto after = WorkerItem("worker-1", v1::ITEM_KIND_PERSONAL_SUPERVISION);
  // D6: informal supervision does not replace the formal session: still 20 Jan + 7 = 27 Jan.
  EXPECT_EQ(DueOf(*after), EndOf(2025, 1, 27));
  Changes changes;
  Reconcile({{before->item.item_id(), before->item}}, {*after}, r, changes);
  EXPECT_TRUE(changes.satisfied.empty());
  // Only the explanation changed (it names the informal session); the date did not.
  for (const auto& up : changes.upserts)
    EXPECT_EQ(DueOf(up), EndOf(2025, 1, 27));
}

TEST_F(PlannerTest, RiskRaisedShortensTheIntervalFromTheLastDiscussion) {
  Join("worker-1", "manager-1", D(2025, 1, 6));
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_team_id("team-a");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  alloc.set_risk(common::v1::RISK_LEVEL_STANDARD);
  Feed(alloc, Noon(2025, 3, 3));
  Held(rec::RECORD_KIND_CASE_SUPERVISION, {"worker-1"}, {"child-1"}, Noon(2025, 3, 10));
  auto items = ChildItems("child-1");
  ASSERT_EQ(items.size(), 1u);
  // D9: child in need, standard risk: every 2 months from 10 Mar 2025 = 10 May 2025.
  EXPECT_EQ(DueOf(items[0]), EndOf(2025, 5, 10));
  EXPECT_EQ(items[0].item.supervisor_id(), "manager-1");
  EXPECT_EQ(items[0].item.explanation().rule_id(), "D9");

  cases::RiskLevelChanged risk;
  risk.set_child_id("child-1");
  risk.set_risk(common::v1::RISK_LEVEL_HIGH);
  Reaction r = Feed(risk, Noon(2025, 3, 20));
  auto raised = ChildItems("child-1");
  // D9: child in need, high risk: monthly from the last discussion (10 Mar) = 10 Apr 2025.
  EXPECT_EQ(DueOf(raised[0]), EndOf(2025, 4, 10));
  Changes changes;
  Reconcile({{items[0].item.item_id(), items[0].item}}, raised, r, changes);
  EXPECT_EQ(changes.upserts.size(), 1u);
  EXPECT_TRUE(changes.satisfied.empty());  // a risk change satisfies nothing
}

TEST_F(PlannerTest, ClosedCaseCancelsItsDiscussion) {
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_PROTECTION);
  Feed(alloc, Noon(2025, 3, 3));
  auto items = ChildItems("child-1");
  ASSERT_EQ(items.size(), 1u);
  // D9: child protection monthly from the allocation: 3 Apr 2025.
  EXPECT_EQ(DueOf(items[0]), EndOf(2025, 4, 3));
  cases::CaseClosed closed;
  closed.set_child_id("child-1");
  Reaction r = Feed(closed, Noon(2025, 3, 14));
  Changes changes;
  Reconcile({{items[0].item.item_id(), items[0].item}}, ChildItems("child-1"), r, changes);
  ASSERT_EQ(changes.cancelled.size(), 1u);
  EXPECT_EQ(changes.cancel_reason, "case_closed");
}

TEST_F(PlannerTest, ReallocatedChildMovesToTheNewWorkersSupervisor) {
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_PROTECTION);
  Feed(alloc, Noon(2025, 3, 3));
  alloc.set_worker_id("worker-2");
  alloc.set_previous_worker_id("worker-1");
  Feed(alloc, Noon(2025, 3, 17));
  auto items = ChildItems("child-1");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item.worker_id(), "worker-2");
  EXPECT_EQ(items[0].item.supervisor_id(), "manager-2");
  EXPECT_EQ(items[0].escalate_to_id, "head-2");
  // D9: child protection monthly from the new allocation (17 Mar): 17 Apr 2025.
  EXPECT_EQ(DueOf(items[0]), EndOf(2025, 4, 17));
}

TEST_F(PlannerTest, SicknessPausesAndHavingCatchUpIsDueWithinFiveWorkingDaysOfReturn) {
  authority_ = "havering";
  Join("worker-1", "manager-1", D(2025, 1, 6));
  Held(rec::RECORD_KIND_PERSONAL_SUPERVISION, {"worker-1"}, {}, Noon(2025, 1, 6));
  // H1: monthly: 6 Feb 2025.
  EXPECT_EQ(DueOf(*WorkerItem("worker-1", v1::ITEM_KIND_PERSONAL_SUPERVISION)), EndOf(2025, 2, 6));
  wf::AbsenceStarted sick;
  sick.set_worker_id("worker-1");
  sick.set_reason(wf::ABSENCE_REASON_SICKNESS);
  *sick.mutable_starts_on() = D(2025, 2, 3);
  Feed(sick, Noon(2025, 2, 3));
  auto paused = WorkerItem("worker-1", v1::ITEM_KIND_PERSONAL_SUPERVISION);
  EXPECT_FALSE(paused->item.has_due_at());  // paused while absent: no date, no timers
  EXPECT_TRUE(StagesOf(paused->item, A().pack, *A().calendar, Noon(2025, 2, 3)).empty());

  wf::AbsenceEnded back;
  back.set_worker_id("worker-1");
  back.set_reason(wf::ABSENCE_REASON_SICKNESS);
  *back.mutable_returned_on() = D(2025, 3, 3);
  Feed(back, Noon(2025, 3, 3));
  auto resumed = WorkerItem("worker-1", v1::ITEM_KIND_PERSONAL_SUPERVISION);
  // H5: within 5 working days of the return, the return day (Mon 3 Mar) counting as the
  // first: Mon 3, Tue 4, Wed 5, Thu 6, Fri 7 Mar 2025 -> due 7 Mar.
  EXPECT_EQ(DueOf(*resumed), EndOf(2025, 3, 7));
  EXPECT_EQ(resumed->item.explanation().rule_id(), "H5");
}

TEST_F(PlannerTest, LeaverStopsRemindersAndStartsRetention) {
  authority_ = "havering";
  Join("worker-1", "manager-1", D(2025, 1, 6));
  std::map<std::string, v1::DueItem> existing;
  for (auto& p : PlanWorker(authority_, state_.workers["worker-1"], directory_, *A().engine))
    existing[p.item.item_id()] = p.item;
  ASSERT_GE(existing.size(), 2u);  // personal supervision, agreement ...
  wf::WorkerLeft left;
  left.set_worker_id("worker-1");
  *left.mutable_left_on() = D(2025, 6, 30);
  left.set_left_childrens_services(true);
  Reaction r = Feed(left, Noon(2025, 6, 30));
  auto planned = PlanWorker(authority_, state_.workers["worker-1"], directory_, *A().engine);
  ASSERT_EQ(planned.size(), 1u);
  EXPECT_EQ(planned[0].item.kind(), v1::ITEM_KIND_RETENTION);
  // H8: records kept 3 years after leaving: 30 Jun 2028.
  EXPECT_EQ(DueOf(planned[0]), EndOf(2028, 6, 30));
  Changes changes;
  Reconcile(existing, planned, r, changes);
  EXPECT_EQ(changes.cancelled.size(), existing.size());
  EXPECT_EQ(changes.cancel_reason, "worker_left");
  EXPECT_EQ(changes.upserts.size(), 1u);
}

TEST_F(PlannerTest, TaskOpenedBecomesAnOversightItemAndCompletionSatisfiesIt) {
  trg::TaskOpened opened;
  trg::OversightTask* task = opened.mutable_task();
  task->set_task_id("task-9");
  task->set_child_id("child-1");
  task->set_owner_id("manager-1");
  task->set_worker_id("worker-1");
  task->set_rule_id("D14.4");
  events::ToTimestamp(EndOf(2025, 3, 5), task->mutable_due_at());
  Feed(opened, Noon(2025, 3, 3));
  auto items = PlanTask(authority_, state_.tasks["task-9"], directory_);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item.kind(), v1::ITEM_KIND_OVERSIGHT_TASK);
  EXPECT_EQ(DueOf(items[0]), EndOf(2025, 3, 5));  // the task's own due date
  EXPECT_EQ(items[0].item.explanation().rule_id(), "D14.4");
  EXPECT_EQ(items[0].escalate_to_id, "head-1");

  trg::TaskCompleted done;
  done.set_task_id("task-9");
  Reaction r = Feed(done, Noon(2025, 3, 4));
  Changes changes;
  Reconcile({{items[0].item.item_id(), items[0].item}},
            PlanTask(authority_, state_.tasks["task-9"], directory_), r, changes);
  ASSERT_EQ(changes.satisfied.size(), 1u);
  EXPECT_TRUE(changes.cancelled.empty());

  trg::TaskCancelled cancelled;
  cancelled.set_task_id("task-9");
  cancelled.set_reason("case_closed");
  Reaction rc = Feed(cancelled, Noon(2025, 3, 4));
  Changes cancel_changes;
  Reconcile({{items[0].item.item_id(), items[0].item}}, {}, rc, cancel_changes);
  ASSERT_EQ(cancel_changes.cancelled.size(), 1u);
  EXPECT_EQ(cancel_changes.cancel_reason, "case_closed");
}

TEST_F(PlannerTest, StagesFollowThePackSettings) {
  v1::DueItem item;
  events::ToTimestamp(EndOf(2025, 2, 20), item.mutable_due_at());  // Thursday
  auto zone = A().calendar->zone();
  auto start = [&](int y, int m, int d) { return absl::FromCivil(absl::CivilDay(y, m, d), zone); };
  auto stages = StagesOf(item, A().pack, *A().calendar, Noon(2025, 1, 1));
  ASSERT_EQ(stages.size(), 4u);
  // Devon scheduling: reminder 5 working days before Thu 20 Feb = Thu 13 Feb, start of day.
  EXPECT_EQ(stages[0].stage, v1::STAGE_DUE_SOON);
  EXPECT_EQ(stages[0].at, start(2025, 2, 13));
  EXPECT_EQ(stages[1].stage, v1::STAGE_DUE);
  EXPECT_EQ(stages[1].at, start(2025, 2, 20));
  EXPECT_EQ(stages[2].stage, v1::STAGE_OVERDUE);  // the second after the deadline
  EXPECT_EQ(stages[2].at, start(2025, 2, 21));
  // Escalation when overdue by 5 working days: end of Thu 27 Feb, i.e. from Fri 28 Feb.
  EXPECT_EQ(stages[3].stage, v1::STAGE_ESCALATED);
  EXPECT_EQ(stages[3].level, 1);
  EXPECT_EQ(stages[3].at, start(2025, 2, 28));

  // Planned late (21 Feb, noon): the passed stages collapse into "overdue", which fires at once.
  auto late = StagesOf(item, A().pack, *A().calendar, Noon(2025, 2, 21));
  ASSERT_EQ(late.size(), 2u);
  EXPECT_EQ(late[0].stage, v1::STAGE_OVERDUE);
  EXPECT_EQ(late[1].stage, v1::STAGE_ESCALATED);
}

TEST_F(PlannerTest, SupervisorChangeMovesTheCaseloadAndAsksForANewAgreement) {
  Join("worker-1", "manager-1", D(2025, 1, 6));
  cases::CaseAllocated alloc;
  alloc.set_child_id("child-1");
  alloc.set_worker_id("worker-1");
  alloc.set_case_type(common::v1::CASE_TYPE_CHILD_PROTECTION);
  Feed(alloc, Noon(2025, 1, 13));
  rec::AgreementSigned signed_event;
  signed_event.set_supervisee_id("worker-1");
  Feed(signed_event, Noon(2025, 1, 20));
  EXPECT_FALSE(WorkerItem("worker-1", v1::ITEM_KIND_NEW_AGREEMENT).has_value());

  wf::SupervisorChanged changed;
  changed.set_worker_id("worker-1");
  changed.set_supervisor_id("manager-2");
  Reaction r = Feed(changed, Noon(2025, 4, 1));
  directory_.supervisors["worker-1"] = "manager-2";
  EXPECT_EQ(r.children.count("child-1"), 1u);
  auto fresh = WorkerItem("worker-1", v1::ITEM_KIND_NEW_AGREEMENT);
  ASSERT_TRUE(fresh.has_value());
  // D7: a new agreement within 1 month of the new relationship (1 Apr): 1 May 2025.
  EXPECT_EQ(DueOf(*fresh), EndOf(2025, 5, 1));
  EXPECT_EQ(fresh->item.supervisor_id(), "manager-2");
  EXPECT_EQ(ChildItems("child-1")[0].item.supervisor_id(), "manager-2");
}

TEST_F(PlannerTest, GroupSupervisionPerTeamIsResetByAGroupSession) {
  Join("worker-1", "manager-1", D(2025, 1, 6));
  Join("worker-2", "manager-1", D(2025, 1, 8));  // the team already exists: formed on 6 Jan
  auto items = PlanTeam(authority_, state_.teams["team-a"], directory_, *A().engine);
  ASSERT_EQ(items.size(), 1u);
  // D17: one group supervision per team per month, from the team's start (6 Jan): 6 Feb 2025.
  EXPECT_EQ(DueOf(items[0]), EndOf(2025, 2, 6));
  EXPECT_EQ(items[0].item.explanation().rule_id(), "D17");
  EXPECT_EQ(items[0].item.supervisor_id(), "manager-1");
  EXPECT_EQ(items[0].escalate_to_id, "head-1");

  rec::SessionHeld group;
  group.set_record_id("group-1");
  group.set_kind(rec::RECORD_KIND_GROUP_SUPERVISION);
  group.set_supervisor_id("manager-1");
  group.set_team_id("team-a");
  group.add_supervisee_ids("worker-1");
  group.add_supervisee_ids("worker-2");
  events::ToTimestamp(Noon(2025, 1, 20), group.mutable_held_at());
  Reaction r = Feed(group, Noon(2025, 1, 20));
  auto next = PlanTeam(authority_, state_.teams["team-a"], directory_, *A().engine);
  // D17: from the session on 20 Jan: 20 Feb 2025; the 6 Feb item is satisfied.
  EXPECT_EQ(DueOf(next[0]), EndOf(2025, 2, 20));
  Changes changes;
  Reconcile({{items[0].item.item_id(), items[0].item}}, next, r, changes);
  ASSERT_EQ(changes.satisfied.size(), 1u);
  EXPECT_EQ(changes.upserts.size(), 1u);
}

// Joins of one team come on different partitions (keyed by worker), in any order: the team's
// manager is the supervisor of whoever joined first, however the joins were handled.
TEST_F(PlannerTest, TeamIsRunByTheFirstJoinersSupervisorWhateverOrderTheJoinsAreHandledIn) {
  auto join = [&](const std::string& worker, const std::string& supervisor, absl::Time at) {
    wf::WorkerJoined e;
    e.set_worker_id(worker);
    e.set_supervisor_id(supervisor);
    e.set_team_id("team-a");
    *e.mutable_start_date() = D(2025, 1, 6);
    Feed(e, at);
  };
  // The practitioner's join (Tue 7 Jan) is handled before the manager's, who joined on Mon 6
  // Jan: the manager's supervisor runs the team, formed on 6 Jan.
  join("worker-1", "manager-1", Noon(2025, 1, 7));
  EXPECT_EQ(state_.teams["team-a"].manager_id, "manager-1");
  join("manager-1", "head-1", Noon(2025, 1, 6));
  EXPECT_EQ(state_.teams["team-a"].manager_id, "head-1");
  // A later join changes nothing; one at the same instant goes to the smaller worker id.
  join("worker-2", "manager-2", Noon(2025, 1, 8));
  join("manager-0", "head-0", Noon(2025, 1, 6));
  auto items = PlanTeam(authority_, state_.teams["team-a"], directory_, *A().engine);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item.supervisor_id(), "head-0");
  // D17: one month from the team's start (Mon 6 Jan): Thu 6 Feb 2025.
  EXPECT_EQ(DueOf(items[0]), EndOf(2025, 2, 6));

  // Handled in publish order instead: the same team.
  state_ = State();
  join("manager-0", "head-0", Noon(2025, 1, 6));
  join("manager-1", "head-1", Noon(2025, 1, 6));
  join("worker-1", "manager-1", Noon(2025, 1, 7));
  EXPECT_EQ(state_.teams["team-a"].manager_id, "head-0");
  EXPECT_EQ(state_.teams["team-a"].facts.formed_on, absl::CivilDay(2025, 1, 6));
}

TEST_F(PlannerTest, SessionRecordDeadlinesFollowCirculationAndAreSatisfiedStepByStep) {
  authority_ = "stoke-on-trent";
  const absl::Time held = absl::FromCivil(absl::CivilSecond(2025, 3, 3, 10, 0, 0),
                                          A().calendar->zone());  // Mon 3 Mar 2025, 10:00
  Held(rec::RECORD_KIND_PERSONAL_SUPERVISION, {"worker-1"}, {}, held);
  auto items = PlanSession(authority_, state_.sessions["rec-1"], *A().engine);
  std::map<std::string, PlannedItem> by_id;
  for (auto& p : items)
    by_id[p.item.item_id()] = p;
  const std::string circulate =
      RecordItemId(policy::ItemKind::kCirculateDeadline, "rec-1", "circulate");
  const std::string sign_off =
      RecordItemId(policy::ItemKind::kSignOffDeadline, "rec-1", "sign_off");
  ASSERT_TRUE(by_id.count(circulate));
  ASSERT_TRUE(by_id.count(sign_off));
  // S10: circulated within 48 elapsed hours: Wed 5 Mar 10:00.
  EXPECT_EQ(DueOf(by_id[circulate]), held + absl::Hours(48));
  EXPECT_EQ(by_id[circulate].item.explanation().rule_id(), "S10");
  EXPECT_EQ(by_id[circulate].item.supervisor_id(), "manager-1");
  // S10: signed within 5 working days of circulation, counted from the circulation deadline
  // while not circulated: Wed 5 Mar + 5 working days = Wed 12 Mar, end of day.
  EXPECT_EQ(DueOf(by_id[sign_off]), EndOf(2025, 3, 12));

  std::map<std::string, v1::DueItem> existing;
  for (auto& p : items)
    existing[p.item.item_id()] = p.item;
  rec::RecordCirculated circulated;
  circulated.set_record_id("rec-1");
  Reaction r = Feed(circulated,
                    absl::FromCivil(absl::CivilSecond(2025, 3, 4, 15, 0, 0), A().calendar->zone()));
  auto after = PlanSession(authority_, state_.sessions["rec-1"], *A().engine);
  Changes changes;
  Reconcile(existing, after, r, changes);
  ASSERT_EQ(changes.satisfied.size(), 1u);  // the circulation step
  EXPECT_EQ(changes.satisfied[0].item_id(), circulate);
  bool moved = false;
  for (const auto& up : changes.upserts) {
    if (up.item.item_id() != sign_off) continue;
    moved = true;
    // S10: from the actual circulation, Tue 4 Mar + 5 working days = Tue 11 Mar.
    EXPECT_EQ(DueOf(up), EndOf(2025, 3, 11));
  }
  EXPECT_TRUE(moved);

  rec::RecordSigned signed_event;
  signed_event.set_record_id("rec-1");
  signed_event.set_fully_signed(true);
  Reaction rs = Feed(signed_event, Noon(2025, 3, 6));
  std::map<std::string, v1::DueItem> now_existing;
  for (auto& p : after)
    now_existing[p.item.item_id()] = p.item;
  Changes signed_changes;
  Reconcile(now_existing, PlanSession(authority_, state_.sessions["rec-1"], *A().engine), rs,
            signed_changes);
  bool sign_off_satisfied = false;
  for (const auto& item : signed_changes.satisfied)
    sign_off_satisfied |= item.item_id() == sign_off;
  EXPECT_TRUE(sign_off_satisfied);
}

}  // namespace
}  // namespace oversight::scheduling
