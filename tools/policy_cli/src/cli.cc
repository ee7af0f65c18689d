#include "cli.h"

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "facts_json.h"
#include "nlohmann/json.hpp"
#include "oversight/policy/calendar.h"
#include "oversight/policy/engine.h"
#include "oversight/policy/pack.h"

namespace oversight::policy_cli {
namespace {

using policy::DueDate;

constexpr char kUsage[] =
    "usage: oversight-policy <command> [options]\n"
    "  explain  --pack NAME --facts FILE [--json] [--packs-dir DIR] [--calendar FILE]\n"
    "           print the items the facts require, with due dates and explanations\n"
    "  rules    --pack NAME [--packs-dir DIR]   list the pack's rules, readings, alternatives\n"
    "  validate --pack NAME [--packs-dir DIR]   load and check a pack (exit 1 if it is bad)\n";

struct Options {
  std::string command;
  std::string pack;
  std::string facts;
  std::string packs_dir = policy::DefaultPackDir();
  std::string calendar = policy::DefaultCalendarPath();
  bool json = false;
};

std::optional<Options> ParseArgs(const std::vector<std::string>& args, std::ostream& err) {
  if (args.empty()) {
    err << kUsage;
    return std::nullopt;
  }
  Options o;
  o.command = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) {
        err << a << " needs a value\n" << kUsage;
        return false;
      }
      into = args[++i];
      return true;
    };
    if (a == "--json") {
      o.json = true;
    } else if (a == "--pack") {
      if (!value(o.pack)) return std::nullopt;
    } else if (a == "--facts") {
      if (!value(o.facts)) return std::nullopt;
    } else if (a == "--packs-dir") {
      if (!value(o.packs_dir)) return std::nullopt;
    } else if (a == "--calendar") {
      if (!value(o.calendar)) return std::nullopt;
    } else {
      err << "unknown option " << a << "\n" << kUsage;
      return std::nullopt;
    }
  }
  if (o.pack.empty()) {
    err << "--pack is required\n" << kUsage;
    return std::nullopt;
  }
  if (o.command == "explain" && o.facts.empty()) {
    err << "--facts is required for explain\n" << kUsage;
    return std::nullopt;
  }
  if (o.command != "explain" && o.command != "rules" && o.command != "validate") {
    err << "unknown command " << o.command << "\n" << kUsage;
    return std::nullopt;
  }
  return o;
}

// One line of the report.
struct Item {
  std::string subject;  // "worker w1", "child c1", "event e1", ...
  DueDate due;
  std::string trigger;
  std::string priority;
  std::string owner;
  std::string error;  // set instead of `due` when the pack has no rule for it
};

std::string Utc(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "never (paused)";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}
std::string Local(absl::Time t, const absl::TimeZone& tz) {
  if (t == absl::InfiniteFuture()) return "paused";
  return absl::FormatTime("%a %d %b %Y %H:%M %Z", t, tz);
}

void Collect(const policy::Engine& engine, const FactsFile& facts, std::vector<Item>& items) {
  auto add = [&](const std::string& subject, absl::StatusOr<DueDate> d) {
    Item it;
    it.subject = subject;
    if (d.ok()) {
      it.due = *std::move(d);
    } else {
      it.error = std::string(d.status().message());
    }
    items.push_back(std::move(it));
  };
  for (const policy::WorkerFacts& w : facts.workers) {
    const std::string subject = absl::StrCat("worker ", w.worker_id);
    absl::StatusOr<std::vector<DueDate>> all = engine.AllWorkerItems(w);
    if (!all.ok()) {
      add(subject, all.status());
      continue;
    }
    for (DueDate& d : *all)
      add(subject, std::move(d));
  }
  for (const policy::ChildFacts& c : facts.children) {
    add(absl::StrCat("child ", c.child_id), engine.NextCaseDiscussion(c));
  }
  for (const policy::TeamFacts& t : facts.teams) {
    add(absl::StrCat("team ", t.team_id), engine.NextGroupSupervision(t));
  }
  for (const policy::SessionFacts& s : facts.sessions) {
    for (DueDate& d : engine.RecordingDeadlines(s)) {
      add(absl::StrCat("record ", s.record_id), std::move(d));
    }
  }
  for (const policy::CaseEventFacts& e : facts.events) {
    std::vector<policy::RequiredOversight> required = engine.TriggeredOversight(e);
    const std::string subject =
        absl::StrCat("event ", e.event_id.empty() ? e.type : e.event_id,
                     e.child_id.empty() ? "" : absl::StrCat(" (child ", e.child_id, ")"));
    if (required.empty()) {
      Item it;
      it.subject = subject;
      it.error = absl::StrCat("no trigger of this pack matches ", e.type);
      items.push_back(std::move(it));
    }
    for (policy::RequiredOversight& r : required) {
      Item it;
      it.subject = subject;
      it.trigger = r.trigger;
      it.priority = std::string(policy::PriorityName(r.priority));
      it.owner = std::string(policy::OwnerName(r.owner));
      it.due = std::move(r.due);
      items.push_back(std::move(it));
    }
  }
}

