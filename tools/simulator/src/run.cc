#include "run.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "html_report.h"
#include "oversight/authorities/authorities.h"
#include "oversight/flags/flags.h"
#include "oversight/kafka/producer.h"
#include "oversight/kafka/watermarks.h"
#include "oversight/policy/pack.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "publisher.h"
#include "settle.h"
#include "year_replay.h"

namespace oversight::simulator {
namespace {

namespace fs = std::filesystem;
namespace sr = statutory_returns;

absl::StatusOr<int> ParseInt(const flags::Flags& flags, const std::string& name, int fallback,
                             int low, int high) {
  auto text = flags.Get(name);
  if (!text.has_value()) return fallback;
  int value = 0;
  if (!absl::SimpleAtoi(*text, &value) || value < low || value > high) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " wants a whole number from ", low,
                                                   " to ", high, ", got ", *text));
  }
  return value;
}

// Keeps the children a seeded draw picks, at most `max` of them (0: all).
void KeepChildren(Caseload& caseload, int max, uint64_t seed) {
  if (max <= 0) return;
  std::vector<std::string> ids;
  for (const CaseState& state : caseload.open_on_first_day)
    ids.push_back(state.child_id);
  for (const cases::v1::CaseEvent& event : caseload.in_year) {
    ids.push_back(sr::EventMetaOf(event)->subject());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (static_cast<int>(ids.size()) <= max) return;
  const Choice choice(seed);
  std::sort(ids.begin(), ids.end(), [&](const std::string& a, const std::string& b) {
    return choice.Uniform("keep:" + a) < choice.Uniform("keep:" + b);
  });
  const std::set<std::string> kept(ids.begin(), ids.begin() + max);
  std::erase_if(caseload.open_on_first_day,
                [&](const CaseState& state) { return !kept.contains(state.child_id); });
  std::erase_if(caseload.in_year, [&](const cases::v1::CaseEvent& event) {
    return !kept.contains(sr::EventMetaOf(event)->subject());
  });
}

// Children whose case opens during the year (they need practitioners too).
int ChildrenOpeningInYear(const Caseload& caseload) {
  std::set<std::string> open;
  for (const CaseState& state : caseload.open_on_first_day)
    open.insert(state.child_id);
  std::map<std::string, CaseState> cases;
  int opening = 0;
  for (const cases::v1::CaseEvent& event : caseload.in_year) {
    const std::string& child = sr::EventMetaOf(event)->subject();
    if (open.contains(child)) continue;
    CaseState& state = cases[child];
    state.child_id = child;
    if (ApplyToCase(event, state) == CaseChange::kOpened) ++opening;
  }
  return opening;
}

// Copies the SMTP listener's messages into the report, waiting until no new one has arrived for
// two seconds (deliveries already due are still leaving notifications' queue).
std::vector<std::string> CollectEmails(const std::string& mail_dir, const std::string& into) {
  std::vector<std::string> names;
  if (mail_dir.empty() || !fs::is_directory(mail_dir)) return names;
  size_t previous = static_cast<size_t>(-1);
  for (int stable = 0, i = 0; stable < 4 && i < 60; ++i) {
    size_t count = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(mail_dir)) {
      count += entry.path().extension() == ".eml" ? 1 : 0;
    }
    stable = count == previous ? stable + 1 : 0;
    previous = count;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  fs::create_directories(into);
  for (const fs::directory_entry& entry : fs::directory_iterator(mail_dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".eml") continue;
    const std::string name = entry.path().filename().string();
    std::error_code error;
    fs::copy_file(entry.path(), fs::path(into) / name, fs::copy_options::overwrite_existing, error);
    if (!error) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  out << text;
  out.close();
  if (out.fail()) return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

}  // namespace

std::string Usage() {
  return "usage: oversight-sim --authority ID --kafka BOOTSTRAP --ports-dir DIR --report DIR\n"
         "         [--cin CIN.xml] [--episodes EPISODES.csv] [--episodes-xml SSDA903.xml]\n"
         "         [--header HEADER.csv] [--jwt-secret S] [--mail-dir DIR] [--year 2025]\n"
         "         [--months 12] [--seed 42] [--children N] [--packs-dir DIR] [--calendar FILE]\n"
         "         [--case-events-topic T] [--workforce-events-topic T]\n"
         "Replays a reporting year (1 April to 31 March) of the authority against the running\n"
         "services (manual clocks, ports files in --ports-dir as written by --ports-file) from "
         "its\n"
         "statutory returns and a simulated workforce, then writes report.json, index.html and\n"
         "summary.txt to --report (with the SMTP listener's mail from --mail-dir in emails/).\n"
         "The JWT secret defaults to $OVERSIGHT_AUTH_JWT_SECRET. Exit 0 done, 1 the run failed,\n"
         "2 usage.\n";
}

absl::StatusOr<RunOptions> ParseCommandLine(const std::vector<std::string>& args) {
  auto flags = flags::Flags::Parse(
      args, {{"authority", "kafka", "ports-dir", "report", "cin", "episodes", "episodes-xml",
              "header", "jwt-secret", "mail-dir", "year", "months", "seed", "children", "packs-dir",
              "calendar", "case-events-topic", "workforce-events-topic"},
             {},
             {}});
  if (!flags.ok()) return flags.status();
  RunOptions options;
  for (auto [name, field] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"authority", &options.authority},
           {"kafka", &options.kafka_bootstrap},
           {"report", &options.report_dir}}) {
    auto value = flags->Require(name);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  auto ports_dir = flags->Require("ports-dir");
  if (!ports_dir.ok()) return ports_dir.status();
  auto endpoints = ReadPortsFiles(*ports_dir);
  if (!endpoints.ok()) return endpoints.status();
  options.endpoints = *std::move(endpoints);
  options.returns.cin_census_xml = flags->Get("cin").value_or("");
  options.returns.ssda903_episodes_csv = flags->Get("episodes").value_or("");
  options.returns.ssda903_episodes_xml = flags->Get("episodes-xml").value_or("");
  options.returns.ssda903_header_csv = flags->Get("header").value_or("");
  if (options.returns.cin_census_xml.empty() && options.returns.ssda903_episodes_csv.empty() &&
      options.returns.ssda903_episodes_xml.empty()) {
    return absl::InvalidArgumentError("give at least one of --cin, --episodes, --episodes-xml");
  }
  const char* secret = std::getenv("OVERSIGHT_AUTH_JWT_SECRET");
  options.jwt_secret = flags->Get("jwt-secret").value_or(secret == nullptr ? "" : secret);
  if (options.jwt_secret.empty()) {
    return absl::InvalidArgumentError("--jwt-secret (or OVERSIGHT_AUTH_JWT_SECRET) is required");
  }
  options.mail_dir = flags->Get("mail-dir").value_or("");
  options.packs_dir = flags->Get("packs-dir").value_or("");
  options.calendar_file = flags->Get("calendar").value_or("");
  options.case_events_topic = flags->Get("case-events-topic").value_or(options.case_events_topic);
  options.workforce_events_topic =
      flags->Get("workforce-events-topic").value_or(options.workforce_events_topic);
  auto year = ParseInt(*flags, "year", options.first_year, 2018, 2029);
  if (!year.ok()) return year.status();
  options.first_year = *year;
  auto months = ParseInt(*flags, "months", options.months, 1, 12);
  if (!months.ok()) return months.status();
  options.months = *months;
  auto seed = ParseInt(*flags, "seed", 42, 0, 1 << 30);
  if (!seed.ok()) return seed.status();
  options.seed = static_cast<uint64_t>(*seed);
  auto children = ParseInt(*flags, "children", 0, 0, 1000000);
  if (!children.ok()) return children.status();
  options.max_children = *children;
  return options;
}

absl::StatusOr<Report> Run(const RunOptions& options, std::ostream& out, std::ostream& progress) {
  auto authorities = authorities::AuthorityRegistry::Load(
      options.packs_dir.empty() ? policy::DefaultPackDir() : options.packs_dir,
      options.calendar_file.empty() ? policy::DefaultCalendarPath() : options.calendar_file,
      {options.authority});
  if (!authorities.ok()) return authorities.status();
  const policy::WorkingCalendar& calendar = *(*authorities)->Find(options.authority)->calendar;

  // The caseload from the returns.
  sr::ImportOptions import;
  import.authority_id = options.authority;
  import.recorded_at = absl::Now();
  import.zone = calendar.zone();
  auto imported = sr::ImportReturnFiles(options.returns, import);
  if (!imported.ok()) return imported.status();
  std::map<std::string, int> issues;
  for (const sr::Issue& issue : imported->issues) {
    ++issues[std::string(sr::SeverityName(issue.severity)) + " " + issue.code];
  }
  const ReplayYear year{options.first_year};
  Caseload caseload = BuildCaseload(std::move(imported->events), year, calendar.zone());
  KeepChildren(caseload, options.max_children, options.seed);

  // The workforce to carry it.
  WorkforceOptions workforce_options;
  workforce_options.seed = options.seed;
  workforce_options.authority = options.authority;
  workforce_options.year = year;
  workforce_options.children =
      static_cast<int>(caseload.open_on_first_day.size()) + ChildrenOpeningInYear(caseload) / 2;
  const Workforce workforce = GenerateWorkforce(workforce_options, calendar);
  out << "oversight-sim: " << caseload.open_on_first_day.size() << " children open on "
      << absl::FormatCivilTime(year.first_day()) << ", " << caseload.in_year.size()
      << " return events in the year; " << workforce.staff.size() << " staff in "
      << workforce.teams.size() << " teams\n";

  // The running system.
  kafka::ProducerConfig producer_config;
  producer_config.client.bootstrap_servers = options.kafka_bootstrap;
  producer_config.client.client_id = "oversight-sim";
  producer_config.client.properties["linger.ms"] = "1";
  auto producer = kafka::Producer::Create(producer_config);
  if (!producer.ok()) return producer.status();
  auto watermarks = kafka::WatermarkReader::Create(producer_config.client);
  if (!watermarks.ok()) return watermarks.status();
  auto clients = Clients::Connect(options.endpoints, options.authority, options.jwt_secret);
  if (!clients.ok()) return clients.status();
  SettleWatch settle(**clients, **watermarks);
  if (auto s = settle.Baseline(); !s.ok()) return s;
  EventPublisher publisher(**producer);

  ReplayOptions replay_options;
  replay_options.authority = options.authority;
  replay_options.seed = options.seed;
  replay_options.months = options.months;
  replay_options.case_events_topic = options.case_events_topic;
  replay_options.workforce_events_topic = options.workforce_events_topic;
  const bool tty = &progress == &std::cerr && isatty(STDERR_FILENO);
  replay_options.progress = [&](const std::string& line) {
    progress << (tty ? "\r  " : "  ") << line << (tty ? "" : "\n") << std::flush;
  };
  YearReplay replay(replay_options, caseload, workforce, workforce_options, calendar, **clients,
                    publisher, settle);
  auto stats = replay.Run();
  if (tty) progress << "\n";
  if (!stats.ok()) return stats.status();

  const absl::Time end = absl::FromCivil(absl::CivilSecond(stats->end_day) - 1, calendar.zone());
  auto report =
      CollectReport(**clients, caseload, workforce, *stats, options.seed, end, calendar.zone());
  if (!report.ok()) return report.status();
  report->import_issues = issues;
  fs::create_directories(options.report_dir);
  report->emails =
      CollectEmails(options.mail_dir, (fs::path(options.report_dir) / "emails").string());
  const std::string summary = ReportSummary(*report);
  for (const auto& [name, text] :
       {std::pair{"report.json", ReportJson(*report)}, std::pair{"index.html", RenderHtml(*report)},
        std::pair{"summary.txt", summary}}) {
    if (auto s = WriteFile(fs::path(options.report_dir) / name, text); !s.ok()) return s;
  }
  out << summary;
  return report;
}

}  // namespace oversight::simulator
