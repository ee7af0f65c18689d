#include "oversight/statutory_returns/return_files.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/statutory_returns/cin_census.h"
#include "oversight/statutory_returns/ssda903.h"

namespace oversight::statutory_returns {
namespace {

using oversight::cases::v1::CaseEvent;

// Opens `path` for reading or says why not.
absl::StatusOr<std::ifstream> Open(const std::string& path) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  return in;
}

template <typename T>
void MoveAppend(std::vector<T>& from, std::vector<T>& to) {
  std::move(from.begin(), from.end(), std::back_inserter(to));
}

}  // namespace

absl::StatusOr<ImportResult> ImportReturnFiles(const ReturnFiles& files,
                                               const ImportOptions& options) {
  ImportResult all;
  if (!files.cin_census_xml.empty()) {
    absl::StatusOr<std::ifstream> in = Open(files.cin_census_xml);
    if (!in.ok()) return in.status();
    absl::StatusOr<ImportResult> cin = ImportCinCensus(*in, files.cin_census_xml, options);
    if (!cin.ok()) return cin.status();
    MoveAppend(cin->events, all.events);
    MoveAppend(cin->issues, all.issues);
  }
  std::vector<Ssda903Episode> episodes;
  std::optional<Ssda903Header> header;
  if (!files.ssda903_episodes_csv.empty()) {
    absl::StatusOr<std::ifstream> in = Open(files.ssda903_episodes_csv);
    if (!in.ok()) return in.status();
    auto rows = ParseSsda903EpisodesCsv(*in, files.ssda903_episodes_csv, &all.issues);
    if (!rows.ok()) return rows.status();
    MoveAppend(*rows, episodes);
  }
  if (!files.ssda903_header_csv.empty()) {
    absl::StatusOr<std::ifstream> in = Open(files.ssda903_header_csv);
    if (!in.ok()) return in.status();
    auto parsed = ParseSsda903HeaderCsv(*in, files.ssda903_header_csv, &all.issues);
    if (!parsed.ok()) return parsed.status();
    header = std::move(*parsed);
  }
  if (!files.ssda903_episodes_xml.empty()) {
    absl::StatusOr<std::ifstream> in = Open(files.ssda903_episodes_xml);
    if (!in.ok()) return in.status();
    auto xml = ParseSsda903Xml(*in, files.ssda903_episodes_xml, &all.issues);
    if (!xml.ok()) return xml.status();
    MoveAppend(xml->episodes, episodes);
    // The XML export carries its own header: its children count as listed.
    if (!header.has_value()) header.emplace();
    header->child_lines.merge(xml->header.child_lines);
  }
  if (!episodes.empty()) {
    // Without any header (CSV only, no header file) the header check is skipped.
    auto looked_after =
        ImportSsda903Episodes(episodes, header.has_value() ? &*header : nullptr, options);
    if (!looked_after.ok()) return looked_after.status();
    MoveAppend(looked_after->events, all.events);
    MoveAppend(looked_after->issues, all.issues);
  }
  std::stable_sort(
      all.events.begin(), all.events.end(), [](const CaseEvent& a, const CaseEvent& b) {
        return EventMetaOf(a)->occurred_at().seconds() < EventMetaOf(b)->occurred_at().seconds();
      });
  return all;
}

}  // namespace oversight::statutory_returns
