#include "report.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"

namespace oversight::simulator {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kReader[] = "hos-01";
const std::vector<std::string> kReaderRoles = {"senior-manager", "head-of-service",
                                               "notifications-admin", "quality-assurance"};

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

std::string Month(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

// "D14.10" -> {"D", 14, 10}; compares letter prefix, then each number.
std::vector<std::string> RuleParts(const std::string& id) {
  std::vector<std::string> parts;
  std::string current;
  bool digits = false;
  for (char c : id) {
    const bool digit = c >= '0' && c <= '9';
    if (c == '.' || (!current.empty() && digit != digits)) {
      if (!current.empty()) parts.push_back(current);
      current.clear();
      if (c == '.') continue;
    }
    digits = digit;
    current += c;
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

absl::Status Compliance(Clients& clients, const std::string& team, absl::Time start, absl::Time end,
                        absl::Time now, scheduling::v1::ComplianceResponse& out) {
  scheduling::v1::ComplianceRequest request;
  request.set_authority_id(clients.authority());
  request.set_team_id(team);
  *request.mutable_period_start() = ToProto(start);
  *request.mutable_period_end() = ToProto(end);
  auto context = clients.As(kReader, kReaderRoles, now);
  return FromGrpc(clients.scheduling().GetCompliance(context.get(), request, &out),
                  absl::StrCat("GetCompliance ", team.empty() ? "authority" : team));
}

nlohmann::json FiguresJson(const scheduling::v1::ComplianceFigures& f) {
  return {{"sessions_due", f.sessions_due()},
          {"sessions_on_time", f.sessions_on_time()},
          {"case_discussions_due", f.case_discussions_due()},
          {"case_discussions_on_time", f.case_discussions_on_time()},
          {"records_due", f.records_due()},
          {"records_on_time", f.records_on_time()},
          {"open_overdue", f.open_overdue()},
          {"on_time_rate", OnTimeRate(f)},
          {"records_on_time_rate", RecordsOnTimeRate(f)}};
}

}  // namespace

double OnTimeRate(const scheduling::v1::ComplianceFigures& f) {
  const int due = f.sessions_due() + f.case_discussions_due();
  return due == 0 ? 0
                  : static_cast<double>(f.sessions_on_time() + f.case_discussions_on_time()) / due;
}

double RecordsOnTimeRate(const scheduling::v1::ComplianceFigures& f) {
  return f.records_due() == 0 ? 0 : static_cast<double>(f.records_on_time()) / f.records_due();
}

bool RuleIdLess(const std::string& a, const std::string& b) {
  const auto pa = RuleParts(a);
  const auto pb = RuleParts(b);
  for (size_t i = 0; i < std::min(pa.size(), pb.size()); ++i) {
    const bool na = !pa[i].empty() && std::isdigit(static_cast<unsigned char>(pa[i][0]));
    const bool nb = !pb[i].empty() && std::isdigit(static_cast<unsigned char>(pb[i][0]));
    if (na && nb) {
      const long x = std::stol(pa[i]);
      const long y = std::stol(pb[i]);
      if (x != y) return x < y;
    } else if (pa[i] != pb[i]) {
      return pa[i] < pb[i];
    }
  }
  return pa.size() < pb.size();
}

absl::StatusOr<Report> CollectReport(Clients& clients, const Caseload& caseload,
                                     const Workforce& workforce, const ReplayStats& replay,
                                     uint64_t seed, absl::Time now, const absl::TimeZone& zone) {
  Report report;
  report.authority = clients.authority();
  report.year = caseload.year;
  report.seed = seed;
  report.first_day = replay.first_day;
  report.end_day = replay.end_day;
  report.children_open_on_first_day = static_cast<int>(caseload.open_on_first_day.size());
  report.return_events_in_year = static_cast<int>(caseload.in_year.size());
  report.return_events_before_year = caseload.events_before_year;
  report.years_shifted = caseload.years_shifted;
  report.teams = workforce.teams;
  report.staff = static_cast<int>(workforce.staff.size());
  for (const StaffMember& member : workforce.staff) {
    if (member.role == workforce::v1::ROLE_SOCIAL_WORKER ||
        member.role == workforce::v1::ROLE_SENIOR_PRACTITIONER) {
      ++report.practitioners;
    }
  }
  report.replay = replay;

  // Compliance: each team per month, each team over the period, the authority over the period.
  const absl::Time start = absl::FromCivil(replay.first_day, zone);
  const absl::Time end = absl::FromCivil(replay.end_day, zone);
  for (const Team& team : workforce.teams) {
    for (absl::CivilMonth month(replay.first_day); month < absl::CivilMonth(replay.end_day);
         ++month) {
      scheduling::v1::ComplianceResponse response;
      if (auto s = Compliance(clients, team.id, absl::FromCivil(month, zone),
                              absl::FromCivil(month + 1, zone), now, response);
          !s.ok()) {
        return s;
      }
      report.compliance.push_back({team.id, month, response.total()});
    }
    scheduling::v1::ComplianceResponse year;
    if (auto s = Compliance(clients, team.id, start, end, now, year); !s.ok()) return s;
    report.team_year[team.id] = year.total();
  }
  scheduling::v1::ComplianceResponse whole;
  if (auto s = Compliance(clients, "", start, end, now, whole); !s.ok()) return s;
  report.authority_year = whole.total();

  // Oversight tasks, every status, by trigger rule.
  std::map<std::string, TriggerFigures> by_rule;
  triggers::v1::ListTasksRequest tasks;
  tasks.set_authority_id(clients.authority());
  tasks.mutable_page()->set_page_size(500);
  for (int page = 0; page < 10000; ++page) {
    triggers::v1::ListTasksResponse response;
    auto context = clients.As(kReader, kReaderRoles, now);
    if (auto s =
            FromGrpc(clients.triggers().ListTasks(context.get(), tasks, &response), "ListTasks");
        !s.ok()) {
      return s;
    }
    for (const triggers::v1::OversightTask& task : response.tasks()) {
      TriggerFigures& figures = by_rule[task.rule_id()];
      figures.rule_id = task.rule_id();
      figures.trigger_id = task.trigger_id();
      ++figures.opened;
      ++report.tasks_total;
      const absl::Time due = absl::FromUnixSeconds(task.due_at().seconds());
      switch (task.status()) {
        case triggers::v1::TASK_STATUS_COMPLETED: {
          absl::Time completed = absl::InfiniteFuture();
          for (const triggers::v1::TaskHistoryEntry& entry : task.history()) {
            if (entry.status() == triggers::v1::TASK_STATUS_COMPLETED) {
              completed = absl::FromUnixSeconds(entry.at().seconds());
            }
          }
          if (completed <= due) {
            ++figures.completed_on_time;
          } else {
            ++figures.completed_late;
          }
          break;
        }
        case triggers::v1::TASK_STATUS_CANCELLED:
          ++figures.cancelled;
          break;
        default:
          ++figures.open;
          if (due < now) ++figures.open_overdue;
          break;
      }
    }
    if (response.page().next_page_token().empty()) break;
    tasks.mutable_page()->set_page_token(response.page().next_page_token());
  }
  for (auto& [rule, figures] : by_rule)
    report.triggers.push_back(figures);
  std::sort(report.triggers.begin(), report.triggers.end(),
            [](const TriggerFigures& a, const TriggerFigures& b) {
              return RuleIdLess(a.rule_id, b.rule_id);
            });

  // Notifications, person by person.
  for (const StaffMember& member : workforce.staff) {
    notifications::v1::ListNotificationsRequest request;
    request.set_authority_id(clients.authority());
    request.set_recipient_id(member.id);
    request.mutable_page()->set_page_size(500);
    for (int page = 0; page < 10000; ++page) {
      notifications::v1::ListNotificationsResponse response;
      auto context = clients.As(kReader, kReaderRoles, now);
      if (auto s =
              FromGrpc(clients.notifications().ListNotifications(context.get(), request, &response),
                       "ListNotifications");
          !s.ok()) {
        return s;
      }
      for (const notifications::v1::Notification& n : response.notifications()) {
        ++report.notifications;
        ++report.notifications_by_kind[n.kind()];
        ++report.notifications_by_stage[n.stage().empty() ? "-" : n.stage()];
        if (n.critical()) ++report.critical_notifications;
      }
      if (response.page().next_page_token().empty()) break;
      request.mutable_page()->set_page_token(response.page().next_page_token());
    }
  }
  auto metrics = clients.Metrics(kNotifications);
  if (!metrics.ok()) return metrics.status();
  for (const scrape::Sample& sample : *metrics) {
    if (sample.name != "oversight_notifications_total") continue;
    auto channel = sample.labels.find("channel");
    auto outcome = sample.labels.find("outcome");
    if (channel == sample.labels.end() || outcome == sample.labels.end()) continue;
    report.deliveries[absl::StrCat(channel->second, " ", outcome->second)] += sample.value;
  }
  return report;
}

std::string ReportJson(const Report& report) {
  nlohmann::json json;
  json["authority"] = report.authority;
  json["year"] = {{"first_day", absl::FormatCivilTime(report.first_day)},
                  {"end_day_exclusive", absl::FormatCivilTime(report.end_day)}};
  json["seed"] = report.seed;
  json["caseload"] = {{"children_open_on_first_day", report.children_open_on_first_day},
                      {"return_events_in_year", report.return_events_in_year},
                      {"return_events_before_year", report.return_events_before_year},
                      {"years_shifted", report.years_shifted},
                      {"import_issues", report.import_issues}};
  nlohmann::json teams = nlohmann::json::array();
  for (const Team& team : report.teams) {
    nlohmann::json months = nlohmann::json::object();
    for (const TeamMonth& cell : report.compliance) {
      if (cell.team_id == team.id) months[Month(cell.month)] = FiguresJson(cell.figures);
    }
    auto year = report.team_year.find(team.id);
    teams.push_back(
        {{"id", team.id},
         {"name", team.name},
         {"manager_id", team.manager_id},
         {"months", months},
         {"year", year == report.team_year.end() ? nlohmann::json() : FiguresJson(year->second)}});
  }
  json["workforce"] = {{"staff", report.staff}, {"practitioners", report.practitioners}};
  json["compliance"] = {{"authority", FiguresJson(report.authority_year)}, {"teams", teams}};
  nlohmann::json triggers = nlohmann::json::array();
  for (const TriggerFigures& t : report.triggers) {
    triggers.push_back({{"rule_id", t.rule_id},
                        {"trigger_id", t.trigger_id},
                        {"opened", t.opened},
                        {"completed_on_time", t.completed_on_time},
                        {"completed_late", t.completed_late},
                        {"open", t.open},
                        {"open_overdue", t.open_overdue},
                        {"cancelled", t.cancelled}});
  }
  json["tasks"] = {{"total", report.tasks_total}, {"by_rule", triggers}};
  json["notifications"] = {
      {"total", report.notifications},           {"critical", report.critical_notifications},
      {"by_kind", report.notifications_by_kind}, {"by_stage", report.notifications_by_stage},
      {"deliveries", report.deliveries},         {"emails_caught", report.emails.size()}};
  nlohmann::json overdue = nlohmann::json::object();
  for (const MonthSnapshot& snapshot : report.replay.months) {
    overdue[Month(snapshot.month)] = snapshot.overdue_by_kind;
  }
  int held = 0;
  for (const auto& [kind, n] : report.replay.sessions_held)
    held += n;
  json["replay"] = {{"simulated_days", report.replay.simulated_days},
                    {"events_published", report.replay.events_published},
                    {"sessions_held", report.replay.sessions_held},
                    {"sessions_held_total", held},
                    {"sessions_missed", report.replay.sessions_missed},
                    {"records_written", report.replay.records_written},
                    {"records_written_on_a_later_day", report.replay.records_written_late_days},
                    {"circulations", report.replay.circulations},
                    {"signatures", report.replay.signatures},
                    {"oversight_decisions", report.replay.oversight_decisions},
                    {"allocations", report.replay.allocations},
                    {"reallocations", report.replay.reallocations},
                    {"items_not_acted_on", report.replay.items_not_acted_on},
                    {"call_failures", report.replay.call_failures},
                    {"first_failures", report.replay.first_failures},
                    {"overdue_at_month_end", overdue}};
  return json.dump(2) + "\n";
}

std::string ReportSummary(const Report& report) {
  std::string out;
  int events = 0;
  for (const auto& [type, n] : report.replay.events_published)
    events += n;
  int held = 0;
  for (const auto& [kind, n] : report.replay.sessions_held)
    held += n;
  absl::StrAppendFormat(&out, "%s, %s to %s (seed %d)\n", report.authority,
                        absl::FormatCivilTime(report.first_day),
                        absl::FormatCivilTime(report.end_day - 1), report.seed);
  absl::StrAppendFormat(&out,
                        "  caseload  %d children open on the first day, %d return events in the "
                        "year; %d staff (%d practitioners) in %d teams\n",
                        report.children_open_on_first_day, report.return_events_in_year,
                        report.staff, report.practitioners, report.teams.size());
  absl::StrAppendFormat(&out,
                        "  events    %d published; %d sessions held, %d missed, %d records written "
                        "(%d on a later day), %d signatures, %d oversight decisions\n",
                        events, held, report.replay.sessions_missed, report.replay.records_written,
                        report.replay.records_written_late_days, report.replay.signatures,
                        report.replay.oversight_decisions);
  absl::StrAppendFormat(&out, "\n  oversight tasks by trigger (%d in all)\n", report.tasks_total);
  absl::StrAppendFormat(&out, "    %-8s %-34s %7s %8s %6s %6s %9s\n", "rule", "trigger", "opened",
                        "on time", "late", "open", "cancelled");
  for (const TriggerFigures& t : report.triggers) {
    absl::StrAppendFormat(&out, "    %-8s %-34s %7d %8d %6d %6d %9d\n", t.rule_id, t.trigger_id,
                          t.opened, t.completed_on_time, t.completed_late, t.open, t.cancelled);
  }
  absl::StrAppendFormat(&out, "\n  reminders and escalations: %d notifications (%d critical)\n",
                        report.notifications, report.critical_notifications);
  for (const auto& [stage, n] : report.notifications_by_stage) {
    absl::StrAppendFormat(&out, "    %-22s %6d\n", stage, n);
  }
  for (const auto& [delivery, n] : report.deliveries) {
    absl::StrAppendFormat(&out, "    sent %-17s %6.0f\n", delivery, n);
  }
  absl::StrAppendFormat(&out, "    emails caught by the SMTP listener: %d\n", report.emails.size());
  absl::StrAppendFormat(&out,
                        "\n  compliance over the period (sessions and case discussions held "
                        "on time; records within deadline)\n");
  absl::StrAppendFormat(&out, "    %-8s %-30s %8s %8s %8s\n", "team", "", "on time", "records",
                        "overdue");
  for (const Team& team : report.teams) {
    auto it = report.team_year.find(team.id);
    if (it == report.team_year.end()) continue;
    absl::StrAppendFormat(&out, "    %-8s %-30s %7.1f%% %7.1f%% %8d\n", team.id, team.name,
                          100 * OnTimeRate(it->second), 100 * RecordsOnTimeRate(it->second),
                          it->second.open_overdue());
  }
  absl::StrAppendFormat(&out, "    %-8s %-30s %7.1f%% %7.1f%% %8d\n", "all", "",
                        100 * OnTimeRate(report.authority_year),
                        100 * RecordsOnTimeRate(report.authority_year),
                        report.authority_year.open_overdue());
  if (!report.replay.call_failures.empty()) {
    absl::StrAppendFormat(&out, "\n  calls the services refused (the replay carried on)\n");
    for (const auto& [call, n] : report.replay.call_failures) {
      absl::StrAppendFormat(&out, "    %-50s %6d\n", call, n);
    }
  }
  return out;
}

}  // namespace oversight::simulator
