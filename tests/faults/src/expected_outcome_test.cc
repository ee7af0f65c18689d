// The fault suite's expected outcome on a small stream, with dates computed by hand from
// RULES.md (Devon) and the England-and-Wales bank holidays.
#include "expected_outcome.h"

#include <gtest/gtest.h>

#include "london_calendar.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::faults {
namespace {

namespace sch = ::oversight::scheduling::v1;

absl::Time London(int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), faults::London());
}

template <typename Event>
std::shared_ptr<Event> Make(const std::string& id, const std::string& subject, absl::Time at) {
  auto event = std::make_shared<Event>();
  event->mutable_meta()->set_event_id(id);
  event->mutable_meta()->set_authority_id("devon");
  event->mutable_meta()->set_subject(subject);
  events::ToTimestamp(at, event->mutable_meta()->mutable_occurred_at());
  return event;
}

PublishedEvent Join(const std::string& worker, const std::string& supervisor,
                    const std::string& team, absl::Time at) {
  auto event = Make<workforce::v1::WorkerJoined>("hr-" + worker, worker, at);
  event->set_worker_id(worker);
  event->set_supervisor_id(supervisor);
  event->set_team_id(team);
  event->mutable_start_date()->set_year(2025);
  event->mutable_start_date()->set_month(6);
  event->mutable_start_date()->set_day(2);
  return {PublishedEvent::Stream::kWorkforce, worker, event};
}

template <typename Event>
PublishedEvent Case(const std::string& id, const std::string& child, absl::Time at,
                    const std::string& worker = "") {
  auto event = Make<Event>(id, child, at);
  event->set_child_id(child);
  if constexpr (std::is_same_v<Event, cases::v1::CaseAllocated>) event->set_worker_id(worker);
  return {PublishedEvent::Stream::kCase, child, event};
}

TEST(LatestStageTest, StagesOfADueDayCountedInLondonWorkingDays) {
  // Due Wed 4 Jun 2025. Due soon: 5 working days before, Wed 28 May (Mon 26 May is a bank
  // holiday, but it is not between). Escalated: the 5th working day after, Wed 11 Jun, ended.
  const absl::CivilDay due(2025, 6, 4);
  EXPECT_EQ(LatestStage(due, London(2025, 5, 27, 23, 59)), "");
  EXPECT_EQ(LatestStage(due, London(2025, 5, 28, 0, 0)), "due_soon");
  EXPECT_EQ(LatestStage(due, London(2025, 6, 3, 23, 59)), "due_soon");
  EXPECT_EQ(LatestStage(due, London(2025, 6, 4, 0, 0)), "due");
  EXPECT_EQ(LatestStage(due, London(2025, 6, 4, 23, 59, 59)), "due");
  EXPECT_EQ(LatestStage(due, London(2025, 6, 5, 0, 0)), "overdue");
  EXPECT_EQ(LatestStage(due, London(2025, 6, 11, 23, 59, 59)), "overdue");
  EXPECT_EQ(LatestStage(due, London(2025, 6, 12, 0, 0)), "escalated:1");
  // Due Fri 22 Aug 2025: the escalation skips the summer bank holiday (Mon 25 Aug): Tue 26,
  // Wed 27, Thu 28, Fri 29, Mon 1 Sep; escalated from Tue 2 Sep 00:00.
  EXPECT_EQ(LatestStage(absl::CivilDay(2025, 8, 22), London(2025, 9, 1, 23, 59)), "overdue");
  EXPECT_EQ(LatestStage(absl::CivilDay(2025, 8, 22), London(2025, 9, 2, 0, 0)), "escalated:1");
}

