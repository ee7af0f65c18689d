// The year replay: drives a running Oversight through one reporting year of an authority, day
// by day on the services' manual clocks. Each simulated day it publishes what the case and HR
// systems would (the returns' events of that day, allocations of newly opened cases, the
// workforce's changes, a little simulated case activity the returns do not carry), lets the
// managers and practitioners act on what scheduling says is due (sessions held on time, late
// or missed; records written, circulated and signed; oversight decisions recorded for open
// tasks) through recording's gRPC API, and waits until the system has caught up before moving
// the clocks on. Everything the people do is decided by behaviour.h from the seed, so a run
// repeats.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "behaviour.h"
#include "caseload.h"
#include "choice.h"
#include "clients.h"
#include "oversight/policy/calendar.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "publisher.h"
#include "settle.h"
#include "workforce.h"

namespace oversight::simulator {

struct ReplayOptions {
  std::string authority;
  uint64_t seed = 1;
  int months = 12;  // replay the first `months` months of the year
  std::string case_events_topic = "oversight.case-events.v1";
  std::string workforce_events_topic = "oversight.workforce-events.v1";
  absl::Duration settle_timeout = absl::Minutes(3);
  // A child who stops being looked after with nothing else open is closed this many working
  // days later (the returns do not say when the case system closes such a case).
  int close_after_leaving_care_working_days = 20;
  // Called after each simulated day with a one-line summary (may be empty).
  std::function<void(const std::string&)> progress;
};

// What the replay saw at the end of one month (ListDueItems, overdue only).
struct MonthSnapshot {
  absl::CivilMonth month;
  std::map<std::string, int> overdue_by_kind;  // ItemKind name without the prefix
};

// What the replay did, counted by the replay itself.
struct ReplayStats {
  std::map<std::string, int> events_published;  // by full message name
  std::map<std::string, int> sessions_held;     // by record kind name
  int sessions_missed = 0;
  int records_written = 0;
  int records_written_late_days = 0;  // records written up on a later day than the session
  int circulations = 0;
  int signatures = 0;
  int oversight_decisions = 0;
  int actions_completed = 0;
  int allocations = 0;
  int reallocations = 0;
  std::map<std::string, int> items_not_acted_on;  // due items of kinds the replay leaves alone
  std::map<std::string, int> call_failures;       // "<call>: <code>" -> count
  std::vector<std::string> first_failures;        // the first few failure messages
  std::vector<MonthSnapshot> months;
  int simulated_days = 0;
  absl::CivilDay first_day;
  absl::CivilDay end_day;  // exclusive
};

// Not thread-safe; runs on the caller's thread.
class YearReplay {
 public:
  YearReplay(ReplayOptions options, const Caseload& caseload, const Workforce& workforce,
             const WorkforceOptions& workforce_options, const policy::WorkingCalendar& calendar,
             Clients& clients, EventPublisher& publisher, SettleWatch& settle);

  // Runs the year. Fails only when the system cannot be driven (a clock cannot be moved, the
  // broker refuses events, the system does not settle); failed recording calls are counted in
  // the stats and the replay carries on.
  absl::StatusOr<ReplayStats> Run();

 private:
  enum class ActionKind {
    kHoldPersonal,  // personal supervision (and its record pipeline)
    kHoldCase,      // one child's discussion, merged per worker into a case supervision
    kMissPersonal,  // the planned personal session did not happen
    kWriteUp,       // create the record of a session held earlier
    kCirculate,
    kSign,       // the supervisee signs, then the supervisor
    kOversight,  // management oversight answering a task
    kAgreement,  // supervision agreement, signed by both
    kObservation,
    kPdr,
    kAppraisal,
    kGroup,  // group supervision of a team
  };
  struct Action {
    ActionKind kind;
    std::string about;  // the planned item's key (choices are seeded by it)
    std::string worker_id;
    std::string supervisor_id;
    std::string child_id;
    std::string team_id;
    std::string task_id;
    std::string record_id;
    absl::CivilDay held_on;  // kWriteUp
    recording::v1::RecordKind record_kind = recording::v1::RECORD_KIND_UNSPECIFIED;
    SessionPlan plan;
  };

  absl::Status DayOne();
  absl::Status Step(absl::Time at);
  absl::Status Morning(absl::CivilDay day);
  absl::Status Working(absl::CivilDay day);
  absl::Status PublishCaseEventsOf(absl::CivilDay day);
  absl::Status PublishWorkforceChangesOf(absl::CivilDay day);
  absl::Status PublishCaseActivityOf(absl::CivilDay day);
  absl::Status Allocate(const CaseState& state, absl::Time at, const std::string& previous_worker);
  absl::Status Close(const std::string& child, absl::Time at, const std::string& reason);
  absl::Status PlanFromDueItems(absl::CivilDay day);
  void PlanItem(const scheduling::v1::DueItem& item, absl::CivilDay today);
  void RunAgenda(absl::CivilDay day);
  void RunActions(const std::vector<Action>& actions, absl::CivilDay day);
  void HoldSession(const Action& action, absl::CivilDay day);
  void HoldCaseSupervisions(const std::vector<Action>& actions, absl::CivilDay day);
  void WriteUp(const Action& action, absl::CivilDay day);
  absl::Status TakeSnapshot(absl::CivilMonth month);

  // The record of a session: created, then its later steps put on the agenda.
  void CreateRecord(recording::v1::Record record, const Action& action, absl::CivilDay day);
  void Schedule(absl::CivilDay day, Action action);
  void Count(const absl::Status& status, const std::string& call);

  // Who is who now.
  std::string TeamOf(const std::string& worker) const;
  std::string SupervisorOf(const std::string& worker) const;
  bool Active(const std::string& worker) const;
  double DiligenceOf(const std::string& worker) const;
  std::vector<std::string> RolesOf(const std::string& worker) const;
  // The practitioner of `team` (or any team if none there) with the most free capacity.
  std::string PickPractitioner(const std::string& prefer_team, const std::string& except) const;

  absl::Time At(absl::CivilDay day, int hour, int minute = 0) const;
  absl::CivilDay AddWorkingDays(absl::CivilDay day, int n) const;
  absl::CivilDay SubtractWorkingDays(absl::CivilDay day, int n) const;
  common::v1::EventMeta Meta(const std::string& event_id, const std::string& subject,
                             absl::Time occurred_at, const std::string& source) const;

  ReplayOptions options_;
  const Caseload& caseload_;
  const Workforce& workforce_;
  const WorkforceOptions& workforce_options_;
  const policy::WorkingCalendar& calendar_;
  Clients& clients_;
  EventPublisher& publisher_;
  SettleWatch& settle_;
  Choice choice_;
  absl::Time now_;

  std::map<std::string, CaseState> cases_;                    // child -> case
  std::map<std::string, std::string> worker_of_child_;        // allocated children
  std::map<std::string, std::set<std::string>> caseload_of_;  // worker -> children
  std::map<std::string, std::string> supervisor_of_;          // current line managers
  std::set<std::string> active_;                              // joined, not left
  std::set<std::string> absent_;                              // off sick now
  std::map<absl::CivilDay, std::vector<Action>> agenda_;
  std::set<std::string> planned_;  // due items already planned (item id @ due time)
  std::map<absl::CivilDay, std::vector<std::string>> closures_;  // children to close that day
  size_t next_case_event_ = 0;
  size_t next_change_ = 0;
  int record_counter_ = 0;
  ReplayStats stats_;
};

}  // namespace oversight::simulator
