#include "oversight/policy/pack.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "internal/event_schema.h"
#include "yaml-cpp/yaml.h"

#ifndef OVERSIGHT_POLICY_DATA_DIR
#error "OVERSIGHT_POLICY_DATA_DIR must be defined by the build"
#endif

namespace oversight::policy {
namespace {

constexpr char kOriginKey[] = "_origin";

absl::Status Invalid(absl::string_view file, absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(file, ": ", field, ": ", problem));
}

// Reads typed fields of one YAML mapping, remembering the first problem. Every accessor returns
// a harmless default after a problem, so building code reads straight through and checks
// status() once.
class Reader {
 public:
  Reader(YAML::Node node, std::string file, std::string path)
      : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {
    if (!node_.IsMap()) Fail("", "expected a mapping");
  }

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  std::string FieldPath(absl::string_view key) const {
    if (key.empty()) return path_.empty() ? std::string("(document)") : path_;
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
  }

  void Fail(absl::string_view key, absl::string_view problem) {
    if (status_.ok()) status_ = Invalid(file_, FieldPath(key), problem);
  }
  void Adopt(const absl::Status& s) {
    if (status_.ok() && !s.ok()) status_ = s;
  }

  bool Has(absl::string_view key) const {
    if (!node_.IsMap()) return false;
    YAML::Node n = node_[std::string(key)];
    return n.IsDefined() && !n.IsNull();
  }
  YAML::Node Raw(absl::string_view key) const {
    return node_.IsMap() ? node_[std::string(key)] : YAML::Node();
  }

  std::string Str(absl::string_view key, bool required = false) {
    if (!Has(key)) {
      if (required) Fail(key, "required field is missing");
      return "";
    }
    YAML::Node n = Raw(key);
    if (!n.IsScalar()) {
      Fail(key, "expected text");
      return "";
    }
    return n.Scalar();
  }

  std::optional<bool> OptBool(absl::string_view key) {
    if (!Has(key)) return std::nullopt;
    std::string s = Str(key);
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
    Fail(key, absl::StrCat("expected true or false, got '", s, "'"));
    return std::nullopt;
  }
  bool Bool(absl::string_view key, bool fallback) { return OptBool(key).value_or(fallback); }

  std::optional<Period> OptPeriod(absl::string_view key) {
    if (!Has(key)) return std::nullopt;
    std::string s = Str(key);
    if (!ok()) return std::nullopt;
    absl::StatusOr<Period> p = Period::Parse(s);
    if (!p.ok()) {
      Fail(key, p.status().message());
      return std::nullopt;
    }
    return *p;
  }
  Period ReqPeriod(absl::string_view key) {
    if (!Has(key)) {
      Fail(key, "required field is missing");
      return Period{};
    }
    return OptPeriod(key).value_or(Period{});
  }
  // A period that must be a positive interval on dates (days/weeks/months/years).
  Period Interval(absl::string_view key) {
    Period p = ReqPeriod(key);
    if (ok() && (!p.IsCalendarDate() || p.count <= 0)) {
      Fail(key, absl::StrCat("'", p.ToString(),
                             "' is not a positive interval in days, weeks, months or years"));
    }
    return p;
  }
  std::optional<Period> OptInterval(absl::string_view key) {
    if (!Has(key)) return std::nullopt;
    return Interval(key);
  }

  std::vector<std::string> StrList(absl::string_view key, bool required = false) {
    std::vector<std::string> out;
    if (!Has(key)) {
      if (required) Fail(key, "required field is missing");
      return out;
    }
    YAML::Node n = Raw(key);
    if (!n.IsSequence()) {
      Fail(key, "expected a list");
      return out;
    }
    for (const YAML::Node& item : n) {
      if (!item.IsScalar()) {
        Fail(key, "expected a list of text items");
        return out;
      }
      out.push_back(item.Scalar());
    }
    return out;
  }

  template <typename E>
  std::optional<E> OptEnum(absl::string_view key, std::optional<E> (*parse)(absl::string_view),
                           absl::string_view choices) {
    if (!Has(key)) return std::nullopt;
    std::string s = Str(key);
    if (!ok()) return std::nullopt;
    std::optional<E> e = parse(s);
    if (!e) Fail(key, absl::StrCat("unknown value '", s, "' (one of: ", choices, ")"));
    return e;
  }
  template <typename E>
  E ReqEnum(absl::string_view key, std::optional<E> (*parse)(absl::string_view),
            absl::string_view choices, E fallback) {
    if (!Has(key)) {
      Fail(key, absl::StrCat("required field is missing (one of: ", choices, ")"));
      return fallback;
    }
    return OptEnum(key, parse, choices).value_or(fallback);
  }

