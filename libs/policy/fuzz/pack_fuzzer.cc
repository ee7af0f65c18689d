// libFuzzer target: policy packs from YAML text (ParsePack), and the due-date engine run on
// what a pack accepted. Input: the pack, optionally followed by a line "%%" and a base pack
// that `extends:` resolves to when it names no shipped pack (the shipped packs resolve by name).
//
// Contract checked on every input:
// - a refused pack is INVALID_ARGUMENT with "<file>: <field>: <problem>";
// - an accepted pack has an authority, lists the files it merged (this one last), has unique
//   trigger names on known event types;
// - the engine, on standard facts (workers of each status, a child of each case type, each
//   trigger's event, a session of each record kind, a team), never crashes, returns only its
//   documented errors with a message, and gives due dates that are not before what they count
//   from, with a rule id.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/policy/calendar.h"
#include "oversight/policy/engine.h"
#include "oversight/policy/pack.h"
#include "oversight/testing/fuzz_check.h"

namespace {

namespace policy = oversight::policy;
using policy::DueDate;

const policy::WorkingCalendar& Calendar() {
  static const policy::WorkingCalendar* const calendar = [] {
    auto loaded = policy::WorkingCalendar::LoadFile(policy::DefaultCalendarPath());
    OVERSIGHT_FUZZ_CHECK(loaded.ok(), loaded.status().ToString());
    return new policy::WorkingCalendar(*std::move(loaded));
  }();
  return *calendar;
}

// The shipped packs' text by name, read once.
const std::map<std::string, policy::PackSource>& ShippedPacks() {
  static const auto* const packs = [] {
    auto* out = new std::map<std::string, policy::PackSource>;
    for (const char* name : {"devon", "havering", "lancashire", "multi-agency", "stoke-on-trent"}) {
      const std::string path = absl::StrCat(policy::DefaultPackDir(), "/", name, ".yaml");
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      OVERSIGHT_FUZZ_CHECK(in.good() || in.eof(), absl::StrCat("cannot read ", path));
      (*out)[name] = policy::PackSource{text.str(), path};
    }
    return out;
  }();
  return *packs;
}

void CheckStatus(const absl::Status& status, absl::string_view what) {
  OVERSIGHT_FUZZ_CHECK(status.code() == absl::StatusCode::kNotFound ||
                           status.code() == absl::StatusCode::kFailedPrecondition ||
                           status.code() == absl::StatusCode::kInvalidArgument,
                       absl::StrCat(what, ": undocumented error ", status.ToString()));
  OVERSIGHT_FUZZ_CHECK(!status.message().empty(), absl::StrCat(what, ": error without message"));
}

void CheckDue(const DueDate& due, absl::CivilDay from, absl::string_view what) {
  OVERSIGHT_FUZZ_CHECK(!due.explanation.rule_id.empty(), absl::StrCat(what, ": no rule id"));
  if (due.paused) return;
  OVERSIGHT_FUZZ_CHECK(due.due_at != absl::InfiniteFuture() && due.due_at != absl::InfinitePast(),
                       absl::StrCat(what, ": infinite due date without a pause"));
  OVERSIGHT_FUZZ_CHECK(
      due.due_day >= from,
      absl::StrCat(what, " (", due.explanation.rule_id, "): due ",
                   absl::FormatCivilTime(due.due_day), " before ", absl::FormatCivilTime(from)));
}

void CheckDue(const absl::StatusOr<DueDate>& due, absl::CivilDay from, absl::string_view what) {
  if (!due.ok()) return CheckStatus(due.status(), what);
  CheckDue(*due, from, what);
}

constexpr absl::CivilDay kStart(2024, 1, 8);

void RunEngine(const policy::Pack& pack) {
  const policy::Engine engine(pack, Calendar());
  const policy::WorkingCalendar& calendar = Calendar();

  std::vector<policy::WorkerFacts> workers(5);
  for (auto& w : workers) {
    w.worker_id = "w";
    w.start_date = kStart;
    w.last_personal_supervision = kStart + 20;
    w.supervisor_since = kStart;
  }
  workers[1].asye_start = kStart;
  workers[2].fte = 0.5;
  workers[3].agency = true;
  workers[3].probation_end = kStart + 180;
  workers[4].absences.push_back(
      {policy::AbsenceReason::kSickness, policy::Party::kSupervisee, kStart + 25, kStart + 60});
  workers[4].left_on = kStart + 300;
  workers[4].left_childrens_services = true;
  for (const auto& worker : workers) {
    const auto items = engine.AllWorkerItems(worker);
    if (!items.ok()) {
      CheckStatus(items.status(), "AllWorkerItems");
      continue;
    }
    for (const DueDate& due : *items)
      CheckDue(due, kStart, "worker item");
  }

  for (int type = 0; type < policy::kCaseTypeCount; ++type) {
    for (auto risk : {policy::RiskLevel::kStandard, policy::RiskLevel::kHigh}) {
      policy::ChildFacts child;
      child.child_id = "c";
      child.case_type = static_cast<policy::CaseType>(type);
      child.risk = risk;
      child.allocated_on = kStart;
      child.placement.placed_with_parents = type % 2 == 0;
      child.in_care_proceedings = type % 3 == 0;
      CheckDue(engine.NextCaseDiscussion(child), kStart, "NextCaseDiscussion");
    }
  }

  const absl::Time at = calendar.EndOfDay(kStart) - absl::Hours(10);
  for (const policy::TriggerRule& trigger : pack.triggers) {
    policy::CaseEventFacts event{"e", trigger.event_type, "c", at, {}};
    for (const policy::TriggerCondition& c : trigger.conditions) {
      if (c.op != policy::TriggerCondition::Op::kAbsent) {
        event.fields[c.field] = c.value.empty() ? "x" : c.value;
      }
    }
    for (const policy::RequiredOversight& required : engine.TriggeredOversight(event)) {
      CheckDue(required.due, kStart, absl::StrCat("trigger ", trigger.name));
      OVERSIGHT_FUZZ_CHECK(required.due.due_at >= at || required.due.paused,
                           absl::StrCat("trigger ", trigger.name, " due before its event"));
    }
  }

  for (int kind = 0; kind <= static_cast<int>(policy::RecordKind::kObservation); ++kind) {
    const policy::SessionFacts session{"r", static_cast<policy::RecordKind>(kind), at, {}, {}};
    for (const DueDate& due : engine.RecordingDeadlines(session)) {
      CheckDue(due, kStart, "RecordingDeadlines");
    }
  }
  CheckDue(engine.NextGroupSupervision(policy::TeamFacts{"t", kStart, kStart + 10}), kStart,
           "NextGroupSupervision");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find("\n%%\n");
  const absl::string_view pack_text = input.substr(0, split);
  const std::optional<absl::string_view> base_text =
      split == absl::string_view::npos ? std::nullopt
                                       : std::optional<absl::string_view>(input.substr(split + 4));
  const policy::PackResolver resolver =
      [&](absl::string_view name) -> absl::StatusOr<policy::PackSource> {
    const auto& shipped = ShippedPacks();
    if (auto it = shipped.find(std::string(name)); it != shipped.end()) return it->second;
    if (base_text.has_value()) return policy::PackSource{std::string(*base_text), "base.yaml"};
    return absl::NotFoundError(absl::StrCat("no pack called '", name, "'"));
  };

  const absl::StatusOr<policy::Pack> pack = policy::ParsePack(pack_text, "pack.yaml", resolver);
  if (!pack.ok()) {
    OVERSIGHT_FUZZ_CHECK(pack.status().code() == absl::StatusCode::kInvalidArgument,
                         pack.status().ToString());
    const absl::string_view message = pack.status().message();
    OVERSIGHT_FUZZ_CHECK(
        absl::StrContains(message, ": ") &&
            (absl::StartsWith(message, "pack.yaml: ") || absl::StartsWith(message, "base.yaml: ") ||
             absl::StartsWith(message, policy::DefaultPackDir())),
        absl::StrCat("error does not name the file and field: ", message));
    return 0;
  }
  OVERSIGHT_FUZZ_CHECK(!pack->authority.empty(), "accepted without an authority");
  OVERSIGHT_FUZZ_CHECK(!pack->files.empty() && pack->files.back() == "pack.yaml",
                       "the pack's own file is not the last one merged");
  std::set<std::string> names;
  for (const policy::TriggerRule& trigger : pack->triggers) {
    OVERSIGHT_FUZZ_CHECK(names.insert(trigger.name).second,
                         absl::StrCat("two triggers named '", trigger.name, "'"));
    OVERSIGHT_FUZZ_CHECK(google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
                             trigger.event_type) != nullptr,
                         absl::StrCat("trigger ", trigger.name, " on unknown event type '",
                                      trigger.event_type, "'"));
  }
  RunEngine(*pack);
  return 0;
}
