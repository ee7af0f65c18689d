#include "workforce.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "choice.h"

namespace oversight::simulator {
namespace {

using workforce::v1::Role;

constexpr const char* kFirstNames[] = {
    "Amara", "Ben",   "Chloe", "Dev",    "Ellie",  "Farah", "George", "Hana",   "Isaac",  "Jess",
    "Kofi",  "Laura", "Mo",    "Nadia",  "Oliver", "Priya", "Quinn",  "Rosa",   "Sam",    "Tariq",
    "Una",   "Vik",   "Wendy", "Xander", "Yasmin", "Zoe",   "Aidan",  "Bethan", "Callum", "Dina"};
constexpr const char* kSurnames[] = {"Adeyemi", "Brown",  "Clarke", "Davies",  "Evans",  "Fletcher",
                                     "Green",   "Hughes", "Iqbal",  "Jones",   "Khan",   "Lewis",
                                     "Moore",   "Nowak",  "Owen",   "Patel",   "Quayle", "Roberts",
                                     "Singh",   "Taylor", "Usman",  "Vaughan", "Walker", "Young"};
constexpr const char* kAreas[] = {"North",   "South",  "East",    "West",   "Central",
                                  "Coastal", "Moor",   "Valley",  "City",   "Rural",
                                  "Estuary", "Market", "Harbour", "Forest", "Downs"};

std::string NameFor(const Choice& choice, const std::string& id) {
  const int first = choice.Between("first-name:" + id, 0, std::size(kFirstNames) - 1);
  const int last = choice.Between("surname:" + id, 0, std::size(kSurnames) - 1);
  return absl::StrCat(kFirstNames[first], " ", kSurnames[last]);
}

std::string EmailFor(const std::string& id, const std::string& authority) {
  return absl::StrCat(id, "@", authority, ".example.gov.uk");
}

// A working day drawn between first and last (inclusive), or first if none.
absl::CivilDay WorkingDayBetween(const Choice& choice, const std::string& about,
                                 absl::CivilDay first, absl::CivilDay last,
                                 const policy::WorkingCalendar& calendar) {
  const int span = static_cast<int>(last - first);
  const absl::CivilDay day = first + choice.Between(about, 0, std::max(0, span));
  return calendar.NextWorkingDayOnOrAfter(day).day;
}

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month.year(), month.month(), day.day()), last);
}

class Builder {
 public:
  Builder(const WorkforceOptions& options, const policy::WorkingCalendar& calendar)
      : options_(options), calendar_(calendar), choice_(options.seed) {}

  Workforce Build() {
    const double per_team = options_.children_per_practitioner * options_.practitioners_per_team;
    const int teams =
        std::max(1, static_cast<int>(std::ceil(options_.children / (per_team * 0.8))));
    const int service_managers = std::max(
        1, (teams + options_.teams_per_service_manager - 1) / options_.teams_per_service_manager);
    const absl::CivilDay first = options_.year.first_day();

    Add("hos-01", workforce::v1::ROLE_HEAD_OF_SERVICE, "", "").start_date = first - 365 * 6;
    for (int s = 1; s <= service_managers; ++s) {
      StaffMember& manager =
          Add(absl::StrFormat("sm-%02d", s), workforce::v1::ROLE_SERVICE_MANAGER, "", "hos-01");
      manager.start_date = first - 365 * choice_.Between("years:" + manager.id, 3, 12);
    }
    int practitioner = 0;
    for (int t = 1; t <= teams; ++t) {
      Team team;
      team.id = absl::StrFormat("team-%02d", t);
      team.name = absl::StrCat(kAreas[(t - 1) % std::size(kAreas)], " Children's Social Work",
                               t > static_cast<int>(std::size(kAreas))
                                   ? absl::StrCat(" ", (t - 1) / std::size(kAreas) + 1)
                                   : "");
      team.diligence = 0.70 + 0.27 * choice_.Uniform("diligence:" + team.id);
      const std::string service_manager =
          absl::StrFormat("sm-%02d", (t - 1) / options_.teams_per_service_manager + 1);
      StaffMember& manager = Add(absl::StrFormat("tm-%02d", t), workforce::v1::ROLE_TEAM_MANAGER,
                                 team.id, service_manager);
      manager.start_date = first - 365 * choice_.Between("years:" + manager.id, 2, 10);
      team.manager_id = manager.id;  // `manager` dangles after the next Add()
      workforce_.teams.push_back(team);
      for (int p = 0; p < options_.practitioners_per_team; ++p) {
        StaffMember& member = Add(
            absl::StrFormat("sw-%03d", ++practitioner),
            p == 0 ? workforce::v1::ROLE_SENIOR_PRACTITIONER : workforce::v1::ROLE_SOCIAL_WORKER,
            team.id, team.manager_id);
        Profile(member, first, /*joining=*/false);
      }
    }
    PlanYear(practitioner);
    std::stable_sort(
        workforce_.changes.begin(), workforce_.changes.end(),
        [](const WorkforceChange& a, const WorkforceChange& b) { return a.day < b.day; });
    return std::move(workforce_);
  }

