// SSDA903 episodes and header: CSV and element-per-column XML -> Ssda903Episode rows.
#include <map>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "cat.h"
#include "csv_reader.h"
#include "google/protobuf/stubs/common.h"
#include "oversight/statutory_returns/ssda903.h"
#include "xml_tree.h"

namespace oversight::statutory_returns {
namespace {

using internal::CsvReader;
using internal::CsvRecord;
using internal::XmlElement;

// Where each column's value goes in an Ssda903Episode.
struct Column {
  std::string_view name;
  std::string Ssda903Episode::*field;
  bool required;
};

constexpr Column kColumns[] = {
    {"CHILD", &Ssda903Episode::child, true},
    {"DECOM", &Ssda903Episode::decom, true},
    {"RNE", &Ssda903Episode::rne, true},
    {"LS", &Ssda903Episode::ls, true},
    {"CIN", &Ssda903Episode::cin, false},
    {"PLACE", &Ssda903Episode::place, true},
    {"PLACE_PROVIDER", &Ssda903Episode::place_provider, false},
    {"DEC", &Ssda903Episode::dec, true},
    {"REC", &Ssda903Episode::rec, true},
    {"REASON_PLACE_CHANGE", &Ssda903Episode::reason_place_change, false},
};

// Whether protobuf accepts `text` in a string field: proto3 strings must be UTF-8, and a consumer
// refuses to decode an event holding anything else. Protobuf's own check, so the two agree.
bool IsUtf8(const std::string& text) {
  return google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                             static_cast<int>(text.size()));
}

// Column name (upper case) -> index, from a CSV header record.
std::map<std::string, size_t> IndexColumns(const CsvRecord& header) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    index.emplace(absl::AsciiStrToUpper(header.fields[i]), i);
  }
  return index;
}

}  // namespace

absl::StatusOr<std::vector<Ssda903Episode>> ParseSsda903EpisodesCsv(std::istream& in,
                                                                    std::string_view file_name,
                                                                    std::vector<Issue>* issues) {
  CsvReader reader(in);
  CsvRecord header;
  if (!reader.Next(&header)) {
    return absl::InvalidArgumentError(internal::Cat(file_name, ": empty file, no header row"));
  }
  const std::map<std::string, size_t> index = IndexColumns(header);
  std::vector<std::string> missing;
  for (const Column& column : kColumns) {
    if (column.required && !index.contains(std::string(column.name))) {
      missing.push_back(std::string(column.name));
    }
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(internal::Cat(file_name, ":", header.line,
                                                    ": not an SSDA903 episodes header, missing ",
                                                    absl::StrJoin(missing, ", ")));
  }

  std::vector<Ssda903Episode> episodes;
  CsvRecord record;
  while (reader.Next(&record)) {
    if (record.fields.size() != header.fields.size() || record.unterminated_quote) {
      issues->push_back(Issue{
          std::string(file_name), record.line, record.fields.empty() ? "" : record.fields[0],
          Severity::kError, "malformed_row",
          record.unterminated_quote
              ? std::string("a quoted field is never closed; the row is not imported")
              : internal::Cat("the row has ", record.fields.size(), " fields, the header has ",
                              header.fields.size(), "; the row is not imported")});
      continue;
    }
    // Text that is not UTF-8 (a file saved as Windows-1252, say) would make events that no
    // consumer can decode; only the columns read are checked.
    const Column* not_utf8 = nullptr;
    for (const Column& column : kColumns) {
      auto it = index.find(std::string(column.name));
      if (it != index.end() && !IsUtf8(record.fields[it->second])) {
        not_utf8 = &column;
        break;
      }
    }
    if (not_utf8 != nullptr) {
      const std::string& child = record.fields[index.at("CHILD")];
      issues->push_back(Issue{std::string(file_name), record.line, IsUtf8(child) ? child : "",
                              Severity::kError, "not_utf8",
                              internal::Cat(not_utf8->name,
                                            " is not UTF-8 text (save the file as UTF-8); the row "
                                            "is not imported")});
      continue;
    }
    Ssda903Episode& episode = episodes.emplace_back();
    episode.file = std::string(file_name);
    episode.line = record.line;
    for (const Column& column : kColumns) {
      auto it = index.find(std::string(column.name));
      if (it != index.end()) episode.*column.field = record.fields[it->second];
    }
  }
  return episodes;
}

