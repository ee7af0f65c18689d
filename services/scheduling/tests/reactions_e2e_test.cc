// Every reaction of issue #4 end to end: the oversight-scheduling binary as two replicas in one
// consumer group (they share the topics' partitions and the timer claim), on a real redis-server
// and the embedded Kafka broker. Events go in as HR, case, recording and oversight-triggers
// publish them; due items come out over gRPC (ExplainItem) and schedule events off the
// schedule-events topic. The replicas' manual clocks are moved over ClockControl: no sleep waits
// for a due date.
//
// The scenarios are a table: each names its subjects (unique to it), and at each step publishes
// events and expects items and schedule events. All scenarios run their step N together; a step
// ends when scheduling has applied every event of it (its processed marker in Redis), so the
// next step's events (often on another topic) come after. Dates are hand-computed from the packs
// (RULES.md ids), on the England and Wales calendar: bank holidays 1 Jan, 18 Apr (Good Friday),
// 21 Apr (Easter Monday), 5 May and 26 May 2025. A due date is the end of its London day.
//
// The replicas' clocks stay at 1 Jan 2024 while the reactions run (events carry their own
// occurred_at: deadlines run from when things happened), so no timer fires then; the stage test
// moves them forward.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/redis/connection.h"
#include "oversight/redis/outbox.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/scheduling/v1/scheduling_service.grpc.pb.h"
#include "oversight/testing/wait_until.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::e2e {
namespace {

namespace cases = ::oversight::cases::v1;
namespace rec = ::oversight::recording::v1;
namespace sch = ::oversight::scheduling::v1;
namespace trg = ::oversight::triggers::v1;
namespace wf = ::oversight::workforce::v1;
using common::v1::CaseType;
using common::v1::RiskLevel;

constexpr char kHavering[] = "havering";
constexpr char kDevon[] = "devon";
constexpr char kStoke[] = "stoke-on-trent";

// ---- time, in London ----
const absl::TimeZone& London() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/London", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}
absl::Time At(int y, int m, int d, int h = 12, int min = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, min, 0), London());
}
absl::Time EndOf(int y, int m, int d) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, 23, 59, 59), London());
}
absl::Time StartOf(int y, int m, int d) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, 0, 0, 0), London());
}
absl::CivilDay Day(int y, int m, int d) {
  return absl::CivilDay(y, m, d);
}
void SetDate(absl::CivilDay day, common::v1::Date* date) {
  date->set_year(static_cast<int>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

// ---- events, as their publishers send them ----
struct Pub {
  std::string topic;  // a System topic name ("workforce_events" ...)
  std::string key;
  std::shared_ptr<google::protobuf::Message> event;
  std::string authority;
  std::string event_id;
};

template <typename E>
Pub Make(const char* topic, const std::string& authority, const std::string& key,
         const std::string& id, absl::Time at, E event) {
  common::v1::EventMeta* meta = event.mutable_meta();
  meta->set_event_id(id);
  meta->set_authority_id(authority);
  meta->set_subject(key);
  events::ToTimestamp(at, meta->mutable_occurred_at());
  return {topic, key, std::make_shared<E>(std::move(event)), authority, id};
}

struct JoinFacts {
  std::optional<absl::CivilDay> asye_start;
  std::optional<absl::CivilDay> probation_end;
  double fte = 0;
  bool agency = false;
};

// `worker` joins on `start` (published that day at noon unless `published` says otherwise).
Pub Join(const std::string& a, const std::string& worker, const std::string& supervisor,
         const std::string& team, absl::CivilDay start, JoinFacts facts = {},
         std::optional<absl::Time> published = std::nullopt) {
  wf::WorkerJoined e;
  e.set_worker_id(worker);
  e.set_supervisor_id(supervisor);
  e.set_team_id(team);
  SetDate(start, e.mutable_start_date());
  if (facts.asye_start) SetDate(*facts.asye_start, e.mutable_asye_start_date());
  if (facts.probation_end) SetDate(*facts.probation_end, e.mutable_probation_end_date());
  e.set_fte(facts.fte);
  e.set_employment(facts.agency ? wf::EMPLOYMENT_AGENCY : wf::EMPLOYMENT_PERMANENT);
  const absl::Time at =
      published.value_or(At(static_cast<int>(start.year()), start.month(), start.day()));
  return Make("workforce_events", a, worker, "hr-join-" + worker, at, e);
}

Pub Left(const std::string& a, const std::string& worker, absl::CivilDay on, bool left_service) {
  wf::WorkerLeft e;
  e.set_worker_id(worker);
  SetDate(on, e.mutable_left_on());
  e.set_left_childrens_services(left_service);
  return Make("workforce_events", a, worker, "hr-left-" + worker,
              At(static_cast<int>(on.year()), on.month(), on.day()), e);
}

Pub NewSupervisor(const std::string& a, const std::string& worker, const std::string& supervisor,
                  absl::Time at) {
  wf::SupervisorChanged e;
  e.set_worker_id(worker);
  e.set_supervisor_id(supervisor);
  return Make("workforce_events", a, worker, "hr-supervisor-" + worker, at, e);
}

Pub SickFrom(const std::string& a, const std::string& worker, absl::CivilDay on) {
  wf::AbsenceStarted e;
  e.set_worker_id(worker);
  e.set_reason(wf::ABSENCE_REASON_SICKNESS);
  SetDate(on, e.mutable_starts_on());
  return Make("workforce_events", a, worker, "hr-sick-" + worker,
              At(static_cast<int>(on.year()), on.month(), on.day()), e);
}

Pub BackOn(const std::string& a, const std::string& worker, absl::CivilDay on) {
  wf::AbsenceEnded e;
  e.set_worker_id(worker);
  e.set_reason(wf::ABSENCE_REASON_SICKNESS);
  SetDate(on, e.mutable_returned_on());
  return Make("workforce_events", a, worker, "hr-back-" + worker,
              At(static_cast<int>(on.year()), on.month(), on.day()), e);
}

struct CaseFacts {
  RiskLevel risk = common::v1::RISK_LEVEL_STANDARD;
  bool placed_with_parents = false;
  bool long_term_matched = false;
  bool in_care_proceedings = false;
};

Pub Allocate(const std::string& a, const std::string& child, const std::string& worker,
             const std::string& team, CaseType type, absl::Time at, CaseFacts facts = {}) {
  cases::CaseAllocated e;
  e.set_child_id(child);
  e.set_worker_id(worker);
  e.set_team_id(team);
  e.set_case_type(type);
  e.set_risk(facts.risk);
  e.set_in_care_proceedings(facts.in_care_proceedings);
  e.mutable_placement()->set_placed_with_parents(facts.placed_with_parents);
  e.mutable_placement()->set_long_term_matched(facts.long_term_matched);
  return Make("case_events", a, child, "lcs-alloc-" + child, at, e);
}

Pub RiskRaised(const std::string& a, const std::string& child, absl::Time at) {
  cases::RiskLevelChanged e;
  e.set_child_id(child);
  e.set_risk(common::v1::RISK_LEVEL_HIGH);
  e.set_previous_risk(common::v1::RISK_LEVEL_STANDARD);
  return Make("case_events", a, child, "lcs-risk-" + child, at, e);
}

Pub StabilityConcern(const std::string& a, const std::string& child, absl::Time at) {
  cases::PlacementChanged e;
  e.set_child_id(child);
  e.mutable_placement()->set_stability_concern(true);
  return Make("case_events", a, child, "lcs-placement-" + child, at, e);
}

Pub Closed(const std::string& a, const std::string& child, absl::Time at) {
  cases::CaseClosed e;
  e.set_child_id(child);
  return Make("case_events", a, child, "lcs-closed-" + child, at, e);
}

Pub Transferred(const std::string& a, const std::string& child, const std::string& to_team,
                const std::string& to_authority, absl::Time at) {
  cases::CaseTransferred e;
  e.set_child_id(child);
  e.set_to_team_id(to_team);
  e.set_to_authority_id(to_authority);
  return Make("case_events", a, child, "lcs-transfer-" + child, at, e);
}

Pub Reallocated(const std::string& a, const std::string& child, const std::string& worker,
                absl::Time at) {
  cases::LeadPractitionerChanged e;
  e.set_child_id(child);
  e.set_worker_id(worker);
  return Make("case_events", a, child, "lcs-lead-" + child, at, e);
}

// A session recording publishes (key: the first supervisee, else the team).
Pub Held(const std::string& a, const std::string& record, rec::RecordKind kind,
         const std::string& supervisor, std::vector<std::string> supervisees,
         std::vector<std::string> children, absl::Time held_at, const std::string& team = "") {
  rec::SessionHeld e;
  e.set_record_id(record);
  e.set_kind(kind);
  e.set_supervisor_id(supervisor);
  for (auto& s : supervisees)
    e.add_supervisee_ids(s);
  for (auto& c : children)
    e.add_child_ids(c);
  e.set_team_id(team);
  events::ToTimestamp(held_at, e.mutable_held_at());
  const std::string key = supervisees.empty() ? team : supervisees.front();
  return Make("supervision_events", a, key, "rec-held-" + record, held_at, e);
}

Pub Recorded(const std::string& a, const std::string& record, absl::Time at) {
  rec::RecordRecorded e;
  e.set_record_id(record);
  return Make("supervision_events", a, record, "rec-recorded-" + record, at, e);
}

Pub Circulated(const std::string& a, const std::string& record, const std::string& supervisee,
               absl::Time at) {
  rec::RecordCirculated e;
  e.set_record_id(record);
  e.set_supervisee_id(supervisee);
  return Make("supervision_events", a, supervisee, "rec-circulated-" + record, at, e);
}

Pub Signed(const std::string& a, const std::string& record, const std::string& signer,
           absl::Time at) {
  rec::RecordSigned e;
  e.set_record_id(record);
  e.set_signer_id(signer);
  e.set_fully_signed(true);
  return Make("supervision_events", a, signer, "rec-signed-" + record, at, e);
}

Pub AgreementSigned(const std::string& a, const std::string& supervisor,
                    const std::string& supervisee, absl::Time at) {
  rec::AgreementSigned e;
  e.set_record_id("agreement-" + supervisee);
  e.set_supervisor_id(supervisor);
  e.set_supervisee_id(supervisee);
  return Make("supervision_events", a, supervisee, "rec-agreement-" + supervisee, at, e);
}

Pub TaskOpened(const std::string& a, const std::string& task, const std::string& child,
               const std::string& owner, const std::string& rule, absl::Time due, absl::Time at) {
  trg::TaskOpened e;
  trg::OversightTask* t = e.mutable_task();
  t->set_task_id(task);
  t->set_authority_id(a);
  t->set_child_id(child);
  t->set_owner_id(owner);
  t->set_rule_id(rule);
  events::ToTimestamp(due, t->mutable_due_at());
  return Make("tasks", a, child, "task-opened-" + task, at, e);
}

Pub TaskDone(const std::string& a, const std::string& task, const std::string& child,
             absl::Time at) {
  trg::TaskCompleted e;
  e.set_task_id(task);
  e.set_child_id(child);
  return Make("tasks", a, child, "task-done-" + task, at, e);
}

Pub TaskDropped(const std::string& a, const std::string& task, const std::string& child,
                const std::string& reason, absl::Time at) {
  trg::TaskCancelled e;
  e.set_task_id(task);
  e.set_child_id(child);
  e.set_reason(reason);
  return Make("tasks", a, child, "task-cancelled-" + task, at, e);
}

Pub TaskMoved(const std::string& a, const std::string& task, const std::string& child,
              const std::string& owner, absl::Time due, absl::Time at) {
  trg::TaskReassigned e;
  e.set_task_id(task);
  e.set_child_id(child);
  e.set_owner_id(owner);
  events::ToTimestamp(due, e.mutable_due_at());
  return Make("tasks", a, child, "task-moved-" + task, at, e);
}

// ---- what must come out ----
struct Expect {
  enum class Kind { kDue, kPaused, kGone, kPublished } kind;
  std::string authority;
  std::string item_id;
  absl::Time due;           // kDue
  std::string rule;         // kDue
  std::string supervisor;   // kDue: "" = not checked
  std::string fact, value;  // kDue: an explanation fact that must be there ("" = none)
  std::string type;         // kPublished: ItemSatisfied, ItemCancelled ...
  std::string extra;        // kPublished: by_event_id / reason / escalate_to_id ("" = any)
  std::string because;      // the hand computation, shown on failure
};

Expect Due(const std::string& a, const std::string& item, absl::Time due, const std::string& rule,
           const std::string& because, const std::string& supervisor = "") {
  Expect e{Expect::Kind::kDue, a, item};
  e.due = due;
  e.rule = rule;
  e.supervisor = supervisor;
  e.because = because;
  return e;
}
Expect WithFact(Expect e, const std::string& fact, const std::string& value) {
  e.fact = fact;
  e.value = value;
  return e;
}
Expect Paused(const std::string& a, const std::string& item, const std::string& because) {
  Expect e{Expect::Kind::kPaused, a, item};
  e.because = because;
  return e;
}
Expect Gone(const std::string& a, const std::string& item, const std::string& because) {
  Expect e{Expect::Kind::kGone, a, item};
  e.because = because;
  return e;
}
Expect Published(const std::string& a, const std::string& item, const std::string& type,
                 const std::string& extra, const std::string& because) {
  Expect e{Expect::Kind::kPublished, a, item};
  e.type = type;
  e.extra = extra;
  e.because = because;
  return e;
}

struct Step {
  std::vector<Pub> publish;
  std::vector<Expect> expect;
};
struct Scenario {
  std::string name;
  std::map<int, Step> steps;  // step number -> what happens then
};

// A schedule event read off the topic.
struct ScheduleEvent {
  std::string authority;
  std::string type;  // without the package
  std::string item_id;
  std::string extra;
  std::string event_id;
  sch::DueItem item;
};

std::vector<ScheduleEvent> Decode(const std::vector<kafka::ConsumedMessage>& records) {
  std::vector<ScheduleEvent> out;
  for (const auto& record : records) {
    std::string type(record.headers.Get("ce_type").value_or(""));
    constexpr std::string_view kPackage = "oversight.scheduling.v1.";
    if (!type.starts_with(kPackage)) continue;
    type = type.substr(kPackage.size());
    ScheduleEvent e{"", type};
    auto take = [&](auto message) {
      if (!message.ParseFromString(record.value)) return message;
      e.authority = message.meta().authority_id();
      e.event_id = message.meta().event_id();
      e.item = message.item();
      e.item_id = message.item().item_id();
      return message;
    };
    if (type == "ItemSatisfied") {
      e.extra = take(sch::ItemSatisfied()).by_event_id();
    } else if (type == "ItemCancelled") {
      e.extra = take(sch::ItemCancelled()).reason();
    } else if (type == "ItemEscalated") {
      e.extra = take(sch::ItemEscalated()).escalate_to_id();
    } else {
      take(sch::ItemDue());  // every stage event has meta = 1 and item = 2
    }
    out.push_back(std::move(e));
  }
  return out;
}

bool Matches(const Expect& x, const ScheduleEvent& e) {
  return e.authority == x.authority && e.item_id == x.item_id && e.type == x.type &&
         (x.extra.empty() || e.extra == x.extra);
}

class SchedulingReactionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto system = System::Create(kafka::testing::BrokerKind::kEmbedded);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = system->release();
    const std::map<std::string, std::string> env = {
        {"OVERSIGHT_CLOCK_MODE", "manual"},
        {"OVERSIGHT_CLOCK_START", "2024-01-01T00:00:00Z"},
        {"OVERSIGHT_SCHEDULING_TIMER_INTERVAL", "20ms"},
        {"OVERSIGHT_OUTBOX_POLL_INTERVAL", "20ms"},
        {"OVERSIGHT_POLICY_AUTHORITIES", "devon,havering,stoke-on-trent"},
    };
    auto a = system_->StartService(kScheduling, env);
    ASSERT_TRUE(a.ok()) << a.status();
    auto b = system_->StartReplica(kScheduling, "b", env);
    ASSERT_TRUE(b.ok()) << b.status();
    replicas_ = {*a, *b};
    auto redis = redis::Connection::Connect(system_->redis().connection_options());
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = redis->release();

    // The managers, and who they report to (escalations go to the supervisor's line manager).
    std::vector<Pub> managers = {
        Join(kHavering, "h-mgr", "h-head", "h-team", Day(2023, 3, 6)),
        Join(kDevon, "d-mgr", "d-head", "d-team", Day(2023, 3, 6)),
        Join(kDevon, "d-mgr2", "d-head", "d-team-b", Day(2023, 3, 6)),
        Join(kStoke, "s-mgr", "s-head", "s-team", Day(2023, 3, 6)),
        Join(kStoke, "s-mgr2", "s-head", "s-team", Day(2023, 3, 6)),
    };
    ASSERT_NO_FATAL_FAILURE(PublishAndApply(managers));
  }
  static void TearDownTestSuite() {
    delete redis_;
    delete system_;
  }

  // Publishes the events and waits until scheduling applied each one.
  static void PublishAndApply(const std::vector<Pub>& pubs) {
    for (const Pub& p : pubs) {
      ASSERT_TRUE(system_->Publish(p.topic, p.key, *p.event).ok()) << p.event_id;
    }
    std::vector<std::string> waiting;
    const bool applied = testing::WaitUntil(
        [&] {
          waiting.clear();
          for (const Pub& p : pubs) {
            auto exists = redis_->Command(
                {"EXISTS", redis::ProcessedKey(p.authority, kScheduling, p.event_id)});
            if (!exists.ok() || exists->integer() != 1) waiting.push_back(p.event_id);
          }
          return waiting.empty();
        },
        absl::Seconds(60));
    ASSERT_TRUE(applied) << "not applied by scheduling: " << absl::StrJoin(waiting, ", ") << "\n"
                         << replicas_[0]->ReadLog().substr(0, 4000);
  }

  // A token valid on the replicas' manual clocks (from 1 Jan 2024, for five years).
  static std::string Token() {
    return System::Token("reactions-test", {},
                         absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone()),
                         absl::Hours(24 * 365 * 5));
  }

  static grpc::Status Explain(const std::string& authority, const std::string& item,
                              sch::DueItem* out) {
    auto stub = sch::SchedulingService::NewStub(replicas_[0]->Channel());
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token());
    sch::ExplainItemRequest request;
    request.set_authority_id(authority);
    request.set_item_id(item);
    return stub->ExplainItem(&context, request, out);
  }

  // "" if the expectation about an item holds, else what was found.
  static std::string CheckItem(const Expect& x) {
    sch::DueItem item;
    grpc::Status status = Explain(x.authority, x.item_id, &item);
    if (x.kind == Expect::Kind::kGone) {
      return status.error_code() == grpc::StatusCode::NOT_FOUND
                 ? ""
                 : "still there, due " + absl::FormatTime(events::FromTimestamp(item.due_at()));
    }
    if (!status.ok()) return "ExplainItem: " + status.error_message();
    if (x.kind == Expect::Kind::kPaused) {
      const auto& facts = item.explanation().facts();
      return !item.has_due_at() && facts.count("paused") && facts.at("paused") == "true"
                 ? ""
                 : "not paused: due " + absl::FormatTime(events::FromTimestamp(item.due_at()));
    }
    std::vector<std::string> wrong;
    if (!item.has_due_at() || events::FromTimestamp(item.due_at()) != x.due) {
      wrong.push_back(absl::StrCat("due ",
                                   absl::FormatTime(events::FromTimestamp(item.due_at()), London()),
                                   ", expected ", absl::FormatTime(x.due, London())));
    }
    if (item.explanation().rule_id() != x.rule) {
      wrong.push_back("rule " + item.explanation().rule_id() + ", expected " + x.rule);
    }
    if (!x.supervisor.empty() && item.supervisor_id() != x.supervisor) {
      wrong.push_back("supervisor " + item.supervisor_id() + ", expected " + x.supervisor);
    }
    if (!x.fact.empty()) {
      auto it = item.explanation().facts().find(x.fact);
      if (it == item.explanation().facts().end() || it->second != x.value) {
        wrong.push_back("no fact " + x.fact + "=" + x.value);
      }
    }
    return absl::StrJoin(wrong, "; ");
  }

  static std::vector<ScheduleEvent> CollectUntil(
      const std::function<bool(const std::vector<ScheduleEvent>&)>& done, absl::Duration timeout) {
    kafka::testing::TopicCollector collector(system_->broker().client_config(),
                                             system_->Topic("schedule_events"));
    std::vector<ScheduleEvent> last;
    (void)collector.CollectUntil(
        [&](const std::vector<kafka::ConsumedMessage>& got) {
          last = Decode(got);
          return done(last);
        },
        timeout);
    return last;
  }

  static void SetTime(absl::Time now) {
    for (ServiceProcess* replica : replicas_) {
      auto stub = runtime::v1::ClockControl::NewStub(replica->Channel());
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + Token());
      runtime::v1::SetTimeRequest request;
      events::ToTimestamp(now, request.mutable_now());
      runtime::v1::TimeResponse response;
      grpc::Status status = stub->SetTime(&context, request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  static System* system_;
  static std::vector<ServiceProcess*> replicas_;
  static redis::Connection* redis_;
};
System* SchedulingReactionsTest::system_ = nullptr;
std::vector<ServiceProcess*> SchedulingReactionsTest::replicas_;
redis::Connection* SchedulingReactionsTest::redis_ = nullptr;

// The table. Step 1: workers join; later steps: what happens to them and their children.
std::vector<Scenario> Scenarios() {
  using rec::RECORD_KIND_AD_HOC_DISCUSSION;
  const auto ps = [](const std::string& w) { return "personal_supervision:" + w; };
  const auto cd = [](const std::string& c) { return "case_discussion:" + c; };
  const CaseType cin = common::v1::CASE_TYPE_CHILD_IN_NEED;
  const CaseType cp = common::v1::CASE_TYPE_CHILD_PROTECTION;
  const CaseType cla = common::v1::CASE_TYPE_CHILD_LOOKED_AFTER;
  const CaseType leaver = common::v1::CASE_TYPE_CARE_LEAVER;
  const CaseType early_help = common::v1::CASE_TYPE_EARLY_HELP;
  const RiskLevel high = common::v1::RISK_LEVEL_HIGH;
  const std::string H = kHavering, D = kDevon, S = kStoke;
  std::vector<Scenario> all;

  // ---------------- Havering ----------------
  all.push_back(
      {"H1 standard, H12 agreement, H13 observation, H14 PDR",
       {{1,
         {{Join(H, "h1-w", "h-mgr", "h-team", Day(2025, 1, 6))},
          {Due(H, ps("h1-w"), EndOf(2025, 2, 6), "H1", "monthly from the start on Mon 6 Jan 2025",
               "h-mgr"),
           Due(H, "new_agreement:h1-w", EndOf(2025, 2, 6), "H12",
               "a new contract within 1 month of the start"),
           Due(H, "observation:h1-w", EndOf(2025, 7, 6), "H13",
               "observation six-monthly from the start"),
           Due(H, "pdr:h1-w", EndOf(2025, 7, 6), "H14", "PDR six-monthly")}}},
        {2,
         {{AgreementSigned(H, "h-mgr", "h1-w", At(2025, 1, 20))},
          {Published(H, "new_agreement:h1-w", "ItemSatisfied", "rec-agreement-h1-w",
                     "signed on Mon 20 Jan"),
           Due(H, "agreement_review:h1-w", EndOf(2026, 1, 20), "H12",
               "reviewed 12 months after the signature")}}},
        {3,
         {{Held(H, "h13-obs", rec::RECORD_KIND_OBSERVATION, "h-mgr", {"h1-w"}, {}, At(2025, 5, 12)),
           Held(H, "h14-pdr", rec::RECORD_KIND_PDR, "h-mgr", {"h1-w"}, {}, At(2025, 5, 12))},
          {Published(H, "observation:h1-w", "ItemSatisfied", "rec-held-h13-obs",
                     "observed on Mon 12 May"),
           Due(H, "observation:h1-w", EndOf(2025, 11, 12), "H13",
               "six months after the observation of 12 May"),
           Due(H, "record_deadline:h13-obs:observer_section", EndOf(2025, 5, 14), "H13",
               "observer's section within 2 working days of Mon 12 May: 13, 14 May"),
           Due(H, "record_deadline:h13-obs:feedback_session", EndOf(2025, 5, 27), "H13",
               "feedback within 10 working days of 12 May: 13-16, 19-23 May, Mon 26 "
               "May is a bank holiday, Tue 27 May"),
           Published(H, "pdr:h1-w", "ItemSatisfied", "rec-held-h14-pdr", "PDR held"),
           Due(H, "pdr:h1-w", EndOf(2025, 11, 12), "H14",
               "six months after the PDR of 12 May")}}}}});

  all.push_back({"H2 part-time",
                 {{1,
                   {{Join(H, "h2-w", "h-mgr", "h-team", Day(2025, 1, 6), {.fte = 0.5})},
                    {Due(H, ps("h2-w"), EndOf(2025, 3, 6), "H2",
                         "1 month / 0.5 FTE = 2 months from Mon 6 Jan")}}}}});

  all.push_back(
      {"H3 ASYE phases",
       {{1,
         {{Join(H, "h3-w", "h-mgr", "h-team", Day(2025, 1, 6), {.asye_start = Day(2025, 1, 6)})},
          {Due(H, ps("h3-w"), EndOf(2025, 1, 13), "H3", "weekly in the first 6 weeks of ASYE")}}},
        {2,
         {{Held(H, "h3-ps1", rec::RECORD_KIND_PERSONAL_SUPERVISION, "h-mgr", {"h3-w"}, {},
                At(2025, 2, 17))},
          {Published(H, ps("h3-w"), "ItemSatisfied", "rec-held-h3-ps1", "session held"),
           Due(H, ps("h3-w"), EndOf(2025, 3, 3), "H3",
               "a session on Mon 17 Feb, the 6-week boundary, belongs to the fortnightly phase: "
               "3 Mar")}}},
        {3,
         {{Held(H, "h3-ps2", rec::RECORD_KIND_PERSONAL_SUPERVISION, "h-mgr", {"h3-w"}, {},
                At(2025, 7, 7))},
          {Due(H, ps("h3-w"), EndOf(2025, 8, 7), "H3",
               "after 6 months (6 Jul) monthly: 7 Jul + 1 month")}}}}});

  all.push_back(
      {"H4 probation",
       {{1,
         {{Join(H, "h4-w", "h-mgr", "h-team", Day(2025, 1, 6), {.probation_end = Day(2025, 7, 6)})},
          {Due(H, ps("h4-w"), EndOf(2025, 1, 20), "H4",
               "fortnightly in the first month of probation: 6 Jan + 14 days")}}}}});

  all.push_back(
      {"H5 sickness pauses, catch-up within 5 working days of the return",
       {{1,
         {{Join(H, "h5-w", "h-mgr", "h-team", Day(2025, 3, 3))},
          {Due(H, ps("h5-w"), EndOf(2025, 4, 3), "H1", "monthly from Mon 3 Mar")}}},
        {2,
         {{SickFrom(H, "h5-w", Day(2025, 3, 31))},
          {Paused(H, ps("h5-w"), "sick from Mon 31 Mar, before the session due 3 Apr")}}},
        {3,
         {{BackOn(H, "h5-w", Day(2025, 4, 17))},
          {Due(H, ps("h5-w"), EndOf(2025, 4, 25), "H5",
               "back on Thu 17 Apr (day 1); Good Friday 18 and Easter Monday 21 Apr are bank "
               "holidays: 22, 23, 24, Fri 25 Apr is day 5")}}}}});

  all.push_back(
      {"H8 leaver: everything stops, retention starts",
       {{1,
         {{Join(H, "h8-w", "h-mgr", "h-team", Day(2025, 1, 6))},
          {Due(H, ps("h8-w"), EndOf(2025, 2, 6), "H1", "monthly")}}},
        {2,
         {{Left(H, "h8-w", Day(2025, 3, 31), true)},
          {Published(H, ps("h8-w"), "ItemCancelled", "worker_left", "left on 31 Mar"),
           Published(H, "observation:h8-w", "ItemCancelled", "worker_left", "left"),
           Published(H, "new_agreement:h8-w", "ItemCancelled", "worker_left", "left"),
           Gone(H, ps("h8-w"), "no reminders for a leaver"),
           Due(H, "retention:h8-w", EndOf(2028, 3, 31), "H8",
               "records kept 3 years after leaving Children's Services on 31 Mar 2025")}}}}});

  all.push_back(
      {"H10 case discussion by case type and proceedings, H11 record deadline",
       {{1, {{Join(H, "h10-w", "h-mgr", "h-team", Day(2024, 6, 3))}, {}}},
        {2,
         {{Allocate(H, "h10-cin", "h10-w", "h-team", cin, At(2025, 1, 6)),
           Allocate(H, "h10-cp", "h10-w", "h-team", cp, At(2025, 1, 6)),
           Allocate(H, "h10-proc", "h10-w", "h-team", cin, At(2025, 1, 6),
                    {.in_care_proceedings = true})},
          {Due(H, cd("h10-cin"), EndOf(2025, 4, 6), "H10",
               "all other cases: at least quarterly from the allocation on 6 Jan", "h-mgr"),
           Due(H, cd("h10-cp"), EndOf(2025, 3, 6), "H10", "child protection: every 2 months"),
           Due(H, cd("h10-proc"), EndOf(2025, 3, 6), "H10",
               "in care proceedings: every 2 months")}}},
        {3,
         {{Held(H, "h11-rec", rec::RECORD_KIND_CASE_SUPERVISION, "h-mgr", {"h10-w"}, {"h10-cin"},
                At(2025, 4, 17))},
          {Published(H, cd("h10-cin"), "ItemSatisfied", "rec-held-h11-rec", "discussed"),
           Due(H, cd("h10-cin"), EndOf(2025, 7, 17), "H10",
               "the session of Thu 17 Apr resets the clock: quarterly"),
           Due(H, "record_deadline:h11-rec:record", EndOf(2025, 4, 23), "H11",
               "entered within 2 working days of Thu 17 Apr: Good Friday and Easter Monday "
               "skipped, Tue 22, Wed 23 Apr")}}},
        {4,
         {{Recorded(H, "h11-rec", At(2025, 4, 22))},
          {Published(H, "record_deadline:h11-rec:record", "ItemSatisfied", "rec-recorded-h11-rec",
                     "recorded on Tue 22 Apr"),
           Gone(H, "record_deadline:h11-rec:record", "recorded")}}}}});

  // ---------------- Devon ----------------
  all.push_back(
      {"D2 induction, D18 appraisal",
       {{1,
         {{Join(D, "d2-w", "d-mgr", "d-team", Day(2025, 1, 6))},
          {Due(D, ps("d2-w"), EndOf(2025, 1, 13), "D2", "weekly in the first 6 weeks", "d-mgr"),
           Due(D, "appraisal:d2-w", EndOf(2026, 1, 6), "D18", "annual appraisal")}}},
        {3,
         {{Held(D, "d18-app", rec::RECORD_KIND_APPRAISAL, "d-mgr", {"d2-w"}, {}, At(2025, 5, 12))},
          {Published(D, "appraisal:d2-w", "ItemSatisfied", "rec-held-d18-app", "appraised"),
           Due(D, "appraisal:d2-w", EndOf(2026, 5, 12), "D18", "12 months after 12 May 2025"),
           Due(D, ps("d2-w"), EndOf(2025, 1, 13), "D2",
               "an appraisal is no personal supervision")}}}}});

  all.push_back(
      {"D3 ASYE",
       {{1,
         {{Join(D, "d3-w", "d-mgr", "d-team", Day(2025, 1, 6), {.asye_start = Day(2025, 1, 6)})},
          {}}},
        {2,
         {{Held(D, "d3-ps", rec::RECORD_KIND_PERSONAL_SUPERVISION, "d-mgr", {"d3-w"}, {},
                At(2025, 2, 17))},
          {Due(D, ps("d3-w"), EndOf(2025, 3, 3), "D3",
               "fortnightly from 6 weeks to 6 months of ASYE: Mon 17 Feb + 14 days")}}}}});

  all.push_back(
      {"D5 agency, D6/D13 ad hoc sessions reset nothing",
       {{1,
         {{Join(D, "d5-w", "d-mgr", "d-team", Day(2024, 6, 3), {.agency = true}, At(2025, 1, 6)),
           Join(D, "d6-w", "d-mgr", "d-team", Day(2024, 6, 3), {}, At(2025, 1, 6))},
          {}}},
        {2,
         {{Held(D, "d5-ps", rec::RECORD_KIND_PERSONAL_SUPERVISION, "d-mgr", {"d5-w"}, {},
                At(2025, 1, 10)),
           Held(D, "d6-ps", rec::RECORD_KIND_PERSONAL_SUPERVISION, "d-mgr", {"d6-w"}, {},
                At(2025, 1, 10)),
           Allocate(D, "d6-child", "d6-w", "d-team", cin, At(2025, 1, 6))},
          {Due(D, ps("d5-w"), EndOf(2025, 2, 10), "D5",
               "agency staff as permanent: monthly from Fri 10 Jan"),
           Due(D, ps("d6-w"), EndOf(2025, 2, 10), "D1", "monthly from Fri 10 Jan"),
           Due(D, cd("d6-child"), EndOf(2025, 3, 6), "D9",
               "child in need: every 2 months from 6 Jan")}}},
        {3,
         {{Held(D, "d6-adhoc", RECORD_KIND_AD_HOC_DISCUSSION, "d-mgr", {"d6-w"}, {"d6-child"},
                At(2025, 2, 3))},
          {WithFact(Due(D, ps("d6-w"), EndOf(2025, 2, 10), "D1",
                        "D6: the ad hoc session of 3 Feb does not reset personal supervision"),
                    "informal_session_not_counted", "2025-02-03"),
           Due(D, cd("d6-child"), EndOf(2025, 3, 6), "D9",
               "D13: a single-issue discussion does not replace case supervision")}}}}});

  all.push_back(
      {"D7 agreement and a new one on a supervisor change; children follow the worker",
       {{1, {{Join(D, "d7-w", "d-mgr", "d-team", Day(2025, 1, 6))}, {}}},
        {2,
         {{AgreementSigned(D, "d-mgr", "d7-w", At(2025, 1, 13)),
           Allocate(D, "d7-child", "d7-w", "d-team", cin, At(2025, 1, 6))},
          {Due(D, "agreement_review:d7-w", EndOf(2026, 1, 13), "D7",
               "reviewed every 12 months from Mon 13 Jan"),
           Due(D, cd("d7-child"), EndOf(2025, 3, 6), "D9", "child in need: 2 months", "d-mgr")}}},
        {3,
         {{NewSupervisor(D, "d7-w", "d-mgr2", At(2025, 6, 2))},
          {Due(D, "new_agreement:d7-w", EndOf(2025, 7, 2), "D7",
               "a new agreement within 1 month of the new relationship on Mon 2 Jun", "d-mgr2"),
           Due(D, cd("d7-child"), EndOf(2025, 3, 6), "D9",
               "the worker's children move to the new supervisor", "d-mgr2")}}}}});

  all.push_back(
      {"D9 case types and risk; a session resets, a risk raised shortens from it",
       {{1, {{Join(D, "d9-w", "d-mgr", "d-team", Day(2024, 6, 3))}, {}}},
        {2,
         {{Allocate(D, "d9-cin", "d9-w", "d-team", cin, At(2025, 1, 6)),
           Allocate(D, "d9-cla", "d9-w", "d-team", cla, At(2025, 1, 6), {.risk = high}),
           Allocate(D, "d9-cl", "d9-w", "d-team", leaver, At(2025, 1, 6))},
          {Due(D, cd("d9-cin"), EndOf(2025, 3, 6), "D9", "child in need, standard: 2 months"),
           Due(D, cd("d9-cla"), EndOf(2025, 2, 6), "D9", "looked after, high risk: monthly"),
           Due(D, cd("d9-cl"), EndOf(2025, 4, 6), "D9", "care leaver, standard: 3 months")}}},
        {3,
         {{Held(D, "d9-cs", rec::RECORD_KIND_CASE_SUPERVISION, "d-mgr", {"d9-w"}, {"d9-cin"},
                At(2025, 1, 20)),
           Held(D, "d11-rec", rec::RECORD_KIND_CASE_SUPERVISION, "d-mgr", {"d9-w"}, {"d9-cl"},
                At(2025, 4, 17))},
          {Published(D, cd("d9-cin"), "ItemSatisfied", "rec-held-d9-cs", "discussed 20 Jan"),
           Due(D, cd("d9-cin"), EndOf(2025, 3, 20), "D9", "2 months from the session of 20 Jan"),
           Due(D, cd("d9-cl"), EndOf(2025, 7, 17), "D9", "3 months from the session of 17 Apr"),
           Due(D, "record_deadline:d11-rec:record", EndOf(2025, 4, 24), "D11",
               "recorded within 3 working days of Thu 17 Apr: Tue 22, Wed 23, Thu 24 Apr "
               "(Good Friday and Easter Monday skipped)")}}},
        {4,
         {{RiskRaised(D, "d9-cin", At(2025, 2, 3))},
          {Due(D, cd("d9-cin"), EndOf(2025, 2, 20), "D9",
               "high risk: monthly from the last discussion (20 Jan), not from the change")}}}}});

  all.push_back({"D17 group supervision per team",
                 {{1,
                   {{Join(D, "d17-w", "d-mgr", "d-team-g", Day(2025, 1, 6))},
                    {Due(D, "group_supervision:d-team-g", EndOf(2025, 2, 6), "D17",
                         "monthly from the team's forming on 6 Jan", "d-mgr")}}},
                  {2,
                   {{Held(D, "d17-group", rec::RECORD_KIND_GROUP_SUPERVISION, "d-mgr", {}, {},
                          At(2025, 1, 30), "d-team-g")},
                    {Published(D, "group_supervision:d-team-g", "ItemSatisfied",
                               "rec-held-d17-group", "group session held"),
                     Due(D, "group_supervision:d-team-g", EndOf(2025, 2, 28), "D17",
                         "30 Jan + 1 month = 28 Feb (no 30 Feb)")}}}}});

  all.push_back({"closed, transferred and reallocated cases",
                 {{1,
                   {{Join(D, "dc-w", "d-mgr", "d-team", Day(2024, 6, 3)),
                     Join(D, "dc-w2", "d-mgr2", "d-team-b", Day(2024, 6, 3))},
                    {}}},
                  {2,
                   {{Allocate(D, "dc-closed", "dc-w", "d-team", cin, At(2025, 1, 6)),
                     Allocate(D, "dc-away", "dc-w", "d-team", cin, At(2025, 1, 6)),
                     Allocate(D, "dc-team", "dc-w", "d-team", cin, At(2025, 1, 6)),
                     Allocate(D, "dc-moved", "dc-w", "d-team", cin, At(2025, 1, 6))},
                    {Due(D, cd("dc-moved"), EndOf(2025, 3, 6), "D9", "2 months", "d-mgr")}}},
                  {3,
                   {{Closed(D, "dc-closed", At(2025, 2, 3)),
                     Transferred(D, "dc-away", "", "cornwall", At(2025, 2, 3)),
                     Transferred(D, "dc-team", "d-team-b", "", At(2025, 2, 3)),
                     Reallocated(D, "dc-moved", "dc-w2", At(2025, 2, 3))},
                    {Published(D, cd("dc-closed"), "ItemCancelled", "case_closed", "closed"),
                     Gone(D, cd("dc-closed"), "no discussion of a closed case"),
                     Published(D, cd("dc-away"), "ItemCancelled", "case_transferred",
                               "transferred to another authority"),
                     Due(D, cd("dc-team"), EndOf(2025, 3, 6), "D9",
                         "a transfer within the authority keeps the child's discussion"),
                     Due(D, cd("dc-moved"), EndOf(2025, 4, 3), "D9",
                         "reallocated on Mon 3 Feb: 2 months from the new allocation, with the new "
                         "worker's supervisor",
                         "d-mgr2")}}}}});

  all.push_back(
      {"oversight task deadlines from oversight-triggers",
       {{2,
         {{TaskOpened(D, "t-done", "dt-child", "d-mgr", "D14.4", EndOf(2025, 1, 8), At(2025, 1, 6)),
           TaskOpened(D, "t-dropped", "dt-child", "d-mgr", "D14.2", EndOf(2025, 1, 8),
                      At(2025, 1, 6)),
           TaskOpened(D, "t-moved", "dt-child", "d-mgr", "D14.1", EndOf(2025, 1, 8),
                      At(2025, 1, 6))},
          {Due(D, "oversight_task:t-done", EndOf(2025, 1, 8), "D14.4",
               "the task's own due date (D15: 2 working days)", "d-mgr")}}},
        {3,
         {{TaskDone(D, "t-done", "dt-child", At(2025, 1, 7)),
           TaskDropped(D, "t-dropped", "dt-child", "duplicate", At(2025, 1, 7)),
           TaskMoved(D, "t-moved", "dt-child", "d-mgr2", EndOf(2025, 1, 10), At(2025, 1, 7))},
          {Published(D, "oversight_task:t-done", "ItemSatisfied", "task-done-t-done", "done"),
           Published(D, "oversight_task:t-dropped", "ItemCancelled", "duplicate", "cancelled"),
           Due(D, "oversight_task:t-moved", EndOf(2025, 1, 10), "D14.1",
               "reassigned with a new due date", "d-mgr2")}}}}});

  // ---------------- Stoke-on-Trent ----------------
  all.push_back(
      {"S3 case discussion by placement flags",
       {{1, {{Join(S, "s3-w", "s-mgr", "s-team", Day(2024, 6, 3))}, {}}},
        {2,
         {{Allocate(S, "s3-cla", "s3-w", "s-team", cla, At(2025, 1, 6)),
           Allocate(S, "s3-pwp", "s3-w", "s-team", cla, At(2025, 1, 6),
                    {.placed_with_parents = true}),
           Allocate(S, "s3-ltm", "s3-w", "s-team", cla, At(2025, 1, 6),
                    {.long_term_matched = true}),
           Allocate(S, "s3-cp", "s3-w", "s-team", cp, At(2025, 1, 6)),
           Allocate(S, "s3-eh", "s3-w", "s-team", early_help, At(2025, 1, 6), {.risk = high})},
          {Due(S, cd("s3-cla"), EndOf(2025, 3, 3), "S3", "child in care: 8 weeks from 6 Jan"),
           Due(S, cd("s3-pwp"), EndOf(2025, 2, 17), "S3", "placed with parents: 6 weeks"),
           Due(S, cd("s3-ltm"), EndOf(2025, 3, 31), "S3", "long-term matched: 12 weeks"),
           Due(S, cd("s3-cp"), EndOf(2025, 2, 6), "S3", "child protection: monthly"),
           Due(S, cd("s3-eh"), EndOf(2025, 2, 17), "S3", "early help, high risk: 6 weeks")}}},
        {3,
         {{StabilityConcern(S, "s3-cla", At(2025, 1, 20))},
          {Due(S, cd("s3-cla"), EndOf(2025, 2, 6), "S3",
               "placement stability a concern: monthly from the allocation")}}}}});

  all.push_back(
      {"S4 ASYE",
       {{1,
         {{Join(S, "s4-w", "s-mgr", "s-team", Day(2025, 1, 6), {.asye_start = Day(2025, 1, 6)})},
          {Due(S, ps("s4-w"), EndOf(2025, 1, 13), "S4", "weekly for the first 6 weeks")}}},
        {3,
         {{Held(S, "s4-ps", rec::RECORD_KIND_PERSONAL_SUPERVISION, "s-mgr", {"s4-w"}, {},
                At(2025, 2, 17))},
          {Due(S, ps("s4-w"), EndOf(2025, 3, 3), "S4",
               "fortnightly for the rest of 6 months")}}}}});

  all.push_back(
      {"S10 circulate within 48 hours, sign-off within 5 working days; S1 new agreement",
       {{1, {{Join(S, "s10-w", "s-mgr", "s-team", Day(2024, 6, 3))}, {}}},
        {2,
         {{Held(S, "s10-rec", rec::RECORD_KIND_PERSONAL_SUPERVISION, "s-mgr", {"s10-w"}, {},
                At(2025, 5, 12, 12))},
          {Due(S, ps("s10-w"), EndOf(2025, 6, 12), "S2", "monthly from the session of 12 May"),
           Due(S, "circulate_deadline:s10-rec:circulate", At(2025, 5, 14, 12), "S10",
               "48 elapsed hours after Mon 12 May 12:00"),
           Due(S, "sign_off_deadline:s10-rec:sign_off", EndOf(2025, 5, 21), "S10",
               "not yet circulated: 5 working days from the circulation deadline (Wed 14 "
               "May): 15, 16, 19, 20, 21 May")}}},
        {3,
         {{Circulated(S, "s10-rec", "s10-w", At(2025, 5, 13, 9)),
           NewSupervisor(S, "s10-w", "s-mgr2", At(2025, 6, 2))},
          {Published(S, "circulate_deadline:s10-rec:circulate", "ItemSatisfied",
                     "rec-circulated-s10-rec", "circulated Tue 13 May"),
           Due(S, "sign_off_deadline:s10-rec:sign_off", EndOf(2025, 5, 20), "S10",
               "5 working days from the actual circulation on Tue 13 May: 14, 15, 16, 19, 20"),
           Due(S, "new_agreement:s10-w", EndOf(2025, 7, 2), "S1",
               "a new agreement at a change of line manager (Mon 2 Jun), within 1 month",
               "s-mgr2")}}},
        {4,
         {{Signed(S, "s10-rec", "s10-w", At(2025, 5, 16))},
          {Published(S, "sign_off_deadline:s10-rec:sign_off", "ItemSatisfied", "rec-signed-s10-rec",
                     "signed Fri 16 May")}}}}});
  return all;
}

TEST_F(SchedulingReactionsTest, EveryReactionThroughTheBrokerWithHandComputedDates) {
  const std::vector<Scenario> scenarios = Scenarios();
  int last = 0;
  for (const auto& s : scenarios)
    last = std::max(last, s.steps.rbegin()->first);
  for (int step = 1; step <= last; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    std::vector<Pub> pubs;
    std::vector<std::pair<const Scenario*, const Expect*>> expects;
    for (const auto& s : scenarios) {
      auto it = s.steps.find(step);
      if (it == s.steps.end()) continue;
      pubs.insert(pubs.end(), it->second.publish.begin(), it->second.publish.end());
      for (const auto& x : it->second.expect)
        expects.push_back({&s, &x});
    }
    ASSERT_NO_FATAL_FAILURE(PublishAndApply(pubs));

    // Items, over gRPC: every event of the step has been applied, so they are final.
    for (const auto& [s, x] : expects) {
      if (x->kind == Expect::Kind::kPublished) continue;
      const std::string wrong = CheckItem(*x);
      EXPECT_EQ(wrong, "") << s->name << ": " << x->authority << " " << x->item_id << " ("
                           << x->because << ")";
    }
    // Schedule events, off the topic (the outbox relay publishes them shortly after).
    auto all_published = [&](const std::vector<ScheduleEvent>& got) {
      for (const auto& [s, x] : expects) {
        if (x->kind != Expect::Kind::kPublished) continue;
        if (std::none_of(got.begin(), got.end(),
                         [&](const ScheduleEvent& e) { return Matches(*x, e); })) {
          return false;
        }
      }
      return true;
    };
    const auto got = CollectUntil(all_published, absl::Seconds(60));
    for (const auto& [s, x] : expects) {
      if (x->kind != Expect::Kind::kPublished) continue;
      int n = 0;
      for (const auto& e : got)
        n += Matches(*x, e);
      EXPECT_EQ(n, 1) << s->name << ": " << x->type << " " << x->item_id << " " << x->extra << " ("
                      << x->because << ")";
    }
  }

  // Both replicas consumed events: the consumer group shared the partitions between them.
  for (ServiceProcess* replica : replicas_) {
    bool consumed = testing::WaitUntil(
        [&] {
          auto metrics = replica->ScrapeMetrics();
          if (!metrics.ok()) return false;
          for (absl::string_view line : absl::StrSplit(*metrics, '\n')) {
            if (!absl::StartsWith(line, "oversight_events_consumed_total{") ||
                !absl::StrContains(line, "outcome=\"processed\"")) {
              continue;
            }
            double value = 0;
            if (absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value) && value > 0) {
              return true;
            }
          }
          return false;
        },
        absl::Seconds(30));
    EXPECT_TRUE(consumed) << replica->grpc_target() << " processed no event";
  }
}

