// oversight-sim's one command: import the returns, build the caseload and the workforce, replay
// the year against the running services, collect the report and write it. What main() calls;
// the end-to-end test calls it too, with the endpoints of the services it started.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients.h"
#include "oversight/statutory_returns/return_files.h"
#include "report.h"

namespace oversight::simulator {

struct RunOptions {
  std::string authority;
  statutory_returns::ReturnFiles returns;
  std::string kafka_bootstrap;
  Endpoints endpoints;
  std::string jwt_secret;
  std::string
      report_dir;  // written: report.json, index.html, summary.txt, emails/, import-issues.csv
  std::string mail_dir;       // where the SMTP listener saves messages (*.eml); "" for none
  std::string packs_dir;      // "": the packs shipped with libs/policy
  std::string calendar_file;  // "": the shipped England and Wales calendar
  std::string case_events_topic = "oversight.case-events.v1";
  std::string workforce_events_topic = "oversight.workforce-events.v1";
  int first_year = 2025;  // the reporting year starting 1 April of this year
  int months = 12;
  uint64_t seed = 42;
  int max_children = 0;  // 0: every child of the returns
};

// The usage text of oversight-sim.
std::string Usage();

// Parses argv[1..] (and OVERSIGHT_AUTH_JWT_SECRET when --jwt-secret is absent). INVALID_ARGUMENT
// naming the flag for anything wrong.
absl::StatusOr<RunOptions> ParseCommandLine(const std::vector<std::string>& args);

// Runs the replay and writes the report. Progress lines go to `progress` (one per simulated
// day), the summary to `out`. Returns the report, or the first error that stopped the run.
absl::StatusOr<Report> Run(const RunOptions& options, std::ostream& out, std::ostream& progress);

}  // namespace oversight::simulator