void PrintText(const policy::Pack& pack, const policy::WorkingCalendar& cal,
               const std::vector<Item>& items, std::ostream& out) {
  out << "pack " << pack.authority << " (" << pack.name << ")";
  if (!pack.extends.empty()) out << ", extends " << pack.extends;
  out << "\ncalendar " << cal.id() << ", times in Europe/London and UTC\n";
  std::string last_subject;
  for (const Item& it : items) {
    if (it.subject != last_subject) {
      out << "\n" << it.subject << "\n";
      last_subject = it.subject;
    }
    if (!it.error.empty()) {
      out << "  - nothing scheduled: " << it.error << "\n";
      continue;
    }
    const DueDate& d = it.due;
    out << "  - " << policy::ItemKindName(d.kind);
    if (!it.trigger.empty())
      out << " [" << it.trigger << ", " << it.priority << ", owner " << it.owner << "]";
    out << "\n      due    " << Local(d.due_at, cal.zone()) << "  (" << Utc(d.due_at) << ")\n";
    if (d.target_at) out << "      target " << Local(*d.target_at, cal.zone()) << "\n";
    out << "      rule   " << d.explanation.rule_id << ": " << d.explanation.summary << "\n";
    if (!d.explanation.facts.empty()) {
      out << "      facts ";
      for (const auto& [k, v] : d.explanation.facts)
        out << " " << k << "=" << v;
      out << "\n";
    }
    if (!d.explanation.reading.empty()) out << "      reading " << d.explanation.reading << "\n";
    for (const std::string& w : d.warnings)
      out << "      WARNING " << w << "\n";
  }
}

void PrintJson(const policy::Pack& pack, const policy::WorkingCalendar& cal,
               const std::vector<Item>& items, std::ostream& out) {
  nlohmann::json doc;
  doc["pack"] = pack.authority;
  doc["calendar"] = cal.id();
  doc["items"] = nlohmann::json::array();
  for (const Item& it : items) {
    nlohmann::json j;
    j["subject"] = it.subject;
    if (!it.error.empty()) {
      j["error"] = it.error;
      doc["items"].push_back(j);
      continue;
    }
    const DueDate& d = it.due;
    j["kind"] = policy::ItemKindName(d.kind);
    j["due_at"] = Utc(d.due_at);
    j["due_day"] = policy::FormatDay(d.due_day);
    j["paused"] = d.paused;
    if (d.target_at) j["target_at"] = Utc(*d.target_at);
    if (!it.trigger.empty()) {
      j["trigger"] = it.trigger;
      j["priority"] = it.priority;
      j["owner"] = it.owner;
    }
    nlohmann::json ex;
    ex["rule_id"] = d.explanation.rule_id;
    ex["summary"] = d.explanation.summary;
    ex["facts"] = nlohmann::json::object();
    for (const auto& [k, v] : d.explanation.facts)
      ex["facts"][k] = v;
    ex["calendar"] = d.explanation.calendar;
    if (!d.explanation.reading.empty()) ex["reading"] = d.explanation.reading;
    j["explanation"] = ex;
    if (!d.warnings.empty()) j["warnings"] = d.warnings;
    doc["items"].push_back(j);
  }
  out << doc.dump(2) << "\n";
}

void PrintRules(const policy::Pack& pack, std::ostream& out) {
  out << "pack " << pack.authority << " (" << pack.name << ")\nfiles:";
  for (const std::string& f : pack.files)
    out << " " << f;
  out << "\n";
  for (const policy::RuleInfo& r : pack.rules) {
    out << "\n"
        << r.id << " [" << r.kind << "]" << (r.fixed_by_seed ? "" : " (not fixed by the seed)")
        << "\n  " << r.summary << "\n";
    if (!r.source.empty()) out << "  source: " << r.source << "\n";
    if (!r.reading.empty()) out << "  reading: " << r.reading << "\n";
    if (!r.alternative.empty()) {
      out << "  alternative" << (r.use_alternative ? " (IN FORCE)" : "") << ": " << r.alternative
          << "\n";
    }
  }
  out << "\ntriggers:\n";
  for (const policy::TriggerRule& t : pack.triggers) {
    out << "  " << t.name << " [" << t.rule_id << "] on " << t.event_type;
    for (const policy::TriggerCondition& c : t.conditions) {
      out << " " << c.field
          << (c.op == policy::TriggerCondition::Op::kEquals
                  ? "=" + c.value
                  : (c.op == policy::TriggerCondition::Op::kPresent ? " present" : " absent"));
    }
    if (t.checkpoints.empty()) {
      out << " -> due " << t.deadline.ToString();
    } else {
      out << " -> checkpoints";
      for (const policy::Period& p : t.checkpoints)
        out << " " << p.ToString();
    }
    out << ", " << policy::PriorityName(t.priority) << ", owner " << policy::OwnerName(t.owner)
        << "\n";
  }
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::optional<Options> o = ParseArgs(args, err);
  if (!o) return 2;
  absl::StatusOr<policy::Pack> pack = policy::LoadPack(o->packs_dir, o->pack);
  if (!pack.ok()) {
    err << "bad pack: " << pack.status().message() << "\n";
    return 1;
  }
  if (o->command == "validate") {
    out << "pack " << pack->authority << " OK: " << pack->rules.size() << " rules, "
        << pack->triggers.size() << " triggers\n";
    return 0;
  }
  if (o->command == "rules") {
    PrintRules(*pack, out);
    return 0;
  }
  absl::StatusOr<policy::WorkingCalendar> cal =
      policy::WorkingCalendar::LoadFile(o->calendar, pack->calendar_division);
  if (!cal.ok()) {
    err << "bad calendar: " << cal.status().message() << "\n";
    return 1;
  }
  std::ifstream in(o->facts);
  if (!in) {
    err << o->facts << ": cannot open facts file\n";
    return 1;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  absl::StatusOr<FactsFile> facts = ParseFacts(buf.str(), o->facts, cal->zone());
  if (!facts.ok()) {
    err << "bad facts: " << facts.status().message() << "\n";
    return 1;
  }
  policy::Engine engine(*pack, *cal);
  std::vector<Item> items;
  Collect(engine, *facts, items);
  if (o->json) {
    PrintJson(*pack, *cal, items, out);
  } else {
    PrintText(*pack, *cal, items, out);
  }
  return 0;
}

}  // namespace oversight::policy_cli
