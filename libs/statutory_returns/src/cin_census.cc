// CIN census XML -> case events. Mapping and checks: see README.md.
#include "oversight/statutory_returns/cin_census.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "cat.h"
#include "civil_date.h"
#include "event_factory.h"
#include "xml_tree.h"

namespace oversight::statutory_returns {
namespace {

using internal::EventFactory;
using internal::FormatDay;
using internal::ParseIsoDay;
using internal::XmlElement;
using oversight::cases::v1::AssessmentKind;
using oversight::cases::v1::CaseEvent;
using oversight::cases::v1::PlanKind;
using oversight::common::v1::CaseType;

// Everything one child's mapping needs; issues and events are appended.
struct ChildContext {
  std::string_view file;
  std::string child_id;
  absl::CivilDay as_of;
  const EventFactory* factory;
  std::vector<CaseEvent>* events;
  std::vector<Issue>* issues;
  // Natural keys used so far for this child: repeated keys get an ordinal suffix.
  std::map<std::string, int> keys;

  void Report(int line, Severity severity, std::string code, std::string reason) {
    issues->push_back(
        Issue{std::string(file), line, child_id, severity, std::move(code), std::move(reason)});
  }

  // Natural key of a dated element within a referral: "<referral>/<Element>=<date>[#n]".
  std::string Key(absl::CivilDay referral, std::string_view element, absl::CivilDay day) {
    std::string key = internal::Cat(FormatDay(referral), "/", element, "=", FormatDay(day));
    const int n = ++keys[key];
    if (n > 1) key += internal::Cat("#", n);
    return key;
  }
};

// A date element as read: absent, present but unusable (reported, `day` empty), or usable.
struct DateElement {
  const XmlElement* element = nullptr;
  std::optional<absl::CivilDay> day;
  int line(int fallback) const { return element != nullptr ? element->line : fallback; }
};

// Reads the optional date child `name` of `parent`. An unparseable date or one after as-of is
// reported as an error (with `consequence`, saying what is not imported) and yields no day.
DateElement ReadDate(ChildContext& ctx, const XmlElement& parent, std::string_view name,
                     std::string_view consequence) {
  DateElement out;
  out.element = parent.Child(name);
  if (out.element == nullptr || out.element->text.empty()) {
    out.element = nullptr;
    return out;
  }
  std::optional<absl::CivilDay> day = ParseIsoDay(out.element->text);
  if (!day.has_value()) {
    ctx.Report(out.element->line, Severity::kError, "bad_date",
               internal::Cat(name, " '", out.element->text, "' is not a date (yyyy-mm-dd); ",
                             consequence));
    return out;
  }
  if (*day > ctx.as_of) {
    ctx.Report(out.element->line, Severity::kError, "date_after_as_of",
               internal::Cat(name, " ", FormatDay(*day), " is after the as-of date ",
                             FormatDay(ctx.as_of), "; ", consequence));
    return out;
  }
  out.day = day;
  return out;
}

// Reports `end` when it is before `start`; returns whether `end` may be imported.
bool EndNotBeforeStart(ChildContext& ctx, const DateElement& end, std::string_view end_name,
                       absl::CivilDay start, std::string_view start_name,
                       std::string_view consequence) {
  if (!end.day.has_value()) return false;
  if (*end.day >= start) return true;
  ctx.Report(end.element->line, Severity::kError, "end_before_start",
             internal::Cat(end_name, " ", FormatDay(*end.day), " is before ", start_name, " ",
                           FormatDay(start), "; ", consequence));
  return false;
}

// Reports `start` when it is before the referral; returns whether it may be imported.
bool NotBeforeReferral(ChildContext& ctx, const DateElement& start, std::string_view name,
                       absl::CivilDay referral, std::string_view consequence) {
  if (!start.day.has_value()) return false;
  if (*start.day >= referral) return true;
  ctx.Report(start.element->line, Severity::kError, "before_referral",
             internal::Cat(name, " ", FormatDay(*start.day), " is before CINreferralDate ",
                           FormatDay(referral), "; ", consequence));
  return false;
}

void MapAssessments(ChildContext& ctx, const XmlElement& details, absl::CivilDay referral,
                    std::string_view element_name, std::string_view start_name,
                    AssessmentKind kind) {
  for (const XmlElement* assessment : details.Children(element_name)) {
    DateElement start = ReadDate(ctx, *assessment, start_name, "the assessment is not imported");
    const bool start_ok =
        NotBeforeReferral(ctx, start, start_name, referral, "the assessment is not imported");
    std::string assessment_id;
    if (start_ok) {
      const std::string key = ctx.Key(referral, start_name, *start.day);
      assessment_id = internal::Cat(ctx.child_id, "/", key);
      auto* event = ctx.factory->Add(*ctx.events, &CaseEvent::mutable_assessment_started,
                                     ctx.child_id, *start.day, key);
      event->set_kind(kind);
      event->set_assessment_id(assessment_id);
    } else if (start.element == nullptr) {
      ctx.Report(
          assessment->line, Severity::kError, "missing_date",
          internal::Cat(element_name, " has no ", start_name, "; the assessment is not imported"));
    }
    if (kind != oversight::cases::v1::ASSESSMENT_KIND_CHILD_AND_FAMILY) continue;
    DateElement done =
        ReadDate(ctx, *assessment, "AssessmentAuthorisationDate", "its completion is not imported");
    if (!done.day.has_value()) continue;
    if (!start_ok) {
      ctx.Report(done.element->line, Severity::kError, "end_without_start",
                 "AssessmentAuthorisationDate of an assessment whose start was not imported; its "
                 "completion is not imported");
      continue;
    }
    if (!EndNotBeforeStart(ctx, done, "AssessmentAuthorisationDate", *start.day, start_name,
                           "its completion is not imported")) {
      continue;
    }
    auto* event =
        ctx.factory->Add(*ctx.events, &CaseEvent::mutable_assessment_completed, ctx.child_id,
                         *done.day, ctx.Key(referral, "AssessmentAuthorisationDate", *done.day));
    event->set_kind(kind);
    event->set_assessment_id(assessment_id);
    *event->mutable_authorised_at() = ctx.factory->Midnight(*done.day);
  }
}

void MapPlans(ChildContext& ctx, const XmlElement& details, absl::CivilDay referral,
              std::string_view element_name, std::string_view start_name, std::string_view end_name,
              PlanKind plan, CaseType case_type) {
  for (const XmlElement* element : details.Children(element_name)) {
    DateElement start = ReadDate(ctx, *element, start_name, "the plan is not imported");
    const bool start_ok =
        NotBeforeReferral(ctx, start, start_name, referral, "the plan is not imported");
    if (start_ok) {
      const std::string key = ctx.Key(referral, start_name, *start.day);
      ctx.factory->Add(*ctx.events, &CaseEvent::mutable_plan_started, ctx.child_id, *start.day, key)
          ->set_plan(plan);
      auto* type_changed = ctx.factory->Add(*ctx.events, &CaseEvent::mutable_case_type_changed,
                                            ctx.child_id, *start.day, key);
      type_changed->set_case_type(case_type);
    } else if (start.element == nullptr) {
      ctx.Report(element->line, Severity::kError, "missing_date",
                 internal::Cat(element_name, " has no ", start_name, "; the plan is not imported"));
    }
    DateElement end = ReadDate(ctx, *element, end_name, "its end is not imported");
    if (!end.day.has_value()) continue;
    if (!start_ok) {
      ctx.Report(end.element->line, Severity::kError, "end_without_start",
                 internal::Cat(end_name,
                               " of a plan whose start was not imported; its end is not "
                               "imported"));
      continue;
    }
    if (!EndNotBeforeStart(ctx, end, end_name, *start.day, start_name, "its end is not imported")) {
      continue;
    }
    ctx.factory
        ->Add(*ctx.events, &CaseEvent::mutable_plan_ended, ctx.child_id, *end.day,
              ctx.Key(referral, end_name, *end.day))
        ->set_plan(plan);
  }
}

// An imported referral, for the overlap check.
struct Episode {
  int line;
  absl::CivilDay referral;
  std::optional<absl::CivilDay> closure;
};

void MapChild(ChildContext& ctx, const XmlElement& child,
              const std::optional<absl::CivilDay>& death) {
  std::vector<Episode> episodes;
  std::map<absl::CivilDay, int> referral_lines;
  for (const XmlElement* details : child.Children("CINdetails")) {
    constexpr std::string_view kSkipped = "the whole CINdetails is not imported";
    DateElement referral = ReadDate(ctx, *details, "CINreferralDate", kSkipped);
    if (referral.element == nullptr) {
      ctx.Report(details->line, Severity::kError, "missing_date",
                 internal::Cat("CINdetails has no CINreferralDate; ", kSkipped));
      continue;
    }
    if (!referral.day.has_value()) continue;
    const absl::CivilDay referral_day = *referral.day;
    if (death.has_value() && referral_day > *death) {
      ctx.Report(referral.element->line, Severity::kError, "after_death",
                 internal::Cat("CINreferralDate ", FormatDay(referral_day),
                               " is after PersonDeathDate ", FormatDay(*death), "; ", kSkipped));
      continue;
    }
    if (auto [it, inserted] = referral_lines.emplace(referral_day, referral.element->line);
        !inserted) {
      ctx.Report(referral.element->line, Severity::kError, "duplicate",
                 internal::Cat("a CINdetails with CINreferralDate ", FormatDay(referral_day),
                               " is already at line ", it->second, "; ", kSkipped));
      continue;
    }

    ctx.factory
        ->Add(*ctx.events, &CaseEvent::mutable_referral_received, ctx.child_id, referral_day,
              ctx.Key(referral_day, "CINreferralDate", referral_day))
        ->set_referral_source(std::string(details->ChildText("ReferralSource")));
    MapAssessments(ctx, *details, referral_day, "Assessments", "AssessmentActualStartDate",
                   oversight::cases::v1::ASSESSMENT_KIND_CHILD_AND_FAMILY);
    MapPlans(ctx, *details, referral_day, "CINPlanDates", "CINPlanStartDate", "CINPlanEndDate",
             oversight::cases::v1::PLAN_KIND_CIN_PLAN,
             oversight::common::v1::CASE_TYPE_CHILD_IN_NEED);
    MapAssessments(ctx, *details, referral_day, "Section47", "S47ActualStartDate",
                   oversight::cases::v1::ASSESSMENT_KIND_SECTION_47);
    MapPlans(ctx, *details, referral_day, "ChildProtectionPlans", "CPPstartDate", "CPPendDate",
             oversight::cases::v1::PLAN_KIND_CHILD_PROTECTION_PLAN,
             oversight::common::v1::CASE_TYPE_CHILD_PROTECTION);

    Episode episode{referral.element->line, referral_day, std::nullopt};
    DateElement closure = ReadDate(ctx, *details, "CINclosureDate", "the closure is not imported");
    if (EndNotBeforeStart(ctx, closure, "CINclosureDate", referral_day, "CINreferralDate",
                          "the closure is not imported")) {
      episode.closure = closure.day;
      ctx.factory
          ->Add(*ctx.events, &CaseEvent::mutable_case_closed, ctx.child_id, *closure.day,
                ctx.Key(referral_day, "CINclosureDate", *closure.day))
          ->set_reason(std::string(details->ChildText("ReasonForClosure")));
    }
    episodes.push_back(episode);
  }

  // Two referrals open at once: imported as recorded, but worth a look.
  std::stable_sort(episodes.begin(), episodes.end(),
                   [](const Episode& a, const Episode& b) { return a.referral < b.referral; });
  for (size_t i = 1; i < episodes.size(); ++i) {
    const Episode& previous = episodes[i - 1];
    const Episode& current = episodes[i];
    if (!previous.closure.has_value() || *previous.closure > current.referral) {
      ctx.Report(current.line, Severity::kWarning, "overlapping_episodes",
                 internal::Cat("CINreferralDate ", FormatDay(current.referral),
                               " while the referral of ", FormatDay(previous.referral), " (line ",
                               previous.line, ") was still open; imported as recorded"));
    }
  }
}

}  // namespace

absl::StatusOr<ImportResult> ImportCinCensus(std::istream& in, std::string_view file_name,
                                             const ImportOptions& options) {
  if (options.authority_id.empty()) {
    return absl::InvalidArgumentError("ImportCinCensus: authority_id is empty");
  }
  absl::StatusOr<XmlElement> root = internal::ParseXml(in, file_name);
  if (!root.ok()) return root.status();
  if (root->name != "Message") {
    return absl::InvalidArgumentError(internal::Cat(
        file_name, ":", root->line, ": root element is <", root->name, ">, expected <Message>"));
  }
  std::optional<absl::CivilDay> as_of = options.as_of;
  if (!as_of.has_value()) {
    const XmlElement* header = root->Child("Header");
    const XmlElement* collection = header ? header->Child("CollectionDetails") : nullptr;
    if (collection != nullptr) as_of = ParseIsoDay(collection->ChildText("ReferenceDate"));
    if (!as_of.has_value()) {
      return absl::InvalidArgumentError(internal::Cat(
          file_name, ": no usable Header/CollectionDetails/ReferenceDate and no as-of date given"));
    }
  }

  ImportResult result;
  EventFactory factory(options, kCinCensusSource, "cin-census");
  const XmlElement* children = root->Child("Children");
  std::map<std::string, int> child_lines;
  for (const XmlElement* child :
       children ? children->Children("Child") : std::vector<const XmlElement*>{}) {
    ChildContext ctx{file_name, "", *as_of, &factory, nullptr, &result.issues, {}};
    const XmlElement* identifiers = child->Child("ChildIdentifiers");
    if (identifiers != nullptr) ctx.child_id = std::string(identifiers->ChildText("LAchildID"));
    if (ctx.child_id.empty()) {
      ctx.Report(child->line, Severity::kError, "missing_child_id",
                 "Child has no ChildIdentifiers/LAchildID; the child is not imported");
      continue;
    }
    if (auto [it, inserted] = child_lines.emplace(ctx.child_id, child->line); !inserted) {
      ctx.Report(child->line, Severity::kError, "duplicate",
                 internal::Cat("LAchildID ", ctx.child_id, " is already listed at line ",
                               it->second, "; this Child is not imported"));
      continue;
    }
    std::optional<absl::CivilDay> death;
    if (const XmlElement* died = identifiers->Child("PersonDeathDate");
        died != nullptr && !died->text.empty()) {
      death = ParseIsoDay(died->text);
      if (!death.has_value()) {
        ctx.Report(died->line, Severity::kWarning, "bad_date",
                   internal::Cat("PersonDeathDate '", died->text,
                                 "' is not a date (yyyy-mm-dd); ignored"));
      }
    }
    std::vector<CaseEvent> events;
    ctx.events = &events;
    MapChild(ctx, *child, death);
    internal::SortChronologically(events);
    for (CaseEvent& event : events)
      result.events.push_back(std::move(event));
  }
  std::stable_sort(result.issues.begin(), result.issues.end(),
                   [](const Issue& a, const Issue& b) { return a.line < b.line; });
  return result;
}

}  // namespace oversight::statutory_returns