  // Rejects keys outside `allowed` (typos must not silently change a schedule).
  void OnlyKeys(std::initializer_list<absl::string_view> allowed) {
    if (!node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string k = kv.first.Scalar();
      if (k == kOriginKey) continue;
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        Fail(k, absl::StrCat("unknown field (allowed here: ", absl::StrJoin(allowed, ", "), ")"));
        return;
      }
    }
  }

 private:
  YAML::Node node_;
  std::string file_;
  std::string path_;
  absl::Status status_;
};

constexpr absl::string_view kCaseTypeChoices =
    "early_help, assessment, child_in_need, child_protection, child_looked_after, care_leaver, "
    "foster_carer, youth_offending, quality_assurance";
constexpr absl::string_view kStatusChoices =
    "standard, part_time, asye, induction, probation, agency";
constexpr absl::string_view kRecordChoices =
    "personal_supervision, case_supervision, group_supervision, ad_hoc_discussion, "
    "management_oversight, observation, agreement";
constexpr absl::string_view kStepChoices =
    "record, circulate, sign_off, observer_section, practitioner_comments, feedback_session";
constexpr absl::string_view kFromChoices = "held, circulated, observer_section_completed";
constexpr absl::string_view kPriorityChoices = "routine, urgent, asap, stat";
constexpr absl::string_view kOwnerChoices = "supervisor, supervisor_line_manager, allocated_worker";
constexpr absl::string_view kCycleChoices =
    "observation, pdr, appraisal, group_supervision, performance_conversation, mentoring";

// ---- merging --------------------------------------------------------------------------------

std::string EntryKey(const YAML::Node& entry, absl::string_view list) {
  if (!entry.IsMap()) return "";
  if (list == "triggers") return entry["name"] ? entry["name"].Scalar() : "";
  if (entry["key"]) return entry["key"].Scalar();
  return entry["id"] ? entry["id"].Scalar() : "";
}

YAML::Node Merge(const YAML::Node& base, const YAML::Node& over, absl::string_view key);

// Lists of keyed entries merge entry by entry; `remove: true` deletes the base entry.
// YAML::Node assignment re-points the node assigned to (it does not copy), so entries are never
// assigned, moved or erased here: removed ones are marked and left out at the end, and a merged
// entry replaces its slot with Node::reset.
YAML::Node MergeKeyedList(const YAML::Node& base, const YAML::Node& over, absl::string_view list) {
  std::vector<std::string> keys;
  std::vector<YAML::Node> entries;
  std::vector<bool> removed;
  for (const YAML::Node& e : base) {
    keys.push_back(EntryKey(e, list));
    entries.push_back(YAML::Clone(e));
    removed.push_back(false);
  }
  for (const YAML::Node& e : over) {
    const std::string k = EntryKey(e, list);
    size_t i = 0;
    while (i < keys.size() && (removed[i] || keys[i] != k))
      ++i;
    const bool remove = e.IsMap() && e["remove"] && e["remove"].Scalar() == "true";
    if (i == keys.size()) {
      if (!remove) {
        keys.push_back(k);
        entries.push_back(YAML::Clone(e));
        removed.push_back(false);
      }
      continue;
    }
    if (remove) {
      removed[i] = true;
    } else {
      entries[i].reset(Merge(entries[i], e, ""));
    }
  }
  YAML::Node out(YAML::NodeType::Sequence);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!removed[i]) out.push_back(entries[i]);
  }
  return out;
}

YAML::Node Merge(const YAML::Node& base, const YAML::Node& over, absl::string_view key) {
  if (!over.IsDefined()) return YAML::Clone(base);
  if ((key == "rules" || key == "triggers") && base.IsSequence() && over.IsSequence()) {
    return MergeKeyedList(base, over, key);
  }
  if (!base.IsMap() || !over.IsMap()) return YAML::Clone(over);
  YAML::Node out = YAML::Clone(base);
  for (const auto& kv : over) {
    const std::string k = kv.first.Scalar();
    out[k] = out[k] ? Merge(out[k], kv.second, k) : YAML::Clone(kv.second);
  }
  return out;
}

void TagOrigins(YAML::Node& doc, const std::string& origin) {
  for (const char* list : {"rules", "triggers"}) {
    YAML::Node l = doc[list];
    if (!l.IsSequence()) continue;
    for (YAML::Node e : l) {
      if (e.IsMap()) e[kOriginKey] = origin;
    }
  }
}

