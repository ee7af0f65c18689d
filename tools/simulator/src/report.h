// The year's report, read back from the running system's own APIs once the replay is done:
// compliance per team and month (scheduling GetCompliance), oversight tasks by trigger
// (oversight-triggers ListTasks), reminders and escalations (notifications ListNotifications),
// beside what the replay itself counted. Collecting does the calls; everything else is pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "caseload.h"
#include "clients.h"
#include "oversight/scheduling/v1/scheduling_service.pb.h"
#include "workforce.h"
#include "year_replay.h"

namespace oversight::simulator {

struct TeamMonth {
  std::string team_id;
  absl::CivilMonth month;
  scheduling::v1::ComplianceFigures figures;
};

// Oversight tasks of one trigger rule over the year.
struct TriggerFigures {
  std::string rule_id;
  std::string trigger_id;
  int opened = 0;
  int completed_on_time = 0;
  int completed_late = 0;
  int open = 0;
  int open_overdue = 0;
  int cancelled = 0;
};

struct Report {
  std::string authority;
  ReplayYear year;
  uint64_t seed = 0;
  absl::CivilDay first_day;
  absl::CivilDay end_day;  // exclusive
  // The caseload.
  int children_open_on_first_day = 0;
  int return_events_in_year = 0;
  int return_events_before_year = 0;
  std::map<std::string, int> years_shifted;
  std::map<std::string, int> import_issues;  // "<severity> <code>" -> count
  // The workforce.
  std::vector<Team> teams;
  int staff = 0;
  int practitioners = 0;
  // From the services.
  std::vector<TeamMonth> compliance;  // every team x month, in order
  std::map<std::string, scheduling::v1::ComplianceFigures> team_year;
  scheduling::v1::ComplianceFigures authority_year;
  std::vector<TriggerFigures> triggers;  // natural rule order (D8 before D14.1 before D14.10)
  int tasks_total = 0;
  std::map<std::string, int> notifications_by_kind;  // Notification.kind
  std::map<std::string, int> notifications_by_stage;
  int notifications = 0;
  int critical_notifications = 0;
  std::map<std::string, double> deliveries;  // "<channel> <outcome>" from /metrics
  // Mail the SMTP listener caught (file names under the report's emails/ folder).
  std::vector<std::string> emails;
  // What the replay did.
  ReplayStats replay;
};

// Share of due sessions and case discussions held on time (0 when nothing was due).
double OnTimeRate(const scheduling::v1::ComplianceFigures& figures);
// Share of records written within their deadline (0 when none was due).
double RecordsOnTimeRate(const scheduling::v1::ComplianceFigures& figures);

// Orders rule ids naturally: "D8" < "D14.1" < "D14.10" < "S5" < "S6".
bool RuleIdLess(const std::string& a, const std::string& b);

// Asks the services for the report's figures at `now` (the replay's last simulated instant).
// A failed call fails the collection (the report must agree with the services).
absl::StatusOr<Report> CollectReport(Clients& clients, const Caseload& caseload,
                                     const Workforce& workforce, const ReplayStats& replay,
                                     uint64_t seed, absl::Time now, const absl::TimeZone& zone);

// The report as JSON (report.json): every figure above, months as "YYYY-MM".
std::string ReportJson(const Report& report);

// A plain-text summary for the terminal: events, tasks opened and completed by trigger,
// reminders and escalations sent, compliance per team.
std::string ReportSummary(const Report& report);

}  // namespace oversight::simulator
