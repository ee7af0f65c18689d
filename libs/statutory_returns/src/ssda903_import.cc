// SSDA903 episodes -> case events. Mapping and checks: see README.md.
#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "cat.h"
#include "civil_date.h"
#include "event_factory.h"
#include "oversight/statutory_returns/ssda903.h"
#include "ssda903_codes.h"

namespace oversight::statutory_returns {
namespace {

using internal::EventFactory;
using internal::FormatDay;
using internal::ParseUkDay;
using oversight::cases::v1::CaseEvent;

// An episode that passed the row checks, with its dates parsed and its effective end.
struct ValidEpisode {
  const Ssda903Episode* row;
  absl::CivilDay start;
  // The end date when it is known and usable (empty: still open, or treated as open).
  std::optional<absl::CivilDay> end;
  // REC when `end` is set and REC was given; empty otherwise.
  std::string rec;

  // The child stopped being looked after at the end of this episode.
  bool Ceased() const { return end.has_value() && !rec.empty() && rec != "X1"; }
};

class ChildMapper {
 public:
  ChildMapper(std::string child_id, absl::CivilDay as_of, const EventFactory& factory,
              std::vector<Issue>& issues)
      : child_id_(std::move(child_id)), as_of_(as_of), factory_(factory), issues_(issues) {}

  // Row checks; returns the episode when it can be imported.
  std::optional<ValidEpisode> Check(const Ssda903Episode& row);
  // Sequence checks and mapping of the child's valid episodes (sorted here).
  std::vector<CaseEvent> Map(std::vector<ValidEpisode> episodes);

 private:
  void Report(const Ssda903Episode& row, Severity severity, std::string code, std::string reason) {
    issues_.push_back(
        Issue{row.file, row.line, child_id_, severity, std::move(code), std::move(reason)});
  }
  oversight::common::v1::PlacementFlags Flags(const Ssda903Episode& row) const {
    oversight::common::v1::PlacementFlags flags;
    flags.set_placed_with_parents(internal::IsPlacedWithParents(row.place));
    flags.set_long_term_matched(internal::IsLongTermFostering(row.place));
    return flags;
  }
  void MapStart(const ValidEpisode& episode, bool care_period_start, const std::string& previous_ls,
                std::vector<CaseEvent>& events);
  void MapEnd(const ValidEpisode& episode, std::vector<CaseEvent>& events);

