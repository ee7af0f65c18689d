#include "run.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>

#include "event_sink.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/statutory_returns/cin_census.h"
#include "oversight/statutory_returns/ssda903.h"

namespace oversight::importer {
namespace {

namespace sr = oversight::statutory_returns;
using oversight::cases::v1::CaseEvent;

// CSV field, quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

void WriteIssue(std::ostream& err, const sr::Issue& issue) {
  err << issue.file << ':' << issue.line << ": " << sr::SeverityName(issue.severity) << " ["
      << issue.code << "] child " << (issue.child_id.empty() ? "?" : issue.child_id) << ": "
      << issue.reason << '\n';
}

bool WriteIssuesCsv(const std::string& path, const std::vector<sr::Issue>& issues) {
  std::ofstream csv(path, std::ios::out | std::ios::trunc);
  csv << "file,line,child_id,severity,code,reason\n";
  for (const sr::Issue& issue : issues) {
    csv << CsvField(issue.file) << ',' << issue.line << ',' << CsvField(issue.child_id) << ','
        << sr::SeverityName(issue.severity) << ',' << issue.code << ',' << CsvField(issue.reason)
        << '\n';
  }
  csv.close();
  return !csv.fail();
}

// Opens `path` for reading or says why not.
absl::StatusOr<std::ifstream> Open(const std::string& path) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  return in;
}

// Reads every input named in `command` into `all`. Fails only on unusable input.
absl::Status ReadInputs(const CommandLine& command, const sr::ImportOptions& options,
                        sr::ImportResult& all) {
  if (!command.cin_file.empty()) {
    absl::StatusOr<std::ifstream> in = Open(command.cin_file);
    if (!in.ok()) return in.status();
    absl::StatusOr<sr::ImportResult> cin = sr::ImportCinCensus(*in, command.cin_file, options);
    if (!cin.ok()) return cin.status();
    std::move(cin->events.begin(), cin->events.end(), std::back_inserter(all.events));
    std::move(cin->issues.begin(), cin->issues.end(), std::back_inserter(all.issues));
  }
  std::vector<sr::Ssda903Episode> episodes;
  std::optional<sr::Ssda903Header> header;
  if (!command.episodes_csv_file.empty()) {
    absl::StatusOr<std::ifstream> in = Open(command.episodes_csv_file);
    if (!in.ok()) return in.status();
    auto rows = sr::ParseSsda903EpisodesCsv(*in, command.episodes_csv_file, &all.issues);
    if (!rows.ok()) return rows.status();
    std::move(rows->begin(), rows->end(), std::back_inserter(episodes));
  }
  if (!command.header_file.empty()) {
    absl::StatusOr<std::ifstream> in = Open(command.header_file);
    if (!in.ok()) return in.status();
    auto parsed = sr::ParseSsda903HeaderCsv(*in, command.header_file, &all.issues);
    if (!parsed.ok()) return parsed.status();
    header = std::move(*parsed);
  }
  if (!command.episodes_xml_file.empty()) {
    absl::StatusOr<std::ifstream> in = Open(command.episodes_xml_file);
    if (!in.ok()) return in.status();
    auto xml = sr::ParseSsda903Xml(*in, command.episodes_xml_file, &all.issues);
    if (!xml.ok()) return xml.status();
    std::move(xml->episodes.begin(), xml->episodes.end(), std::back_inserter(episodes));
    // The XML export carries its own header: its children count as listed.
    if (!header.has_value()) header.emplace();
    header->child_lines.merge(xml->header.child_lines);
  }
  if (!episodes.empty()) {
    // Without any header (CSV only, no --header) the header check is skipped.
    auto looked_after =
        sr::ImportSsda903Episodes(episodes, header.has_value() ? &*header : nullptr, options);
    if (!looked_after.ok()) return looked_after.status();
    std::move(looked_after->events.begin(), looked_after->events.end(),
              std::back_inserter(all.events));
    std::move(looked_after->issues.begin(), looked_after->issues.end(),
              std::back_inserter(all.issues));
  }
  return absl::OkStatus();
}

}  // namespace

int Run(const CommandLine& command, absl::Time now, std::ostream& out, std::ostream& err) {
  sr::ImportOptions options;
  options.authority_id = command.authority_id;
  options.recorded_at = command.recorded_at.value_or(now);
  options.as_of = command.as_of;
  if (!absl::LoadTimeZone("Europe/London", &options.zone)) {
    err << "oversight-import: cannot load time zone Europe/London (install tzdata)\n";
    return kExitUnusable;
  }

  sr::ImportResult all;
  if (absl::Status read = ReadInputs(command, options, all); !read.ok()) {
    err << "oversight-import: unusable input: " << read.message() << '\n';
    return kExitUnusable;
  }
  // One timeline: each child's events stay in order (the sort is stable).
  std::stable_sort(all.events.begin(), all.events.end(),
                   [](const CaseEvent& a, const CaseEvent& b) {
                     return sr::EventMetaOf(a)->occurred_at().seconds() <
                            sr::EventMetaOf(b)->occurred_at().seconds();
                   });

  absl::StatusOr<std::unique_ptr<EventSink>> sink =
      command.out_file.empty() ? OpenKafkaSink(command.kafka_bootstrap, command.topic)
                               : OpenJsonLinesSink(command.out_file);
  if (!sink.ok()) {
    err << "oversight-import: " << sink.status().message() << '\n';
    return kExitUnusable;
  }
  for (const CaseEvent& event : all.events) {
    if (absl::Status written = (*sink)->Write(event); !written.ok()) {
      err << "oversight-import: writing events failed: " << written.message() << '\n';
      return kExitUnusable;
    }
  }
  if (absl::Status closed = (*sink)->Close(); !closed.ok()) {
    err << "oversight-import: " << closed.message() << '\n';
    return kExitUnusable;
  }

  if (command.issues_file.empty()) {
    for (const sr::Issue& issue : all.issues)
      WriteIssue(err, issue);
  } else if (!WriteIssuesCsv(command.issues_file, all.issues)) {
    err << "oversight-import: cannot write " << command.issues_file << '\n';
    return kExitUnusable;
  }

  out << "imported " << all.events.size() << " events for authority " << command.authority_id
      << " to " << (command.out_file.empty() ? "kafka topic " + command.topic : command.out_file)
      << '\n';
  for (const auto& [type, count] : sr::CountByType(all.events)) {
    out << "  " << type << ' ' << count << '\n';
  }
  std::map<std::string, int> by_code;
  int errors = 0;
  for (const sr::Issue& issue : all.issues) {
    ++by_code[std::string(sr::SeverityName(issue.severity)) + " " + issue.code];
    if (issue.severity == sr::Severity::kError) ++errors;
  }
  out << "issues " << all.issues.size() << " (" << errors << " errors: not imported, "
      << all.issues.size() - errors << " warnings: imported)"
      << (command.issues_file.empty() ? "" : " written to " + command.issues_file) << '\n';
  for (const auto& [code, count] : by_code)
    out << "  " << code << ' ' << count << '\n';
  return kExitImported;
}

}  // namespace oversight::importer