TEST(LondonCalendarTest, WorkingDaysAndMonths) {
  EXPECT_FALSE(IsWorkingDay(absl::CivilDay(2025, 12, 26)));  // Boxing Day
  EXPECT_FALSE(IsWorkingDay(absl::CivilDay(2026, 12, 28)));  // Boxing Day substitute
  EXPECT_TRUE(IsWorkingDay(absl::CivilDay(2026, 12, 29)));
  // Fri 6 Jun 2025 + 2 working days = Tue 10 Jun; Sat 7 Jun too.
  EXPECT_EQ(AddWorkingDays(absl::CivilDay(2025, 6, 6), 2), absl::CivilDay(2025, 6, 10));
  EXPECT_EQ(AddWorkingDays(absl::CivilDay(2025, 6, 7), 2), absl::CivilDay(2025, 6, 10));
  EXPECT_EQ(AddMonths(absl::CivilDay(2025, 1, 31), 1), absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(AddMonths(absl::CivilDay(2025, 6, 3), 2), absl::CivilDay(2025, 8, 3));
  // 23:59:59 BST is 22:59:59 UTC in June.
  EXPECT_EQ(EndOfLondonDay(absl::CivilDay(2025, 6, 4)),
            absl::FromCivil(absl::CivilSecond(2025, 6, 4, 22, 59, 59), absl::UTCTimeZone()));
}

TEST(ExpectTest, TasksLinkedCancelledAndItemsWithTheirLatestStage) {
  std::vector<PublishedEvent> events = {
      Join("hos-1", "director-1", "", London(2025, 6, 2, 9, 0)),
      Join("manager-1", "hos-1", "team-1", London(2025, 6, 2, 9, 1)),
      Join("worker-1", "manager-1", "team-1", London(2025, 6, 2, 9, 2)),
      // child-1: D8 due Wed 4 Jun; an incident on Fri 6 Jun 23:30 (D14.2, due Tue 10 Jun), a
      // second one linked to it; closed on Tue 10 Jun (D14.13 due Thu 12 Jun), which cancels
      // D8 and D14.2.
      Case<cases::v1::CaseAllocated>("a1", "child-1", London(2025, 6, 2, 15, 0), "worker-1"),
      Case<cases::v1::SignificantIncident>("i1", "child-1", London(2025, 6, 6, 23, 30)),
      Case<cases::v1::SignificantIncident>("i2", "child-1", London(2025, 6, 9, 10, 0)),
      Case<cases::v1::CaseClosed>("x1", "child-1", London(2025, 6, 10, 11, 0)),
      // child-2: D8 due Thu 5 Jun, entering care on Wed 4 Jun (D14.4 due Fri 6 Jun).
      Case<cases::v1::CaseAllocated>("a2", "child-2", London(2025, 6, 3, 10, 0), "worker-1"),
      Case<cases::v1::ChildEnteredCare>("e2", "child-2", London(2025, 6, 4, 10, 0)),
  };
  const ExpectedOutcome out = Expect(events, London(2025, 6, 13, 10, 0));
  EXPECT_EQ(out.workforce_events, 3);
  EXPECT_EQ(out.case_events, 6);

  ASSERT_EQ(out.tasks.size(), 5u);
  EXPECT_FALSE(out.tasks.at("child-1/D8/a1").open);
  EXPECT_FALSE(out.tasks.at("child-1/D14.2/i1").open);
  EXPECT_FALSE(out.tasks.contains("child-1/D14.2/i2"));  // linked
  EXPECT_EQ(out.tasks.at("child-1/D14.2/i1").linked_event_ids, std::vector<std::string>{"i2"});
  const ExpectedTask& closure = out.tasks.at("child-1/D14.13/x1");
  EXPECT_TRUE(closure.open);
  EXPECT_EQ(closure.owner_id, "manager-1");
  EXPECT_EQ(closure.due_at, London(2025, 6, 12, 23, 59, 59));
  EXPECT_EQ(out.tasks.at("child-1/D14.2/i1").due_at, London(2025, 6, 10, 23, 59, 59));
  EXPECT_EQ(out.tasks.at("child-2/D8/a2").due_at, London(2025, 6, 5, 23, 59, 59));
  EXPECT_EQ(out.tasks.at("child-2/D14.4/e2").due_at, London(2025, 6, 6, 23, 59, 59));

  // 3 people x (supervision, agreement, appraisal) + team-1's group supervision + child-2's
  // case discussion + 3 open tasks.
  EXPECT_EQ(out.items.size(), 14u);
  const ExpectedItem& supervision =
      out.items.at(ItemKey(sch::ITEM_KIND_PERSONAL_SUPERVISION, "worker-1"));
  EXPECT_EQ(supervision.due_at, London(2025, 6, 9, 23, 59, 59));  // D2: start + 7 days
  EXPECT_EQ(supervision.supervisor_id, "manager-1");
  EXPECT_EQ(supervision.line_manager_id, "hos-1");
  EXPECT_EQ(out.items.at(ItemKey(sch::ITEM_KIND_NEW_AGREEMENT, "worker-1")).due_at,
            London(2025, 7, 2, 23, 59, 59));  // D7
  EXPECT_EQ(out.items.at(ItemKey(sch::ITEM_KIND_APPRAISAL, "worker-1")).due_at,
            London(2026, 6, 2, 23, 59, 59));  // D18
  const ExpectedItem& group = out.items.at(ItemKey(sch::ITEM_KIND_GROUP_SUPERVISION, "team-1"));
  EXPECT_EQ(group.supervisor_id, "hos-1");                  // the first joiner's supervisor
  EXPECT_EQ(group.due_at, London(2025, 7, 2, 23, 59, 59));  // D17
  EXPECT_EQ(out.items.at(ItemKey(sch::ITEM_KIND_CASE_DISCUSSION, "child-2")).due_at,
            London(2025, 8, 3, 23, 59, 59));  // D9: child in need / looked after, 2 months
  EXPECT_FALSE(out.items.contains(ItemKey(sch::ITEM_KIND_CASE_DISCUSSION, "child-1")));
  EXPECT_TRUE(out.items.contains(ItemKey(sch::ITEM_KIND_OVERSIGHT_TASK, "child-1/D14.13/x1")));
  EXPECT_FALSE(out.items.contains(ItemKey(sch::ITEM_KIND_OVERSIGHT_TASK, "child-1/D8/a1")));

  // On Fri 13 Jun 10:00: supervisions due Mon 9 Jun are overdue (escalated only from Tue 17
  // Jun); child-2's D8 (due Thu 5 Jun) is escalated since Fri 13 Jun 00:00; its D14.4 (due
  // Fri 6 Jun) and child-1's closure task (due Thu 12 Jun) are overdue; nothing else has a
  // stage yet (agreements and group supervision are due soon from Wed 25 Jun).
  std::set<std::tuple<std::string, std::string, std::string>> reminders;
  for (const auto& r : out.reminders)
    reminders.insert({r.item_key, r.stage, r.recipient});
  const std::string ps = sch::ItemKind_Name(sch::ITEM_KIND_PERSONAL_SUPERVISION);
  const std::string task = sch::ItemKind_Name(sch::ITEM_KIND_OVERSIGHT_TASK);
  const std::set<std::tuple<std::string, std::string, std::string>> expected = {
      {ps + "/worker-1", "overdue", "manager-1"},
      {ps + "/worker-1", "overdue", "worker-1"},
      {ps + "/manager-1", "overdue", "hos-1"},
      {ps + "/manager-1", "overdue", "manager-1"},
      {ps + "/hos-1", "overdue", "director-1"},
      {ps + "/hos-1", "overdue", "hos-1"},
      {task + "/child-2/D8/a2", "escalated:1", "hos-1"},
      {task + "/child-2/D8/a2", "escalated:1", "manager-1"},
      {task + "/child-2/D14.4/e2", "overdue", "manager-1"},
      {task + "/child-1/D14.13/x1", "overdue", "manager-1"},
  };
  EXPECT_EQ(reminders, expected);
  EXPECT_EQ(out.reminders.size(), expected.size());
  EXPECT_TRUE(out.people.contains("director-1"));
  EXPECT_FALSE(out.with_email.contains("director-1"));
}

}  // namespace
}  // namespace oversight::faults