absl::Status CheckUniqueKeys(const YAML::Node& doc, const std::string& origin) {
  for (const char* list : {"rules", "triggers"}) {
    YAML::Node l = doc[list];
    if (!l.IsDefined() || l.IsNull()) continue;
    if (!l.IsSequence()) return Invalid(origin, list, "expected a list");
    std::set<std::string> seen;
    size_t i = 0;
    for (const YAML::Node& e : l) {
      const std::string k = EntryKey(e, list);
      const std::string field = absl::StrCat(list, "[", i++, "]");
      if (k.empty()) {
        return Invalid(origin, field,
                       absl::string_view(list) == "triggers"
                           ? "each trigger needs a 'name'"
                           : "each rule needs an 'id' (and a 'key' when an id is used twice)");
      }
      if (!seen.insert(k).second) {
        return Invalid(origin, field,
                       absl::StrCat("duplicate entry '", k,
                                    "' (give entries that share an id distinct 'key's)"));
      }
    }
  }
  return absl::OkStatus();
}

struct Resolved {
  YAML::Node doc;
  std::vector<std::string> files;
};

absl::StatusOr<Resolved> Resolve(absl::string_view yaml, const std::string& origin,
                                 const PackResolver& resolver, std::vector<std::string>& chain) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Invalid(origin, "(document)", absl::StrCat("not valid YAML: ", e.what()));
  }
  if (!doc.IsMap()) return Invalid(origin, "(document)", "expected a mapping at the top level");
  if (absl::Status s = CheckUniqueKeys(doc, origin); !s.ok()) return s;
  TagOrigins(doc, origin);
  Resolved out;
  YAML::Node ext = doc["extends"];
  if (ext.IsDefined() && !ext.IsNull()) {
    if (!ext.IsScalar()) return Invalid(origin, "extends", "expected a pack name");
    const std::string base_name = ext.Scalar();
    if (std::find(chain.begin(), chain.end(), base_name) != chain.end()) {
      chain.push_back(base_name);
      return Invalid(origin, "extends",
                     absl::StrCat("cycle of packs: ", absl::StrJoin(chain, " -> ")));
    }
    if (!resolver) return Invalid(origin, "extends", "no way to load base packs here");
    absl::StatusOr<PackSource> src = resolver(base_name);
    if (!src.ok()) {
      return Invalid(
          origin, "extends",
          absl::StrCat("cannot load base pack '", base_name, "': ", src.status().message()));
    }
    chain.push_back(base_name);
    absl::StatusOr<Resolved> base = Resolve(src->text, src->origin, resolver, chain);
    if (!base.ok()) return base.status();
    YAML::Node merged = Merge(base->doc, doc, "");
    merged["extends"] = base_name;
    out.doc = merged;
    out.files = base->files;
  } else {
    out.doc = doc;
  }
  out.files.push_back(origin);
  return out;
}

// ---- building the typed pack ------------------------------------------------------------------

void ApplyAlternative(YAML::Node& entry, Reader& r, RuleInfo& info) {
  YAML::Node alt = entry["alternative"];
  if (!alt.IsDefined() || alt.IsNull()) {
    if (info.use_alternative) r.Fail("use_alternative", "true but the rule has no alternative");
    return;
  }
  if (alt.IsScalar()) {
    info.alternative = alt.Scalar();
    if (info.use_alternative) {
      r.Fail("use_alternative",
             "the alternative is text only; give it parameters (a mapping with 'reading' and "
             "the fields it changes) to make it usable");
    }
    return;
  }
  if (!alt.IsMap()) {
    r.Fail("alternative", "expected text or a mapping with 'reading' and the fields it changes");
    return;
  }
  info.alternative = alt["reading"] ? alt["reading"].Scalar() : "";
  if (info.alternative.empty()) r.Fail("alternative.reading", "required field is missing");
  if (!info.use_alternative) return;
  for (const auto& kv : alt) {
    const std::string k = kv.first.Scalar();
    if (k == "reading") continue;
    entry[k] = YAML::Clone(kv.second);
  }
}

