// Due-date computations per second on one core, for a realistic mix: 100,000 children and
// 10,000 workers spread over the five shipped packs, plus case events and sessions.
// Run: build-policy/libs/policy/oversight_policy_bench --benchmark_min_time=2
#include <memory>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "oversight/policy/calendar.h"
#include "oversight/policy/engine.h"
#include "oversight/policy/pack.h"

namespace oversight::policy {
namespace {

constexpr const char* kPacks[] = {"havering", "devon", "stoke-on-trent", "lancashire",
                                  "multi-agency"};
constexpr int kChildren = 100000;
constexpr int kWorkers = 10000;

struct World {
  WorkingCalendar calendar;
  std::vector<std::unique_ptr<Pack>> packs;
  std::vector<std::unique_ptr<Engine>> engines;
  std::vector<std::pair<int, ChildFacts>> children;  // (engine index, facts)
  std::vector<std::pair<int, WorkerFacts>> workers;
  std::vector<std::pair<int, CaseEventFacts>> events;
  std::vector<std::pair<int, SessionFacts>> sessions;
};

absl::CivilDay Day(std::mt19937& rng, absl::CivilDay lo, int span) {
  return lo + static_cast<int64_t>(rng() % static_cast<unsigned>(span));
}

const World& GetWorld() {
  static const World* world = [] {
    absl::StatusOr<WorkingCalendar> cal = WorkingCalendar::LoadFile(DefaultCalendarPath());
    if (!cal.ok()) std::abort();
    auto* w = new World{*std::move(cal), {}, {}, {}, {}, {}, {}};
    for (const char* name : kPacks) {
      absl::StatusOr<Pack> p = LoadPack(DefaultPackDir(), name);
      if (!p.ok()) std::abort();
      w->packs.push_back(std::make_unique<Pack>(*std::move(p)));
      w->engines.push_back(std::make_unique<Engine>(*w->packs.back(), w->calendar));
    }
    std::mt19937 rng(12345);
    // Case types roughly as in a children's services caseload: CIN and CP most common.
    const CaseType mix[] = {CaseType::kChildInNeed,      CaseType::kChildInNeed,
                            CaseType::kChildInNeed,      CaseType::kChildProtection,
                            CaseType::kChildProtection,  CaseType::kChildLookedAfter,
                            CaseType::kChildLookedAfter, CaseType::kEarlyHelp,
                            CaseType::kAssessment,       CaseType::kCareLeaver};
    for (int i = 0; i < kChildren; ++i) {
      const int e = i % 5;
      ChildFacts c;
      c.child_id = "c" + std::to_string(i);
      c.case_type = mix[rng() % 10];
      if (e == 2 && c.case_type == CaseType::kCareLeaver) c.case_type = CaseType::kChildInNeed;
      c.risk = rng() % 4 == 0 ? RiskLevel::kHigh : RiskLevel::kStandard;
      c.placement.placed_with_parents =
          c.case_type == CaseType::kChildLookedAfter && rng() % 8 == 0;
      c.placement.long_term_matched = c.case_type == CaseType::kChildLookedAfter && rng() % 3 == 0;
      c.placement.stability_concern = rng() % 10 == 0;
      c.in_care_proceedings = rng() % 15 == 0;
      c.allocated_on = Day(rng, absl::CivilDay(2023, 1, 1), 900);
      if (rng() % 10 != 0)
        c.last_case_discussion = c.allocated_on + static_cast<int64_t>(rng() % 120);
      w->children.emplace_back(e, std::move(c));
    }
    for (int i = 0; i < kWorkers; ++i) {
      WorkerFacts f;
      f.worker_id = "w" + std::to_string(i);
      f.start_date = Day(rng, absl::CivilDay(2015, 1, 1), 3800);
      if (rng() % 8 == 0) f.asye_start = f.start_date;
      if (rng() % 5 == 0) f.fte = 0.5 + 0.1 * static_cast<double>(rng() % 5);
      if (rng() % 10 == 0) f.agency = true;
      if (rng() % 6 == 0) f.probation_end = f.start_date + 180;
      f.last_personal_supervision = f.start_date + static_cast<int64_t>(rng() % 60);
      if (rng() % 20 == 0) {
        const absl::CivilDay from = *f.last_personal_supervision + 10;
        f.absences.push_back({AbsenceReason::kSickness, Party::kSupervisee, from,
                              from + static_cast<int64_t>(5 + rng() % 30)});
      }
      w->workers.emplace_back(i % 5, std::move(f));
    }
    const char* types[] = {"oversight.cases.v1.CaseAllocated",
                           "oversight.cases.v1.SignificantIncident",
                           "oversight.cases.v1.AssessmentStarted",
                           "oversight.cases.v1.CaseDiscussionOutsideSupervision",
                           "oversight.cases.v1.ChildEnteredCare"};
    for (int i = 0; i < 10000; ++i) {
      CaseEventFacts ev;
      ev.event_id = "e" + std::to_string(i);
      ev.type = types[rng() % 5];
      ev.child_id = "c" + std::to_string(rng() % kChildren);
      ev.occurred_at = w->calendar.EndOfDay(Day(rng, absl::CivilDay(2024, 1, 1), 700)) -
                       absl::Minutes(rng() % 1440);
      if (ev.type == std::string(types[2])) ev.fields["kind"] = "ASSESSMENT_KIND_CHILD_AND_FAMILY";
      w->events.emplace_back(i % 5, std::move(ev));
    }
    for (int i = 0; i < 10000; ++i) {
      SessionFacts s;
      s.record_id = "r" + std::to_string(i);
      s.kind = rng() % 2 ? RecordKind::kCaseSupervision : RecordKind::kPersonalSupervision;
      s.held_at = w->calendar.EndOfDay(Day(rng, absl::CivilDay(2024, 1, 1), 700)) - absl::Hours(8);
      w->sessions.emplace_back(i % 5, std::move(s));
    }
    return w;
  }();
  return *world;
}

void BM_CaseDiscussion(benchmark::State& state) {
  const World& w = GetWorld();
  size_t i = 0;
  for (auto _ : state) {
    const auto& [e, child] = w.children[i];
    benchmark::DoNotOptimize(w.engines[e]->NextCaseDiscussion(child));
    if (++i == w.children.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CaseDiscussion);

void BM_PersonalSupervision(benchmark::State& state) {
  const World& w = GetWorld();
  size_t i = 0;
  for (auto _ : state) {
    const auto& [e, worker] = w.workers[i];
    benchmark::DoNotOptimize(w.engines[e]->NextPersonalSupervision(worker));
    if (++i == w.workers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PersonalSupervision);

void BM_TriggeredOversight(benchmark::State& state) {
  const World& w = GetWorld();
  size_t i = 0;
  int64_t items = 0;
  for (auto _ : state) {
    const auto& [e, ev] = w.events[i];
    auto r = w.engines[e]->TriggeredOversight(ev);
    items += static_cast<int64_t>(r.size());
    benchmark::DoNotOptimize(r);
    if (++i == w.events.size()) i = 0;
  }
  state.SetItemsProcessed(items);
}
BENCHMARK(BM_TriggeredOversight);

// The realistic mix: per 100 computations, 80 case discussions (children outnumber workers
// ten to one and each is recomputed on every discussion), 8 personal supervisions, 6 recording
// deadlines (sessions) and 6 trigger evaluations (case events). Items = due dates computed.
void BM_RealisticMix(benchmark::State& state) {
  const World& w = GetWorld();
  size_t ci = 0, wi = 0, ei = 0, si = 0;
  int64_t computed = 0;
  unsigned step = 0;
  for (auto _ : state) {
    const unsigned slot = step++ % 100;
    if (slot < 80) {
      const auto& [e, child] = w.children[ci];
      benchmark::DoNotOptimize(w.engines[e]->NextCaseDiscussion(child));
      ++computed;
      if (++ci == w.children.size()) ci = 0;
    } else if (slot < 88) {
      const auto& [e, worker] = w.workers[wi];
      benchmark::DoNotOptimize(w.engines[e]->NextPersonalSupervision(worker));
      ++computed;
      if (++wi == w.workers.size()) wi = 0;
    } else if (slot < 94) {
      const auto& [e, s] = w.sessions[si];
      auto r = w.engines[e]->RecordingDeadlines(s);
      computed += static_cast<int64_t>(r.size());
      benchmark::DoNotOptimize(r);
      if (++si == w.sessions.size()) si = 0;
    } else {
      const auto& [e, ev] = w.events[ei];
      auto r = w.engines[e]->TriggeredOversight(ev);
      computed += static_cast<int64_t>(r.size());
      benchmark::DoNotOptimize(r);
      if (++ei == w.events.size()) ei = 0;
    }
  }
  state.SetItemsProcessed(computed);
}
BENCHMARK(BM_RealisticMix);

}  // namespace
}  // namespace oversight::policy
