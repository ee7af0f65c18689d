#include "workforce.h"

#include <gtest/gtest.h>

#include <set>

#include "oversight/policy/pack.h"

namespace oversight::simulator {
namespace {

const policy::WorkingCalendar& Calendar() {
  static const auto* calendar = [] {
    auto loaded = policy::WorkingCalendar::LoadFile(policy::DefaultCalendarPath());
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new policy::WorkingCalendar(*std::move(loaded));
  }();
  return *calendar;
}

WorkforceOptions Options(uint64_t seed, int children) {
  WorkforceOptions options;
  options.seed = seed;
  options.authority = "devon";
  options.children = children;
  options.year = ReplayYear{2025};
  return options;
}

bool IsPractitioner(const StaffMember& m) {
  return m.role == workforce::v1::ROLE_SOCIAL_WORKER ||
         m.role == workforce::v1::ROLE_SENIOR_PRACTITIONER;
}

TEST(Workforce, StaffsEnoughTeamsWithAManagementChain) {
  // 100 children, 16 per practitioner, 7 practitioners per team, teams filled to 80%:
  // ceil(100 / 89.6) = 2 teams, one service manager, one head of service.
  const Workforce workforce = GenerateWorkforce(Options(7, 100), Calendar());
  ASSERT_EQ(workforce.teams.size(), 2u);
  int practitioners_on_day_one = 0;
  for (const StaffMember& member : workforce.staff) {
    if (member.id == "hos-01") {
      EXPECT_EQ(member.line_manager_id, "");
    } else if (member.role == workforce::v1::ROLE_SERVICE_MANAGER) {
      EXPECT_EQ(member.line_manager_id, "hos-01");
    } else if (member.role == workforce::v1::ROLE_TEAM_MANAGER) {
      EXPECT_EQ(member.line_manager_id, "sm-01");
    } else {
      ASSERT_TRUE(IsPractitioner(member)) << member.id;
      const Team* team = workforce.FindTeam(member.team_id);
      ASSERT_NE(team, nullptr) << member.id;
      EXPECT_EQ(member.line_manager_id, team->manager_id) << member.id;
      if (!member.joins_during_year) ++practitioners_on_day_one;
    }
    EXPECT_EQ(member.email, member.id + "@devon.example.gov.uk");
    EXPECT_FALSE(member.display_name.empty());
  }
  EXPECT_EQ(practitioners_on_day_one, 14);
  for (const Team& team : workforce.teams) {
    EXPECT_GE(team.diligence, 0.70);
    EXPECT_LE(team.diligence, 0.97);
  }
}

TEST(Workforce, TheSameSeedGivesTheSameYear) {
  const Workforce a = GenerateWorkforce(Options(11, 300), Calendar());
  const Workforce b = GenerateWorkforce(Options(11, 300), Calendar());
  const Workforce c = GenerateWorkforce(Options(12, 300), Calendar());
  ASSERT_EQ(a.staff.size(), b.staff.size());
  for (size_t i = 0; i < a.staff.size(); ++i) {
    EXPECT_EQ(a.staff[i].id, b.staff[i].id);
    EXPECT_EQ(a.staff[i].start_date, b.staff[i].start_date);
    EXPECT_EQ(a.staff[i].fte, b.staff[i].fte);
  }
  ASSERT_EQ(a.changes.size(), b.changes.size());
  bool differs = a.changes.size() != c.changes.size();
  for (size_t i = 0; !differs && i < a.changes.size(); ++i) {
    differs =
        a.changes[i].day != c.changes[i].day || a.changes[i].worker_id != c.changes[i].worker_id;
  }
  EXPECT_TRUE(differs);
}

TEST(Workforce, ChangesFallOnWorkingDaysOfTheYearInOrder) {
  const Workforce workforce = GenerateWorkforce(Options(3, 600), Calendar());
  const ReplayYear year{2025};
  std::map<std::string, absl::CivilDay> absence_started;
  std::set<std::string> left;
  int supervisor_changes = 0;
  for (size_t i = 0; i < workforce.changes.size(); ++i) {
    const WorkforceChange& change = workforce.changes[i];
    if (i > 0) {
      EXPECT_LE(workforce.changes[i - 1].day, change.day);
    }
    EXPECT_TRUE(Calendar().IsWorkingDay(change.day)) << absl::FormatCivilTime(change.day);
    EXPECT_NE(workforce.Find(change.worker_id), nullptr) << change.worker_id;
    switch (change.kind) {
      case ChangeKind::kAbsenceStarts:
        absence_started[change.worker_id] = change.day;
        break;
      case ChangeKind::kAbsenceEnds:
        ASSERT_TRUE(absence_started.contains(change.worker_id));
        EXPECT_LT(absence_started[change.worker_id], change.day);
        break;
      case ChangeKind::kLeaves:
        left.insert(change.worker_id);
        break;
      case ChangeKind::kJoins:
        EXPECT_TRUE(workforce.Find(change.worker_id)->joins_during_year);
        EXPECT_EQ(workforce.Find(change.worker_id)->start_date, change.day);
        break;
      case ChangeKind::kSupervisorChanges:
        ++supervisor_changes;
        break;
      case ChangeKind::kAsyeCompleted:
        EXPECT_TRUE(workforce.Find(change.worker_id)->asye_start.has_value());
        break;
    }
  }
  EXPECT_FALSE(left.empty());
  // The team manager who leaves: their practitioners move to the service manager, then to the
  // new team manager (two changes each).
  EXPECT_GT(supervisor_changes, 0);
  EXPECT_EQ(supervisor_changes % 2, 0);
  EXPECT_TRUE(year.Contains(workforce.changes.front().day));
}

TEST(Workforce, CaseloadCapsFollowFteAndAsye) {
  const WorkforceOptions options = Options(1, 100);
  StaffMember member;
  member.role = workforce::v1::ROLE_SOCIAL_WORKER;
  EXPECT_EQ(CaseloadCap(member, options), 16);
  member.fte = 0.6;
  EXPECT_EQ(CaseloadCap(member, options), 10);  // 9.6 rounded
  member.fte = 1.0;
  member.asye_start = absl::CivilDay(2025, 1, 6);
  EXPECT_EQ(CaseloadCap(member, options), 10);  // a protected caseload: 60%
  member.role = workforce::v1::ROLE_TEAM_MANAGER;
  EXPECT_EQ(CaseloadCap(member, options), 0);
}

}  // namespace
}  // namespace oversight::simulator