void BuildPersonalSupervision(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "status", "interval", "phases", "fte_mode",
              "min_duration"});
  PersonalSupervisionRule rule;
  rule.rule_id = info.id;
  rule.status =
      r.ReqEnum<WorkerStatus>("status", ParseWorkerStatus, kStatusChoices, WorkerStatus::kStandard);
  rule.interval = r.OptInterval("interval");
  if (std::optional<Period> m = r.OptPeriod("min_duration")) {
    if (m->unit == PeriodUnit::kMinutes) {
      rule.min_minutes = m->count;
    } else if (m->unit == PeriodUnit::kHours) {
      rule.min_minutes = 60 * m->count;
    } else {
      r.Fail("min_duration", "expected minutes or hours, e.g. '90 minutes'");
    }
  }
  if (r.Has("phases")) {
    YAML::Node phases = r.Raw("phases");
    if (!phases.IsSequence() || phases.size() == 0) {
      r.Fail("phases", "expected a non-empty list of {until, interval}");
    } else {
      for (size_t i = 0; i < phases.size() && r.ok(); ++i) {
        Reader pr(phases[i], r.file(), r.FieldPath(absl::StrCat("phases[", i, "]")));
        pr.OnlyKeys({"until", "interval"});
        Phase ph{pr.Interval("until"), pr.Interval("interval")};
        r.Adopt(pr.status());
        if (r.ok() && !rule.phases.empty() &&
            ph.until.ApproximateDays() <= rule.phases.back().until.ApproximateDays()) {
          r.Fail(absl::StrCat("phases[", i, "].until"),
                 "phases must be in order of increasing 'until'");
        }
        rule.phases.push_back(ph);
      }
    }
  }
  switch (rule.status) {
    case WorkerStatus::kStandard:
      if (!rule.interval) r.Fail("interval", "required for status standard");
      if (!rule.phases.empty()) r.Fail("phases", "not used for status standard");
      break;
    case WorkerStatus::kAsye:
    case WorkerStatus::kInduction:
    case WorkerStatus::kProbation:
      if (rule.phases.empty()) r.Fail("phases", "required for a phased status");
      break;
    case WorkerStatus::kPartTime: {
      std::string mode = r.Str("fte_mode", true);
      if (mode == "scale_by_fte") {
        rule.fte_mode = FteMode::kScaleByFte;
      } else if (mode == "same_frequency") {
        rule.fte_mode = FteMode::kSameFrequency;
      } else if (r.ok()) {
        r.Fail("fte_mode",
               absl::StrCat("unknown value '", mode, "' (one of: scale_by_fte, same_frequency)"));
      }
      break;
    }
    case WorkerStatus::kAgency:
      break;
  }
  if (r.ok() && pack.FindPersonalSupervision(rule.status) != nullptr) {
    r.Fail("status", absl::StrCat("a personal_supervision rule for status '",
                                  WorkerStatusName(rule.status), "' already exists"));
  }
  pack.personal_supervision.push_back(std::move(rule));
}

void BuildCaseDiscussion(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "table"});
  YAML::Node table = r.Raw("table");
  if (!table.IsSequence() || table.size() == 0) {
    r.Fail("table", "expected a non-empty list of rows");
    return;
  }
  for (size_t i = 0; i < table.size() && r.ok(); ++i) {
    Reader row(table[i], r.file(), r.FieldPath(absl::StrCat("table[", i, "]")));
    row.OnlyKeys({"case_type", "risk", "placed_with_parents", "long_term_matched",
                  "stability_concern", "in_care_proceedings", "interval", "target", "label"});
    CaseDiscussionRow c;
    c.rule_id = info.id;
    c.case_type = row.OptEnum<CaseType>("case_type", ParseCaseType, kCaseTypeChoices);
    c.risk = row.OptEnum<RiskLevel>("risk", ParseRiskLevel, "standard, high");
    c.placed_with_parents = row.OptBool("placed_with_parents");
    c.long_term_matched = row.OptBool("long_term_matched");
    c.stability_concern = row.OptBool("stability_concern");
    c.in_care_proceedings = row.OptBool("in_care_proceedings");
    c.interval = row.Interval("interval");
    c.target = row.OptInterval("target");
    c.label = row.Str("label");
    if (row.ok() && c.target && c.target->ApproximateDays() > c.interval.ApproximateDays()) {
      row.Fail("target", "the target must not be later than the interval");
    }
    r.Adopt(row.status());
    pack.case_discussion.push_back(std::move(c));
  }
}

void BuildRecordDeadline(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "record", "step", "from", "within"});
  RecordDeadlineRule d;
  d.rule_id = info.id;
  d.record = r.ReqEnum<RecordKind>("record", ParseRecordKind, kRecordChoices,
                                   RecordKind::kCaseSupervision);
  d.step = r.ReqEnum<RecordStep>("step", ParseRecordStep, kStepChoices, RecordStep::kRecord);
  d.from = r.OptEnum<DeadlineFrom>("from", ParseDeadlineFrom, kFromChoices)
               .value_or(DeadlineFrom::kHeld);
  d.within = r.ReqPeriod("within");
  if (r.ok() && d.within.count <= 0 && d.within.unit != PeriodUnit::kEndOfDay) {
    r.Fail("within", "must be positive");
  }
  pack.record_deadlines.push_back(std::move(d));
}