 private:
  StaffMember& Add(std::string id, Role role, std::string team, std::string line_manager) {
    StaffMember member;
    member.display_name = NameFor(choice_, id);
    member.email = EmailFor(id, absl::AsciiStrToLower(options_.authority));
    member.id = std::move(id);
    member.role = role;
    member.team_id = std::move(team);
    member.line_manager_id = std::move(line_manager);
    workforce_.staff.push_back(std::move(member));
    return workforce_.staff.back();
  }

  // Status of a practitioner: a newly qualified worker in ASYE (15% of those in post, half of
  // the replacements), part-time (20%), agency (10%); starters are on probation for 6 months.
  void Profile(StaffMember& member, absl::CivilDay first, bool joining) {
    const std::string& id = member.id;
    const bool asye = choice_.Chance("asye:" + id, joining ? 0.5 : 0.15);
    if (joining) {
      member.joins_during_year = true;
    } else if (asye) {
      member.start_date = first - choice_.Between("asye-months:" + id, 0, 270);
    } else {
      member.start_date = first - choice_.Between("days-in-post:" + id, 200, 365 * 15);
    }
    if (asye) member.asye_start = member.start_date;
    if (member.start_date > first - 183) member.probation_end = AddMonths(member.start_date, 6);
    if (!asye && choice_.Chance("part-time:" + id, 0.2)) {
      member.fte = choice_.Chance("fte:" + id, 0.5) ? 0.6 : 0.8;
    }
    if (!asye && choice_.Chance("agency:" + id, 0.1)) {
      member.employment = workforce::v1::EMPLOYMENT_AGENCY;
    }
  }

