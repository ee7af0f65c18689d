#include "run.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>

#include "event_sink.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/statutory_returns/return_files.h"

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

  sr::ReturnFiles files;
  files.cin_census_xml = command.cin_file;
  files.ssda903_episodes_csv = command.episodes_csv_file;
  files.ssda903_episodes_xml = command.episodes_xml_file;
  files.ssda903_header_csv = command.header_file;
  absl::StatusOr<sr::ImportResult> imported = sr::ImportReturnFiles(files, options);
  if (!imported.ok()) {
    err << "oversight-import: unusable input: " << imported.status().message() << '\n';
    return kExitUnusable;
  }
  // One timeline, each child's events in order (ImportReturnFiles sorts them).
  sr::ImportResult& all = *imported;

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