void BuildAgreement(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "review_every", "new_on", "new_within"});
  CycleRule c;
  c.rule_id = info.id;
  c.kind = ItemKind::kAgreementReview;
  c.every = r.Interval("review_every");
  c.new_on = r.StrList("new_on");
  for (const std::string& e : c.new_on) {
    if (e != "start" && e != "supervisor_changed") {
      r.Fail("new_on", absl::StrCat("unknown event '", e, "' (one of: start, supervisor_changed)"));
    }
  }
  c.new_within = r.OptInterval("new_within");
  if (!c.new_on.empty() && !c.new_within) r.Fail("new_within", "required with new_on");
  if (r.ok() && pack.FindCycle(ItemKind::kAgreementReview) != nullptr) {
    r.Fail("kind", "a second agreement rule (one per pack)");
  }
  pack.cycles.push_back(std::move(c));
}

void BuildCycle(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "item", "every", "applies_to"});
  CycleRule c;
  c.rule_id = info.id;
  std::optional<ItemKind> item = r.OptEnum<ItemKind>("item", ParseItemKind, kCycleChoices);
  if (!r.Has("item")) r.Fail("item", absl::StrCat("required (one of: ", kCycleChoices, ")"));
  if (item) {
    switch (*item) {
      case ItemKind::kObservation:
      case ItemKind::kPdr:
      case ItemKind::kAppraisal:
      case ItemKind::kGroupSupervision:
      case ItemKind::kPerformanceConversation:
      case ItemKind::kMentoring:
        c.kind = *item;
        break;
      default:
        r.Fail("item", absl::StrCat("not a recurring item (one of: ", kCycleChoices, ")"));
    }
  }
  c.every = r.Interval("every");
  c.applies_to = r.OptEnum<WorkerStatus>("applies_to", ParseWorkerStatus, kStatusChoices);
  if (r.ok() && pack.FindCycle(c.kind) != nullptr) {
    r.Fail("item", absl::StrCat("a second cycle rule for '", ItemKindName(c.kind), "'"));
  }
  pack.cycles.push_back(std::move(c));
}

void BuildAbsence(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "reasons", "parties", "within"});
  if (pack.absence && !pack.absence->rule_id.empty()) {
    r.Fail("kind", "a second absence_catch_up rule (one per pack)");
    return;
  }
  AbsenceRule a = pack.absence.value_or(AbsenceRule{});
  a.rule_id = info.id;
  a.pause_reasons.clear();
  for (const std::string& s : r.StrList("reasons", true)) {
    if (auto reason = ParseAbsenceReason(s)) {
      a.pause_reasons.push_back(*reason);
    } else {
      r.Fail("reasons", absl::StrCat("unknown absence reason '", s,
                                     "' (one of: sickness, annual_leave, parental_leave, other)"));
    }
  }
  a.parties.clear();
  for (const std::string& s : r.StrList("parties", true)) {
    if (auto p = ParseParty(s)) {
      a.parties.push_back(*p);
    } else {
      r.Fail("parties", absl::StrCat("unknown party '", s, "' (one of: supervisee, supervisor)"));
    }
  }
  a.catch_up_within = r.ReqPeriod("within");
  pack.absence = std::move(a);
}

void BuildRetention(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "keep", "after"});
  if (pack.retention) r.Fail("kind", "a second retention rule (one per pack)");
  std::string after = r.Str("after", true);
  if (r.ok() && after != "left_childrens_services") {
    r.Fail("after", "only 'left_childrens_services' is supported");
  }
  pack.retention = RetentionRule{info.id, r.Interval("keep")};
}

void BuildAccess(Reader& r, const RuleInfo& info, Pack& pack) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "record", "readers"});
  AccessRule a;
  a.rule_id = info.id;
  a.record = r.Str("record", true);
  if (r.ok() && a.record != "worker" && a.record != "child") {
    r.Fail("record", "one of: worker, child");
  }
  a.readers = r.StrList("readers", true);
  pack.access.push_back(std::move(a));
}

void BuildTextOnly(Reader& r) {
  r.OnlyKeys({"id", "key", "kind", "summary", "reading", "alternative", "use_alternative",
              "fixed_by_seed", "source", "check"});
}