// Due soon, due, overdue and escalation (to the supervisor's line manager) for D2: a worker
// joins on Mon 6 Jan 2025, so personal supervision is due Mon 13 Jan. Devon: reminder 5 working
// days before (Mon 6 Jan), escalation when overdue by 5 working days (the end of Mon 20 Jan).
// Both replicas race for every timer: each stage is published exactly once.
TEST_F(SchedulingReactionsTest, StagesFireOnceEachOnTheMovedClockAndEscalateToTheLineManager) {
  const std::string item = "personal_supervision:d-stage-w";
  ASSERT_NO_FATAL_FAILURE(PublishAndApply(
      {Join(kDevon, "d-stage-w", "d-mgr", "d-team", Day(2025, 1, 6), {}, StartOf(2025, 1, 6))}));
  auto count = [&](const std::vector<ScheduleEvent>& got, const std::string& type) {
    return std::count_if(got.begin(), got.end(), [&](const ScheduleEvent& e) {
      return e.authority == kDevon && e.item_id == item && e.type == type;
    });
  };
  struct Move {
    absl::Time to;
    const char* type;
    const char* why;
  };
  const Move moves[] = {
      {At(2025, 1, 6, 9), "ItemDueSoon", "5 working days before Mon 13 Jan: Mon 6 Jan"},
      {StartOf(2025, 1, 13) + absl::Seconds(1), "ItemDue", "the start of the due day"},
      {StartOf(2025, 1, 14) + absl::Seconds(1), "ItemOverdue", "the second after 13 Jan"},
      {StartOf(2025, 1, 21) + absl::Seconds(1), "ItemEscalated",
       "overdue by 5 working days: 14, 15, 16, 17, 20 Jan"},
  };
  std::vector<ScheduleEvent> got;
  for (const Move& move : moves) {
    SCOPED_TRACE(move.why);
    ASSERT_NO_FATAL_FAILURE(SetTime(move.to));
    got = CollectUntil([&](const auto& events) { return count(events, move.type) >= 1; },
                       absl::Seconds(60));
    ASSERT_EQ(count(got, move.type), 1) << move.type;
  }
  // Nothing of this item came twice (a stage fired by both replicas would be there by now).
  for (const char* type : {"ItemDueSoon", "ItemDue", "ItemOverdue", "ItemEscalated"})
    EXPECT_EQ(count(got, type), 1) << type;
  for (const auto& e : got) {
    if (e.item_id != item || e.type != "ItemEscalated") continue;
    EXPECT_EQ(e.extra, "d-head");  // the supervisor d-mgr's line manager
    EXPECT_EQ(e.item.escalation_level(), 1);
    EXPECT_TRUE(e.item.critical());
    EXPECT_EQ(events::FromTimestamp(e.item.due_at()), EndOf(2025, 1, 13));
  }
  sch::DueItem now;
  ASSERT_TRUE(Explain(kDevon, item, &now).ok());
  EXPECT_EQ(now.stage(), sch::STAGE_ESCALATED);
}

}  // namespace
}  // namespace oversight::e2e
