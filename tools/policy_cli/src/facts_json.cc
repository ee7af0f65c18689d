#include "facts_json.h"

#include <algorithm>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "oversight/policy/period.h"
#include "oversight/policy/types.h"

namespace oversight::policy_cli {
namespace {

using nlohmann::json;
using policy::ParseDay;

// Reads one JSON object, keeping the first problem (same pattern as the pack reader).
class Obj {
 public:
  Obj(const json& j, std::string source, std::string path, const absl::TimeZone& tz)
      : j_(j), source_(std::move(source)), path_(std::move(path)), tz_(tz) {
    if (!j_.is_object()) Fail("", "expected an object");
  }
  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }
  void Fail(absl::string_view key, absl::string_view problem) {
    if (!status_.ok()) return;
    status_ = absl::InvalidArgumentError(
        absl::StrCat(source_, ": ", path_, key.empty() ? "" : ".", key, ": ", problem));
  }
  bool Has(const char* key) const {
    return j_.is_object() && j_.contains(key) && !j_[key].is_null();
  }
  const json& At(const char* key) const { return j_[key]; }

  std::string Str(const char* key, bool required = false) {
    if (!Has(key)) {
      if (required) Fail(key, "required field is missing");
      return "";
    }
    if (!j_[key].is_string()) {
      Fail(key, "expected a string");
      return "";
    }
    return j_[key].get<std::string>();
  }
  std::optional<absl::CivilDay> Day(const char* key, bool required = false) {
    std::string s = Str(key, required);
    if (s.empty()) return std::nullopt;
    absl::StatusOr<absl::CivilDay> d = ParseDay(s);
    if (!d.ok()) {
      Fail(key, d.status().message());
      return std::nullopt;
    }
    return *d;
  }
  std::optional<absl::Time> Instant(const char* key, bool required = false) {
    std::string s = Str(key, required);
    if (s.empty()) return std::nullopt;
    absl::Time t;
    std::string err;
    if (absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return t;
    for (const char* fmt : {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"}) {
      if (absl::ParseTime(fmt, s, tz_, &t, &err)) return t;
    }
    Fail(key, absl::StrCat("'", s, "' is not an RFC 3339 time or London 'YYYY-MM-DDTHH:MM'"));
    return std::nullopt;
  }
  bool Bool(const char* key) {
    if (!Has(key)) return false;
    if (!j_[key].is_boolean()) {
      Fail(key, "expected true or false");
      return false;
    }
    return j_[key].get<bool>();
  }
  double Number(const char* key, double fallback) {
    if (!Has(key)) return fallback;
    if (!j_[key].is_number()) {
      Fail(key, "expected a number");
      return fallback;
    }
    return j_[key].get<double>();
  }
  template <typename E>
  E Enum(const char* key, std::optional<E> (*parse)(absl::string_view), E fallback,
         bool required = false) {
    std::string s = Str(key, required);
    if (s.empty()) return fallback;
    std::optional<E> e = parse(s);
    if (!e) {
      Fail(key, absl::StrCat("unknown value '", s, "'"));
      return fallback;
    }
    return *e;
  }
  void OnlyKeys(std::initializer_list<const char*> allowed) {
    if (!j_.is_object()) return;
    for (const auto& [k, v] : j_.items()) {
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
        Fail(k, absl::StrCat("unknown field (allowed: ", absl::StrJoin(allowed, ", "), ")"));
        return;
      }
    }
  }

 private:
  const json& j_;
  std::string source_;
  std::string path_;
  const absl::TimeZone& tz_;
  absl::Status status_;
};

policy::WorkerFacts ReadWorker(Obj& o) {
  o.OnlyKeys({"worker_id",
              "team_id",
              "supervisor_id",
              "role",
              "start_date",
              "asye_start",
              "asye_completed",
              "probation_end",
              "probation_completed",
              "fte",
              "agency",
              "supervisor_since",
              "last_agreement_signed",
              "last_personal_supervision",
              "last_informal_supervision",
              "last_observation",
              "last_pdr",
              "last_appraisal",
              "last_performance_conversation",
              "last_mentoring",
              "absences",
              "left_on",
              "left_childrens_services"});
  policy::WorkerFacts w;
  w.worker_id = o.Str("worker_id", true);
  w.team_id = o.Str("team_id");
  w.supervisor_id = o.Str("supervisor_id");
  w.role = o.Str("role");
  w.start_date = o.Day("start_date", true).value_or(absl::CivilDay());
  w.asye_start = o.Day("asye_start");
  w.asye_completed = o.Bool("asye_completed");
  w.probation_end = o.Day("probation_end");
  w.probation_completed = o.Bool("probation_completed");
  w.fte = o.Number("fte", 1.0);
  w.agency = o.Bool("agency");
  w.supervisor_since = o.Day("supervisor_since");
  w.last_agreement_signed = o.Day("last_agreement_signed");
  w.last_personal_supervision = o.Day("last_personal_supervision");
  w.last_informal_supervision = o.Day("last_informal_supervision");
  w.last_observation = o.Day("last_observation");
  w.last_pdr = o.Day("last_pdr");
  w.last_appraisal = o.Day("last_appraisal");
  w.last_performance_conversation = o.Day("last_performance_conversation");
  w.last_mentoring = o.Day("last_mentoring");
  w.left_on = o.Day("left_on");
  w.left_childrens_services = o.Bool("left_childrens_services");
  return w;
}

}  // namespace

absl::StatusOr<FactsFile> ParseFacts(absl::string_view text, absl::string_view source,
                                     const absl::TimeZone& london) {
  const std::string src(source);
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(src, ": not valid JSON"));
  }
  FactsFile out;
  Obj top(doc, src, "$", london);
  top.OnlyKeys({"worker", "workers", "children", "teams", "events", "sessions"});
  if (!top.ok()) return top.status();

  auto each = [&](const char* key, auto&& fn) -> absl::Status {
    if (!top.Has(key)) return absl::OkStatus();
    const json& list = top.At(key);
    if (!list.is_array()) {
      return absl::InvalidArgumentError(absl::StrCat(src, ": $.", key, ": expected a list"));
    }
    for (size_t i = 0; i < list.size(); ++i) {
      Obj o(list[i], src, absl::StrCat("$.", key, "[", i, "]"), london);
      fn(o);
      if (!o.ok()) return o.status();
    }
    return absl::OkStatus();
  };

  auto read_worker = [&](Obj& o) {
    policy::WorkerFacts w = ReadWorker(o);
    if (o.Has("absences")) {
      const json& list = o.At("absences");
      if (!list.is_array()) o.Fail("absences", "expected a list");
      for (size_t i = 0; o.ok() && i < list.size(); ++i) {
        Obj a(list[i], src, absl::StrCat("$.worker.absences[", i, "]"), london);
        a.OnlyKeys({"reason", "party", "starts_on", "returned_on"});
        policy::AbsenceFacts f;
        f.reason =
            a.Enum("reason", policy::ParseAbsenceReason, policy::AbsenceReason::kSickness, true);
        f.party = a.Enum("party", policy::ParseParty, policy::Party::kSupervisee);
        f.starts_on = a.Day("starts_on", true).value_or(absl::CivilDay());
        f.returned_on = a.Day("returned_on");
        if (!a.ok()) o.Fail("absences", a.status().message());
        w.absences.push_back(f);
      }
    }
    out.workers.push_back(std::move(w));
  };
  if (top.Has("worker")) {
    Obj o(top.At("worker"), src, "$.worker", london);
    read_worker(o);
    if (!o.ok()) return o.status();
  }
  if (absl::Status s = each("workers", read_worker); !s.ok()) return s;

  if (absl::Status s =
          each("children",
               [&](Obj& o) {
                 o.OnlyKeys({"child_id", "worker_id", "team_id", "case_type", "risk", "placement",
                             "in_care_proceedings", "allocated_on", "last_case_discussion"});
                 policy::ChildFacts c;
                 c.child_id = o.Str("child_id", true);
                 c.worker_id = o.Str("worker_id");
                 c.team_id = o.Str("team_id");
                 c.case_type = o.Enum("case_type", policy::ParseCaseType,
                                      policy::CaseType::kChildInNeed, true);
                 c.risk = o.Enum("risk", policy::ParseRiskLevel, policy::RiskLevel::kStandard);
                 if (o.Has("placement")) {
                   Obj p(o.At("placement"), src, "placement", london);
                   p.OnlyKeys({"placed_with_parents", "long_term_matched", "stability_concern"});
                   c.placement.placed_with_parents = p.Bool("placed_with_parents");
                   c.placement.long_term_matched = p.Bool("long_term_matched");
                   c.placement.stability_concern = p.Bool("stability_concern");
                   if (!p.ok()) o.Fail("placement", p.status().message());
                 }
                 c.in_care_proceedings = o.Bool("in_care_proceedings");
                 c.allocated_on = o.Day("allocated_on", true).value_or(absl::CivilDay());
                 c.last_case_discussion = o.Day("last_case_discussion");
                 out.children.push_back(std::move(c));
               });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = each("teams",
                            [&](Obj& o) {
                              o.OnlyKeys({"team_id", "formed_on", "last_group_supervision"});
                              policy::TeamFacts t;
                              t.team_id = o.Str("team_id", true);
                              t.formed_on = o.Day("formed_on", true).value_or(absl::CivilDay());
                              t.last_group_supervision = o.Day("last_group_supervision");
                              out.teams.push_back(std::move(t));
                            });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = each("events",
                            [&](Obj& o) {
                              o.OnlyKeys({"event_id", "type", "child_id", "occurred_at", "fields"});
                              policy::CaseEventFacts e;
                              e.event_id = o.Str("event_id");
                              e.type = o.Str("type", true);
                              e.child_id = o.Str("child_id");
                              e.occurred_at = o.Instant("occurred_at", true).value_or(absl::Time());
                              if (o.Has("fields")) {
                                const json& f = o.At("fields");
                                if (!f.is_object()) o.Fail("fields", "expected an object");
                                for (const auto& [k, v] : f.items()) {
                                  if (v.is_string()) {
                                    e.fields[k] = v.get<std::string>();
                                  } else if (v.is_boolean()) {
                                    e.fields[k] = v.get<bool>() ? "true" : "false";
                                  } else {
                                    o.Fail(absl::StrCat("fields.", k), "expected text or a bool");
                                  }
                                }
                              }
                              out.events.push_back(std::move(e));
                            });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = each("sessions",
                            [&](Obj& o) {
                              o.OnlyKeys({"record_id", "kind", "held_at", "circulated_at",
                                          "observer_section_completed_at"});
                              policy::SessionFacts s;
                              s.record_id = o.Str("record_id");
                              s.kind = o.Enum("kind", policy::ParseRecordKind,
                                              policy::RecordKind::kCaseSupervision, true);
                              s.held_at = o.Instant("held_at", true).value_or(absl::Time());
                              s.circulated_at = o.Instant("circulated_at");
                              s.observer_section_completed_at =
                                  o.Instant("observer_section_completed_at");
                              out.sessions.push_back(std::move(s));
                            });
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace oversight::policy_cli