absl::Status BuildRule(YAML::Node entry, size_t index, const std::string& top_file, Pack& pack) {
  std::string origin = entry.IsMap() && entry[kOriginKey] ? entry[kOriginKey].Scalar() : top_file;
  std::string key = EntryKey(entry, "rules");
  Reader r(entry, origin, absl::StrCat("rules[", index, "] (", key, ")"));
  RuleInfo info;
  info.id = r.Str("id", true);
  info.kind = r.Str("kind", true);
  info.summary = r.Str("summary", true);
  info.reading = r.Str("reading");
  info.use_alternative = r.Bool("use_alternative", false);
  info.fixed_by_seed = r.Bool("fixed_by_seed", true);
  info.source = r.Str("source");
  info.origin = origin;
  if (!r.ok()) return r.status();
  if (!info.fixed_by_seed && info.reading.empty()) {
    r.Fail("reading", "a rule not fixed by the seed must say which reading it implements");
  }
  ApplyAlternative(entry, r, info);
  if (!r.ok()) return r.status();
  // Rebuild the reader: the alternative may have changed fields.
  Reader typed(entry, origin, r.path());
  const std::string& k = info.kind;
  if (k == "personal_supervision") {
    BuildPersonalSupervision(typed, info, pack);
  } else if (k == "case_discussion") {
    BuildCaseDiscussion(typed, info, pack);
  } else if (k == "record_deadline") {
    BuildRecordDeadline(typed, info, pack);
  } else if (k == "agreement") {
    BuildAgreement(typed, info, pack);
  } else if (k == "cycle") {
    BuildCycle(typed, info, pack);
  } else if (k == "absence_catch_up") {
    BuildAbsence(typed, info, pack);
  } else if (k == "retention") {
    BuildRetention(typed, info, pack);
  } else if (k == "access") {
    BuildAccess(typed, info, pack);
  } else if (k == "oversight_trigger" || k == "requirement") {
    BuildTextOnly(typed);
  } else {
    typed.Fail("kind", absl::StrCat("unknown kind '", k,
                                    "' (one of: personal_supervision, case_discussion, "
                                    "record_deadline, agreement, cycle, absence_catch_up, "
                                    "retention, access, oversight_trigger, requirement)"));
  }
  if (!typed.ok()) return typed.status();
  pack.rules.push_back(std::move(info));
  return absl::OkStatus();
}

struct TriggerDefaults {
  std::optional<Period> deadline;
  std::string rule_id;
  Priority priority = Priority::kRoutine;
  Owner owner = Owner::kSupervisor;
};

absl::Status BuildTrigger(const YAML::Node& entry, size_t index, const std::string& top_file,
                          const TriggerDefaults& defaults, Pack& pack) {
  std::string origin = entry.IsMap() && entry[kOriginKey] ? entry[kOriginKey].Scalar() : top_file;
  Reader r(entry, origin,
           absl::StrCat("triggers[", index, "] (", EntryKey(entry, "triggers"), ")"));
  r.OnlyKeys({"name", "rule", "event", "when", "produces", "deadline", "checkpoints", "priority",
              "owner", "description"});
  TriggerRule t;
  t.name = r.Str("name", true);
  t.rule_id = r.Str("rule", true);
  t.event_type = r.Str("event", true);
  t.description = r.Str("description");
  if (!r.ok()) return r.status();
  if (pack.FindRule(t.rule_id) == nullptr) {
    r.Fail("rule", absl::StrCat("no rules entry with id '", t.rule_id, "'"));
    return r.status();
  }
  if (absl::Status s = internal::CheckEventType(t.event_type); !s.ok()) {
    r.Fail("event", s.message());
    return r.status();
  }
  if (r.Has("when")) {
    YAML::Node when = r.Raw("when");
    if (!when.IsMap()) {
      r.Fail("when", "expected a mapping of event field -> value or {present: true|false}");
      return r.status();
    }
    for (const auto& kv : when) {
      TriggerCondition c;
      c.field = kv.first.Scalar();
      if (kv.second.IsScalar()) {
        c.value = kv.second.Scalar();
      } else if (kv.second.IsMap() && kv.second["present"] && kv.second.size() == 1) {
        const std::string p = kv.second["present"].Scalar();
        if (p != "true" && p != "false") {
          r.Fail(absl::StrCat("when.", c.field, ".present"), "expected true or false");
          return r.status();
        }
        c.op = p == "true" ? TriggerCondition::Op::kPresent : TriggerCondition::Op::kAbsent;
      } else {
        r.Fail(absl::StrCat("when.", c.field), "expected a value or {present: true|false}");
        return r.status();
      }
      if (absl::Status s = internal::CheckCondition(t.event_type, c); !s.ok()) {
        r.Fail(absl::StrCat("when.", c.field), s.message());
        return r.status();
      }
      t.conditions.push_back(std::move(c));
    }
  }
  std::string produces = r.Has("produces") ? r.Str("produces") : "oversight_task";
  if (produces == "oversight_task") {
    t.produces = TriggerOutput::kOversightTask;
  } else if (produces == "record_deadline") {
    t.produces = TriggerOutput::kRecordDeadline;
  } else if (produces == "assessment_checkpoints") {
    t.produces = TriggerOutput::kAssessmentCheckpoints;
  } else {
    r.Fail("produces", absl::StrCat("unknown value '", produces,
                                    "' (one of: oversight_task, record_deadline, "
                                    "assessment_checkpoints)"));
  }
  if (t.produces == TriggerOutput::kAssessmentCheckpoints) {
    for (const std::string& s : r.StrList("checkpoints", true)) {
      absl::StatusOr<Period> p = Period::Parse(s);
      if (!p.ok()) {
        r.Fail("checkpoints", p.status().message());
      } else if (p->count <= 0) {
        r.Fail("checkpoints", "checkpoints must be positive");
      } else {
        t.checkpoints.push_back(*p);
      }
    }
    if (r.ok() && t.checkpoints.empty()) r.Fail("checkpoints", "at least one checkpoint");
    if (r.Has("deadline")) r.Fail("deadline", "not used with produces: assessment_checkpoints");
  } else {
    std::optional<Period> d = r.OptPeriod("deadline");
    if (!d) {
      d = defaults.deadline;
      t.deadline_rule_id = defaults.rule_id;
    }
    if (!d && r.ok()) {
      r.Fail("deadline", "required (or set trigger_defaults.deadline)");
    } else if (d) {
      t.deadline = *d;
    }
    if (r.Has("checkpoints")) r.Fail("checkpoints", "only with produces: assessment_checkpoints");
  }
  t.priority =
      r.OptEnum<Priority>("priority", ParsePriority, kPriorityChoices).value_or(defaults.priority);
  t.owner = r.OptEnum<Owner>("owner", ParseOwner, kOwnerChoices).value_or(defaults.owner);
  if (!r.ok()) return r.status();
  pack.triggers.push_back(std::move(t));
  return absl::OkStatus();
}