  void PlanYear(int practitioners) {
    const absl::CivilDay first = options_.year.first_day();
    const absl::CivilDay last = options_.year.end_day() - 1;
    const size_t in_post = workforce_.staff.size();
    int joiner = practitioners;
    for (size_t i = 0; i < in_post; ++i) {
      const StaffMember member = workforce_.staff[i];  // copy: Add() may reallocate
      if (member.role != workforce::v1::ROLE_SOCIAL_WORKER &&
          member.role != workforce::v1::ROLE_SENIOR_PRACTITIONER) {
        continue;
      }
      if (member.asye_start.has_value()) {
        const absl::CivilDay done =
            calendar_.NextWorkingDayOnOrAfter(AddMonths(*member.asye_start, 12)).day;
        if (done >= first && done <= last) Change(done, ChangeKind::kAsyeCompleted, member.id);
      }
      if (choice_.Chance("sick:" + member.id, 0.25)) {
        const absl::CivilDay starts =
            WorkingDayBetween(choice_, "sick-from:" + member.id, first + 14, last - 40, calendar_);
        const int days = choice_.Between("sick-days:" + member.id, 5, 20);
        const absl::CivilDay back = calendar_.AddWorkingDays(starts, days).day;
        Change(starts, ChangeKind::kAbsenceStarts, member.id);
        Change(back, ChangeKind::kAbsenceEnds, member.id);
      }
      if (choice_.Chance("leaves:" + member.id, 0.12)) {
        const absl::CivilDay leaves =
            WorkingDayBetween(choice_, "leaves-on:" + member.id, first + 30, last - 60, calendar_);
        WorkforceChange& left = Change(leaves, ChangeKind::kLeaves, member.id);
        left.left_childrens_services = choice_.Chance("leaves-service:" + member.id, 0.7);
        StaffMember& replacement = Add(absl::StrFormat("sw-%03d", ++joiner), member.role,
                                       member.team_id, member.line_manager_id);
        replacement.start_date =
            calendar_.AddWorkingDays(leaves, choice_.Between("vacancy:" + member.id, 10, 30)).day;
        Profile(replacement, first, /*joining=*/true);
        Change(replacement.start_date, ChangeKind::kJoins, replacement.id);
      }
    }
    // One team manager leaves mid-year (when there are two teams or more): their service
    // manager covers until a new team manager starts.
    if (workforce_.teams.size() >= 2) {
      const int pick =
          choice_.Between("tm-leaves", 0, static_cast<int>(workforce_.teams.size()) - 1);
      Team& team = workforce_.teams[static_cast<size_t>(pick)];
      const StaffMember outgoing = *workforce_.Find(team.manager_id);
      const absl::CivilDay leaves = calendar_.NextWorkingDayOnOrAfter(first + 150).day;
      Change(leaves, ChangeKind::kLeaves, outgoing.id).left_childrens_services = false;
      StaffMember& incoming =
          Add(absl::StrFormat("tm-%02d", static_cast<int>(workforce_.teams.size()) + 1),
              workforce::v1::ROLE_TEAM_MANAGER, team.id, outgoing.line_manager_id);
      incoming.start_date = calendar_.AddWorkingDays(leaves, 20).day;
      incoming.joins_during_year = true;
      Change(incoming.start_date, ChangeKind::kJoins, incoming.id);
      const std::string team_id = team.id;
      const std::string incoming_id = incoming.id;
      for (const StaffMember& member : std::vector<StaffMember>(workforce_.staff)) {
        if (member.team_id != team_id || member.line_manager_id != outgoing.id) continue;
        Change(leaves, ChangeKind::kSupervisorChanges, member.id).supervisor_id =
            outgoing.line_manager_id;
        Change(incoming.start_date, ChangeKind::kSupervisorChanges, member.id).supervisor_id =
            incoming_id;
      }
    }
  }

  WorkforceChange& Change(absl::CivilDay day, ChangeKind kind, const std::string& worker) {
    WorkforceChange change;
    change.day = day;
    change.kind = kind;
    change.worker_id = worker;
    workforce_.changes.push_back(change);
    return workforce_.changes.back();
  }

  const WorkforceOptions& options_;
  const policy::WorkingCalendar& calendar_;
  Choice choice_;
  Workforce workforce_;
};

}  // namespace

const StaffMember* Workforce::Find(const std::string& id) const {
  for (const StaffMember& member : staff) {
    if (member.id == id) return &member;
  }
  return nullptr;
}

const Team* Workforce::FindTeam(const std::string& id) const {
  for (const Team& team : teams) {
    if (team.id == id) return &team;
  }
  return nullptr;
}

Workforce GenerateWorkforce(const WorkforceOptions& options,
                            const policy::WorkingCalendar& calendar) {
  return Builder(options, calendar).Build();
}

int CaseloadCap(const StaffMember& member, const WorkforceOptions& options) {
  if (member.role != workforce::v1::ROLE_SOCIAL_WORKER &&
      member.role != workforce::v1::ROLE_SENIOR_PRACTITIONER) {
    return 0;
  }
  double cap = options.children_per_practitioner * (member.fte > 0 ? member.fte : 1.0);
  if (member.asye_start.has_value()) cap *= 0.6;
  return std::max(1, static_cast<int>(std::lround(cap)));
}

}  // namespace oversight::simulator