  std::string child_id_;
  absl::CivilDay as_of_;
  const EventFactory& factory_;
  std::vector<Issue>& issues_;
};

std::optional<ValidEpisode> ChildMapper::Check(const Ssda903Episode& row) {
  constexpr std::string_view kSkipped = "the episode is not imported";
  for (auto [name, value] : {std::pair<std::string_view, const std::string*>{"DECOM", &row.decom},
                             {"RNE", &row.rne},
                             {"LS", &row.ls},
                             {"PLACE", &row.place}}) {
    if (value->empty()) {
      Report(row, Severity::kError, "missing_field", internal::Cat(name, " is empty; ", kSkipped));
      return std::nullopt;
    }
  }
  std::optional<absl::CivilDay> start = ParseUkDay(row.decom);
  if (!start.has_value()) {
    Report(row, Severity::kError, "bad_date",
           internal::Cat("DECOM '", row.decom, "' is not a date (dd/mm/yyyy); ", kSkipped));
    return std::nullopt;
  }
  std::optional<absl::CivilDay> end;
  if (!row.dec.empty()) {
    end = ParseUkDay(row.dec);
    if (!end.has_value()) {
      Report(row, Severity::kError, "bad_date",
             internal::Cat("DEC '", row.dec, "' is not a date (dd/mm/yyyy); ", kSkipped));
      return std::nullopt;
    }
  }
  struct CodeCheck {
    std::string_view name;
    const std::string& value;
    bool (*valid)(std::string_view);
  };
  for (const CodeCheck& check : {CodeCheck{"RNE", row.rne, internal::IsReasonForNewEpisode},
                                 CodeCheck{"LS", row.ls, internal::IsLegalStatus},
                                 CodeCheck{"PLACE", row.place, internal::IsPlacementType},
                                 CodeCheck{"REC", row.rec, internal::IsReasonEpisodeCeased}}) {
    if (!check.value.empty() && !check.valid(check.value)) {
      Report(row, Severity::kError, "unknown_code",
             internal::Cat(check.name, " '", check.value, "' is not an SSDA903 code; ", kSkipped));
      return std::nullopt;
    }
  }
  if (end.has_value() && *end < *start) {
    Report(row, Severity::kError, "end_before_start",
           internal::Cat("DEC ", row.dec, " is before DECOM ", row.decom, "; ", kSkipped));
    return std::nullopt;
  }
  if (*start > as_of_) {
    Report(row, Severity::kError, "date_after_as_of",
           internal::Cat("DECOM ", row.decom, " is after the as-of date ", FormatDay(as_of_), "; ",
                         kSkipped));
    return std::nullopt;
  }

  ValidEpisode episode{&row, *start, end, row.rec};
  if (end.has_value() && *end > as_of_) {
    Report(row, Severity::kWarning, "date_after_as_of",
           internal::Cat("DEC ", row.dec, " is after the as-of date ", FormatDay(as_of_),
                         "; the episode is imported as still open"));
    episode.end.reset();
    episode.rec.clear();
  } else if (end.has_value() && row.rec.empty()) {
    Report(row, Severity::kWarning, "dec_without_rec",
           internal::Cat("DEC ", row.dec,
                         " is given without REC; the end of the episode is not imported"));
  } else if (!end.has_value() && !row.rec.empty()) {
    Report(row, Severity::kWarning, "rec_without_dec",
           internal::Cat("REC ", row.rec,
                         " is given without DEC; REC is ignored and the episode is still open"));
    episode.rec.clear();
  }
  return episode;
}

void ChildMapper::MapStart(const ValidEpisode& episode, bool care_period_start,
                           const std::string& previous_ls, std::vector<CaseEvent>& events) {
  const Ssda903Episode& row = *episode.row;
  const std::string key = internal::Cat(FormatDay(episode.start), "/start");
  const std::string& rne = row.rne;
  if (rne == "S") {
    auto* entered =
        factory_.Add(events, &CaseEvent::mutable_child_entered_care, child_id_, episode.start, key);
    entered->set_legal_status(row.ls);
    entered->set_placement_type(row.place);
    *entered->mutable_placement() = Flags(row);
    return;
  }
  if (care_period_start) {
    // The child is looked after from here, but the file does not show them entering care.
    factory_.Add(events, &CaseEvent::mutable_case_type_changed, child_id_, episode.start, key)
        ->set_case_type(oversight::common::v1::CASE_TYPE_CHILD_LOOKED_AFTER);
  }
  if (rne == "L" || rne == "B" || rne == "U") {
    auto* legal = factory_.Add(events, &CaseEvent::mutable_legal_status_changed, child_id_,
                               episode.start, key);
    legal->set_legal_status(row.ls);
    legal->set_previous_legal_status(previous_ls);
  }
  if (rne == "P" || rne == "T" || rne == "B" || rne == "U") {
    auto* placement =
        factory_.Add(events, &CaseEvent::mutable_placement_changed, child_id_, episode.start, key);
    placement->set_placement_type(row.place);
    *placement->mutable_placement() = Flags(row);
    placement->set_reason_code(row.reason_place_change);
    placement->set_carer_changed(rne == "P" || rne == "B");
  }
}

void ChildMapper::MapEnd(const ValidEpisode& episode, std::vector<CaseEvent>& events) {
  if (!episode.Ceased()) return;
  const std::string key = internal::Cat(FormatDay(episode.start), "/end");
  if (internal::IsReturnedHome(episode.rec)) {
    factory_.Add(events, &CaseEvent::mutable_child_returned_home, child_id_, *episode.end, key)
        ->set_reason_code(episode.rec);
  } else {
    factory_.Add(events, &CaseEvent::mutable_child_left_care, child_id_, *episode.end, key)
        ->set_reason_code(episode.rec);
  }
}

std::vector<CaseEvent> ChildMapper::Map(std::vector<ValidEpisode> episodes) {
  std::stable_sort(episodes.begin(), episodes.end(),
                   [](const ValidEpisode& a, const ValidEpisode& b) { return a.start < b.start; });
  std::vector<CaseEvent> events;
  const ValidEpisode* previous = nullptr;
  for (const ValidEpisode& episode : episodes) {
    const Ssda903Episode& row = *episode.row;
    const bool care_period_start = previous == nullptr || previous->Ceased();
    if (previous != nullptr) {
      const Ssda903Episode& prev = *previous->row;
      if (!previous->end.has_value()) {
        Report(
            row, Severity::kWarning, "overlapping_episodes",
            internal::Cat("DECOM ", row.decom, " while the episode at ", prev.file, ":", prev.line,
                          " (DECOM ", prev.decom, ") has no end; imported as recorded"));
      } else if (*previous->end > episode.start) {
        Report(row, Severity::kWarning, "overlapping_episodes",
               internal::Cat("DECOM ", row.decom, " is before the end (DEC ", prev.dec,
                             ") of the episode at ", prev.file, ":", prev.line,
                             "; imported as recorded"));
      } else if (previous->rec == "X1" && *previous->end != episode.start) {
        Report(prev, Severity::kWarning, "x1_without_next",
               internal::Cat("REC X1 says a new episode starts on DEC ", prev.dec,
                             ", but the next episode starts on ", row.decom,
                             "; imported as recorded"));
      }
    }
    if (row.rne == "S" && !care_period_start) {
      Report(row, Severity::kWarning, "s_while_looked_after",
             internal::Cat("RNE S but the previous episode (", previous->row->file, ":",
                           previous->row->line,
                           ") did not end the period of care; imported as entering care"));
    } else if (row.rne != "S" && care_period_start) {
      Report(row, Severity::kWarning,
             previous == nullptr ? "first_episode_not_s" : "not_s_after_ceased",
             internal::Cat("RNE ", row.rne,
                           previous == nullptr
                               ? " on the child's first episode: entering care is not in the file"
                               : " after the child ceased to be looked after",
                           "; imported with CaseTypeChanged(CHILD_LOOKED_AFTER) on DECOM ",
                           row.decom));
    }
    const std::string previous_ls =
        previous != nullptr && !care_period_start ? previous->row->ls : std::string();
    MapStart(episode, care_period_start, previous_ls, events);
    MapEnd(episode, events);
    previous = &episode;
  }
  if (previous != nullptr && previous->rec == "X1") {
    Report(*previous->row, Severity::kWarning, "x1_without_next",
           internal::Cat("REC X1 says a new episode starts on DEC ", previous->row->dec,
                         ", but there is no later episode; imported as recorded"));
  }
  internal::SortChronologically(events);
  return events;
}

}  // namespace

absl::StatusOr<ImportResult> ImportSsda903Episodes(const std::vector<Ssda903Episode>& episodes,
                                                   const Ssda903Header* header,
                                                   const ImportOptions& options) {
  if (options.authority_id.empty()) {
    return absl::InvalidArgumentError("ImportSsda903Episodes: authority_id is empty");
  }
  const absl::CivilDay as_of =
      options.as_of.value_or(absl::ToCivilDay(options.recorded_at, options.zone));
  ImportResult result;
  EventFactory factory(options, kSsda903Source, "ssda903");

  // Children in order of first appearance; each child's rows in file order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Ssda903Episode*>> by_child;
  for (const Ssda903Episode& row : episodes) {
    if (row.child.empty()) {
      result.issues.push_back(Issue{row.file, row.line, "", Severity::kError, "missing_child_id",
                                    "CHILD is empty; the episode is not imported"});
      continue;
    }
    auto [it, inserted] = by_child.try_emplace(row.child);
    if (inserted) order.push_back(row.child);
    it->second.push_back(&row);
  }

  for (const std::string& child : order) {
    const std::vector<const Ssda903Episode*>& rows = by_child[child];
    ChildMapper mapper(child, as_of, factory, result.issues);
    if (header != nullptr && !header->child_lines.contains(child)) {
      result.issues.push_back(Issue{rows.front()->file, rows.front()->line, child,
                                    Severity::kWarning, "child_not_in_header",
                                    "CHILD is not in the header file; episodes are imported"});
    }
    std::vector<ValidEpisode> valid;
    std::map<absl::CivilDay, const Ssda903Episode*> starts;
    for (const Ssda903Episode* row : rows) {
      std::optional<ValidEpisode> episode = mapper.Check(*row);
      if (!episode.has_value()) continue;
      if (auto [it, inserted] = starts.emplace(episode->start, row); !inserted) {
        result.issues.push_back(
            Issue{row->file, row->line, child, Severity::kError, "duplicate",
                  internal::Cat("another episode of this child starts on DECOM ", row->decom, " (",
                                it->second->file, ":", it->second->line,
                                "); the episode is not imported")});
        continue;
      }
      valid.push_back(*episode);
    }
    for (CaseEvent& event : mapper.Map(std::move(valid)))
      result.events.push_back(std::move(event));
  }
  std::stable_sort(result.issues.begin(), result.issues.end(), [](const Issue& a, const Issue& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  return result;
}

}  // namespace oversight::statutory_returns