absl::StatusOr<Pack> Build(const YAML::Node& doc, const std::string& top_file,
                           std::vector<std::string> files) {
  Pack pack;
  pack.files = std::move(files);
  Reader top(doc, top_file, "");
  top.OnlyKeys({"authority", "name", "seed", "extends", "calendar", "time_zone", "rules",
                "triggers", "trigger_defaults", "absence_pause", "scheduling", "notes"});
  pack.authority = top.Str("authority", true);
  pack.name = top.Str("name", true);
  pack.seed = top.Str("seed");
  pack.extends = top.Str("extends");
  if (top.Has("calendar")) pack.calendar_division = top.Str("calendar");
  if (top.Has("time_zone")) pack.time_zone = top.Str("time_zone");
  if (top.ok() && pack.time_zone != "Europe/London") {
    top.Fail("time_zone", "only Europe/London is supported (all authorities are in England)");
  }
  if (!top.ok()) return top.status();

  // Absence pause (the pack's reading; H5 adds a catch-up deadline).
  if (top.Has("absence_pause")) {
    Reader a(top.Raw("absence_pause"), top_file, "absence_pause");
    a.OnlyKeys({"reasons", "parties", "reading"});
    AbsenceRule rule;
    for (const std::string& s : a.StrList("reasons", true)) {
      if (auto reason = ParseAbsenceReason(s)) {
        rule.pause_reasons.push_back(*reason);
      } else {
        a.Fail("reasons", absl::StrCat("unknown absence reason '", s, "'"));
      }
    }
    for (const std::string& s : a.StrList("parties", true)) {
      if (auto p = ParseParty(s)) {
        rule.parties.push_back(*p);
      } else {
        a.Fail("parties", absl::StrCat("unknown party '", s, "'"));
      }
    }
    a.Str("reading", true);
    if (!a.ok()) return a.status();
    pack.absence = std::move(rule);
  }

  YAML::Node rules = doc["rules"];
  if (!rules.IsSequence() || rules.size() == 0) {
    return Invalid(top_file, "rules", "required: a non-empty list of rules");
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    if (absl::Status s = BuildRule(YAML::Clone(rules[i]), i, top_file, pack); !s.ok()) return s;
  }
  if (pack.FindPersonalSupervision(WorkerStatus::kStandard) == nullptr) {
    return Invalid(top_file, "rules",
                   "no personal_supervision rule with status 'standard' (every pack needs one)");
  }

  TriggerDefaults defaults;
  if (top.Has("trigger_defaults")) {
    Reader d(top.Raw("trigger_defaults"), top_file, "trigger_defaults");
    d.OnlyKeys({"deadline", "priority", "owner", "rule", "reading"});
    defaults.deadline = d.OptPeriod("deadline");
    defaults.priority = d.OptEnum<Priority>("priority", ParsePriority, kPriorityChoices)
                            .value_or(Priority::kRoutine);
    defaults.owner =
        d.OptEnum<Owner>("owner", ParseOwner, kOwnerChoices).value_or(Owner::kSupervisor);
    defaults.rule_id = d.Str("rule");
    if (d.ok() && !defaults.rule_id.empty() && pack.FindRule(defaults.rule_id) == nullptr) {
      d.Fail("rule", absl::StrCat("no rules entry with id '", defaults.rule_id, "'"));
    }
    if (!d.ok()) return d.status();
  }
  YAML::Node triggers = doc["triggers"];
  if (triggers.IsDefined() && !triggers.IsNull()) {
    for (size_t i = 0; i < triggers.size(); ++i) {
      if (absl::Status s = BuildTrigger(triggers[i], i, top_file, defaults, pack); !s.ok()) {
        return s;
      }
    }
  }

  if (top.Has("scheduling")) {
    Reader s(top.Raw("scheduling"), top_file, "scheduling");
    s.OnlyKeys({"reminder_lead", "escalation"});
    if (auto lead = s.OptPeriod("reminder_lead")) pack.scheduling.reminder_lead = *lead;
    if (s.Has("escalation")) {
      YAML::Node steps = s.Raw("escalation");
      if (!steps.IsSequence()) s.Fail("escalation", "expected a list of {overdue_by, to}");
      for (size_t i = 0; s.ok() && i < steps.size(); ++i) {
        Reader st(steps[i], top_file, absl::StrCat("scheduling.escalation[", i, "]"));
        st.OnlyKeys({"overdue_by", "to"});
        EscalationStep e;
        e.overdue_by = st.ReqPeriod("overdue_by");
        e.to = st.ReqEnum<Owner>("to", ParseOwner, kOwnerChoices, Owner::kSupervisorLineManager);
        s.Adopt(st.status());
        pack.scheduling.escalation.push_back(e);
      }
    }
    if (!s.ok()) return s.status();
  }
  return pack;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open pack file"));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool ValidPackName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

const RuleInfo* Pack::FindRule(absl::string_view id) const {
  for (const RuleInfo& r : rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const PersonalSupervisionRule* Pack::FindPersonalSupervision(WorkerStatus status) const {
  for (const PersonalSupervisionRule& r : personal_supervision) {
    if (r.status == status) return &r;
  }
  return nullptr;
}

const CycleRule* Pack::FindCycle(ItemKind kind) const {
  for (const CycleRule& c : cycles) {
    if (c.kind == kind) return &c;
  }
  return nullptr;
}

absl::StatusOr<Pack> ParsePack(absl::string_view yaml, absl::string_view origin,
                               const PackResolver& resolver) {
  std::vector<std::string> chain;
  const std::string top(origin);
  // The chain starts with the pack's own name, when it has one, to catch self-extension.
  try {
    YAML::Node peek = YAML::Load(std::string(yaml));
    if (peek.IsMap() && peek["authority"] && peek["authority"].IsScalar()) {
      chain.push_back(peek["authority"].Scalar());
    }
  } catch (const YAML::Exception&) {
    // Resolve reports the syntax error with its position.
  }
  absl::StatusOr<Resolved> resolved = Resolve(yaml, top, resolver, chain);
  if (!resolved.ok()) return resolved.status();
  try {
    return Build(resolved->doc, top, std::move(resolved->files));
  } catch (const YAML::Exception& e) {
    return Invalid(top, "(document)", absl::StrCat("unexpected structure: ", e.what()));
  }
}

absl::StatusOr<Pack> LoadPack(const std::string& dir, absl::string_view name) {
  if (!ValidPackName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("pack name '", name, "' must be lower-case letters, digits, '-' or '_'"));
  }
  PackResolver resolver = [dir](absl::string_view base) -> absl::StatusOr<PackSource> {
    if (!ValidPackName(base)) {
      return absl::InvalidArgumentError(absl::StrCat("bad pack name '", base, "'"));
    }
    std::string path = absl::StrCat(dir, "/", base, ".yaml");
    absl::StatusOr<std::string> text = ReadFile(path);
    if (!text.ok()) return text.status();
    return PackSource{*std::move(text), path};
  };
  absl::StatusOr<PackSource> top = resolver(name);
  if (!top.ok()) return top.status();
  absl::StatusOr<Pack> pack = ParsePack(top->text, top->origin, resolver);
  if (pack.ok() && pack->authority != name) {
    return Invalid(
        top->origin, "authority",
        absl::StrCat("'", pack->authority, "' does not match the file name '", name, "'"));
  }
  return pack;
}

std::string DefaultPackDir() {
  return std::string(OVERSIGHT_POLICY_DATA_DIR) + "/packs";
}
std::string DefaultCalendarPath() {
  return std::string(OVERSIGHT_POLICY_DATA_DIR) + "/calendar/england-and-wales.json";
}

}  // namespace oversight::policy