absl::StatusOr<Ssda903Header> ParseSsda903HeaderCsv(std::istream& in, std::string_view file_name,
                                                    std::vector<Issue>* issues) {
  CsvReader reader(in);
  CsvRecord header;
  if (!reader.Next(&header)) {
    return absl::InvalidArgumentError(internal::Cat(file_name, ": empty file, no header row"));
  }
  const std::map<std::string, size_t> index = IndexColumns(header);
  auto child_column = index.find("CHILD");
  if (child_column == index.end()) {
    return absl::InvalidArgumentError(internal::Cat(
        file_name, ":", header.line, ": not an SSDA903 header file, no CHILD column"));
  }
  Ssda903Header out;
  CsvRecord record;
  while (reader.Next(&record)) {
    if (record.fields.size() != header.fields.size() || record.unterminated_quote) {
      issues->push_back(Issue{std::string(file_name), record.line,
                              record.fields.empty() ? "" : record.fields[0], Severity::kError,
                              "malformed_row", "the header row does not match the column count"});
      continue;
    }
    const std::string& child = record.fields[child_column->second];
    if (child.empty()) {
      issues->push_back(Issue{std::string(file_name), record.line, "", Severity::kError,
                              "missing_child_id", "CHILD is empty; the row is ignored"});
      continue;
    }
    if (!IsUtf8(child)) {
      issues->push_back(Issue{std::string(file_name), record.line, "", Severity::kError, "not_utf8",
                              "CHILD is not UTF-8 text (save the file as UTF-8); the row is "
                              "ignored"});
      continue;
    }
    if (auto [it, inserted] = out.child_lines.emplace(child, record.line); !inserted) {
      issues->push_back(Issue{std::string(file_name), record.line, child, Severity::kWarning,
                              "duplicate",
                              internal::Cat("CHILD ", child, " is already listed at line ",
                                            it->second, "; this row is ignored")});
    }
  }
  return out;
}

absl::StatusOr<Ssda903XmlExport> ParseSsda903Xml(std::istream& in, std::string_view file_name,
                                                 std::vector<Issue>* issues) {
  absl::StatusOr<XmlElement> root = internal::ParseXml(in, file_name);
  if (!root.ok()) return root.status();
  if (root->name != "Message") {
    return absl::InvalidArgumentError(internal::Cat(
        file_name, ":", root->line, ": root element is <", root->name, ">, expected <Message>"));
  }
  Ssda903XmlExport out;
  const XmlElement* children = root->Child("Children");
  if (children == nullptr) return out;
  for (const XmlElement* child : children->Children("Child")) {
    std::string child_id;
    if (const XmlElement* header = child->Child("Header"); header != nullptr) {
      if (const XmlElement* id = header->Child("CHILD"); id != nullptr && !id->text.empty()) {
        child_id = id->text;
        if (auto [it, inserted] = out.header.child_lines.emplace(child_id, id->line); !inserted) {
          issues->push_back(
              Issue{std::string(file_name), id->line, child_id, Severity::kWarning, "duplicate",
                    internal::Cat("CHILD ", child_id, " already has a Header at line ", it->second,
                                  "; episodes are still imported")});
        }
      }
    }
    const XmlElement* episodes = child->Child("Episodes");
    if (episodes == nullptr) continue;
    for (const XmlElement* element : episodes->Children("Episode")) {
      Ssda903Episode& episode = out.episodes.emplace_back();
      episode.file = std::string(file_name);
      episode.line = element->line;
      for (const Column& column : kColumns) {
        episode.*column.field = std::string(element->ChildText(column.name));
      }
      if (episode.child.empty()) episode.child = child_id;
    }
  }
  return out;
}

}  // namespace oversight::statutory_returns
