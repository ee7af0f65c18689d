#include "year_replay.h"

#include <algorithm>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::simulator {
namespace {

namespace sr = statutory_returns;
using google::protobuf::util::TimeUtil;
using recording::v1::RecordKind;

constexpr char kCaseSource[] = "lcs://simulated-case-system";
constexpr char kHrSource[] = "hr://simulated-hr-system";

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds());
}

common::v1::Date ToDate(absl::CivilDay day) {
  common::v1::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string KindName(scheduling::v1::ItemKind kind) {
  std::string name = scheduling::v1::ItemKind_Name(kind);
  constexpr absl::string_view kPrefix = "ITEM_KIND_";
  return absl::StartsWith(name, kPrefix) ? name.substr(kPrefix.size()) : name;
}

std::string RecordKindName(RecordKind kind) {
  std::string name = recording::v1::RecordKind_Name(kind);
  constexpr absl::string_view kPrefix = "RECORD_KIND_";
  return absl::StartsWith(name, kPrefix) ? name.substr(kPrefix.size()) : name;
}

bool IsPractitioner(workforce::v1::Role role) {
  return role == workforce::v1::ROLE_SOCIAL_WORKER ||
         role == workforce::v1::ROLE_SENIOR_PRACTITIONER;
}

// Simulated case activity the returns do not carry: per open case and working day, the chance
// of each event (about a year's worth of each per a few dozen children).
struct Activity {
  cases::v1::CaseEvent::EventCase type;
  double per_working_day;
};
constexpr Activity kActivities[] = {
    {cases::v1::CaseEvent::kSignificantIncident, 0.0004},
    {cases::v1::CaseEvent::kEscalationRaised, 0.0003},
    {cases::v1::CaseEvent::kCourtDirection, 0.0003},
    {cases::v1::CaseEvent::kCarePlanChanged, 0.0006},
    {cases::v1::CaseEvent::kRiskLevelChanged, 0.0004},
    {cases::v1::CaseEvent::kCaseDiscussionOutsideSupervision, 0.0006},
    {cases::v1::CaseEvent::kProfessionalOpinionUsed, 0.0002},
    {cases::v1::CaseEvent::kCumulativeHarmReassessed, 0.0002},
    {cases::v1::CaseEvent::kThresholdChanged, 0.0002},
    {cases::v1::CaseEvent::kPerformanceGapIdentified, 0.0001},
    {cases::v1::CaseEvent::kCpPlanEndRecommended, 0.0008},
};

}  // namespace

YearReplay::YearReplay(ReplayOptions options, const Caseload& caseload, const Workforce& workforce,
                       const WorkforceOptions& workforce_options,
                       const policy::WorkingCalendar& calendar, Clients& clients,
                       EventPublisher& publisher, SettleWatch& settle)
    : options_(std::move(options)),
      caseload_(caseload),
      workforce_(workforce),
      workforce_options_(workforce_options),
      calendar_(calendar),
      clients_(clients),
      publisher_(publisher),
      settle_(settle),
      choice_(options_.seed) {}

absl::Time YearReplay::At(absl::CivilDay day, int hour, int minute) const {
  return absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute),
                         calendar_.zone());
}

absl::CivilDay YearReplay::AddWorkingDays(absl::CivilDay day, int n) const {
  return calendar_.AddWorkingDays(day, std::max(0, n)).day;
}

absl::CivilDay YearReplay::SubtractWorkingDays(absl::CivilDay day, int n) const {
  while (n > 0) {
    --day;
    if (calendar_.IsWorkingDay(day)) --n;
  }
  return day;
}

common::v1::EventMeta YearReplay::Meta(const std::string& event_id, const std::string& subject,
                                       absl::Time occurred_at, const std::string& source) const {
  common::v1::EventMeta meta;
  meta.set_event_id(event_id);
  meta.set_authority_id(options_.authority);
  meta.set_subject(subject);
  *meta.mutable_occurred_at() = ToProto(occurred_at);
  *meta.mutable_recorded_at() = ToProto(now_);
  meta.set_source(source);
  return meta;
}

std::string YearReplay::TeamOf(const std::string& worker) const {
  const StaffMember* member = workforce_.Find(worker);
  return member == nullptr ? "" : member->team_id;
}

std::string YearReplay::SupervisorOf(const std::string& worker) const {
  auto it = supervisor_of_.find(worker);
  return it == supervisor_of_.end() ? "" : it->second;
}

bool YearReplay::Active(const std::string& worker) const {
  return active_.contains(worker);
}

double YearReplay::DiligenceOf(const std::string& worker) const {
  const Team* team = workforce_.FindTeam(TeamOf(worker));
  return team == nullptr ? 0.9 : team->diligence;
}

std::vector<std::string> YearReplay::RolesOf(const std::string& worker) const {
  const StaffMember* member = workforce_.Find(worker);
  if (member == nullptr) return {};
  switch (member->role) {
    case workforce::v1::ROLE_TEAM_MANAGER:
      return {"team-manager"};
    case workforce::v1::ROLE_SERVICE_MANAGER:
      return {"service-manager", "senior-manager"};
    case workforce::v1::ROLE_HEAD_OF_SERVICE:
      return {"head-of-service", "senior-manager"};
    default:
      return {"practitioner"};
  }
}

std::string YearReplay::PickPractitioner(const std::string& prefer_team,
                                         const std::string& except) const {
  std::string best;
  double best_room = -1e9;
  for (int pass = 0; pass < 2 && best.empty(); ++pass) {
    for (const std::string& id : active_) {
      const StaffMember* member = workforce_.Find(id);
      if (member == nullptr || !IsPractitioner(member->role) || id == except) continue;
      if (pass == 0 && !prefer_team.empty() && member->team_id != prefer_team) continue;
      auto load = caseload_of_.find(id);
      const int carried = load == caseload_of_.end() ? 0 : static_cast<int>(load->second.size());
      const double room = CaseloadCap(*member, workforce_options_) - carried;
      if (room > best_room) {
        best_room = room;
        best = id;
      }
    }
  }
  return best;
}

void YearReplay::Count(const absl::Status& status, const std::string& call) {
  if (status.ok()) return;
  ++stats_.call_failures[absl::StrCat(call, ": ", absl::StatusCodeToString(status.code()))];
  if (stats_.first_failures.size() < 20) {
    stats_.first_failures.push_back(absl::StrCat(absl::FormatCivilTime(calendar_.LocalDay(now_)),
                                                 " ", call, ": ", status.ToString()));
  }
}

void YearReplay::Schedule(absl::CivilDay day, Action action) {
  agenda_[calendar_.NextWorkingDayOnOrAfter(day).day].push_back(std::move(action));
}

// --- publishing what the case and HR systems say --------------------------------------------

absl::Status YearReplay::Allocate(const CaseState& state, absl::Time at,
                                  const std::string& previous_worker) {
  const std::string prefer =
      previous_worker.empty() ? "" : TeamOf(previous_worker);  // stay in the team if possible
  const std::string worker = PickPractitioner(prefer, previous_worker);
  if (worker.empty()) return absl::OkStatus();  // nobody to allocate to (no practitioners yet)
  cases::v1::CaseAllocated allocated;
  *allocated.mutable_meta() =
      Meta(absl::StrCat("sim-alloc-", state.child_id, "-", absl::ToUnixSeconds(at)), state.child_id,
           at, kCaseSource);
  allocated.set_child_id(state.child_id);
  allocated.set_worker_id(worker);
  allocated.set_team_id(TeamOf(worker));
  allocated.set_case_type(state.case_type == common::v1::CASE_TYPE_UNSPECIFIED
                              ? common::v1::CASE_TYPE_ASSESSMENT
                              : state.case_type);
  allocated.set_risk(state.risk);
  allocated.set_previous_worker_id(previous_worker);
  allocated.set_in_care_proceedings(state.in_care_proceedings);
  *allocated.mutable_placement() = state.placement;
  if (auto s = publisher_.Publish(options_.case_events_topic, state.child_id, allocated); !s.ok()) {
    return s;
  }
  if (!previous_worker.empty()) {
    caseload_of_[previous_worker].erase(state.child_id);
    ++stats_.reallocations;
  } else {
    ++stats_.allocations;
  }
  worker_of_child_[state.child_id] = worker;
  caseload_of_[worker].insert(state.child_id);
  return absl::OkStatus();
}

absl::Status YearReplay::Close(const std::string& child, absl::Time at, const std::string& reason) {
  auto allocated = worker_of_child_.find(child);
  if (allocated == worker_of_child_.end()) return absl::OkStatus();
  cases::v1::CaseClosed closed;
  *closed.mutable_meta() =
      Meta(absl::StrCat("sim-close-", child, "-", absl::ToUnixSeconds(at)), child, at, kCaseSource);
  closed.set_child_id(child);
  closed.set_reason(reason);
  if (auto s = publisher_.Publish(options_.case_events_topic, child, closed); !s.ok()) return s;
  caseload_of_[allocated->second].erase(child);
  worker_of_child_.erase(allocated);
  cases_[child] = CaseState{.child_id = child};
  return absl::OkStatus();
}

absl::Status YearReplay::DayOne() {
  const absl::CivilDay first = caseload_.year.first_day();
  // The workforce and the caseload as they stand the evening before go-live.
  const absl::Time before = At(first - 1, 17);
  for (const StaffMember& member : workforce_.staff) {
    if (member.joins_during_year) continue;
    workforce::v1::WorkerJoined joined;
    *joined.mutable_meta() = Meta("sim-joined-" + member.id, member.id, before, kHrSource);
    joined.set_worker_id(member.id);
    joined.set_display_name(member.display_name);
    joined.set_email(member.email);
    joined.set_role(member.role);
    joined.set_team_id(member.team_id);
    joined.set_supervisor_id(member.line_manager_id);
    *joined.mutable_start_date() = ToDate(member.start_date);
    if (member.asye_start) *joined.mutable_asye_start_date() = ToDate(*member.asye_start);
    if (member.probation_end) *joined.mutable_probation_end_date() = ToDate(*member.probation_end);
    joined.set_fte(member.fte);
    joined.set_employment(member.employment);
    if (auto s = publisher_.Publish(options_.workforce_events_topic, member.id, joined); !s.ok()) {
      return s;
    }
    active_.insert(member.id);
    if (!member.line_manager_id.empty()) supervisor_of_[member.id] = member.line_manager_id;
  }
  for (const CaseState& state : caseload_.open_on_first_day) {
    cases_[state.child_id] = state;
    if (auto s = Allocate(state, before, ""); !s.ok()) return s;
  }
  // Managers, and half the practitioners, take their non-urgent reminders as one email a
  // working day at 08:00 (a choice each person makes); the others get one email per reminder.
  for (const StaffMember& member : workforce_.staff) {
    if (IsPractitioner(member.role) && !choice_.Chance("digest:" + member.id, 0.5)) continue;
    notifications::v1::Preferences preferences;
    preferences.set_authority_id(options_.authority);
    preferences.set_recipient_id(member.id);
    preferences.add_channels(notifications::v1::CHANNEL_IN_APP);
    preferences.add_channels(notifications::v1::CHANNEL_EMAIL);
    preferences.set_digest_hour(8);
    preferences.set_quiet_start_hour(18);
    preferences.set_quiet_end_hour(8);
    notifications::v1::Preferences saved;
    auto context = clients_.As(member.id, RolesOf(member.id), now_);
    Count(FromGrpc(clients_.notifications().SetPreferences(context.get(), preferences, &saved),
                   "SetPreferences"),
          "SetPreferences");
  }
  return absl::OkStatus();
}

absl::Status YearReplay::PublishWorkforceChangesOf(absl::CivilDay day) {
  const absl::Time at = At(day, 9);
  for (; next_change_ < workforce_.changes.size() && workforce_.changes[next_change_].day <= day;
       ++next_change_) {
    const WorkforceChange& change = workforce_.changes[next_change_];
    const std::string& id = change.worker_id;
    const StaffMember* member = workforce_.Find(id);
    if (member == nullptr) continue;
    const std::string event_id = absl::StrCat("sim-", static_cast<int>(change.kind), "-", id, "-",
                                              absl::FormatCivilTime(day));
    absl::Status published;
    switch (change.kind) {
      case ChangeKind::kJoins: {
        workforce::v1::WorkerJoined joined;
        *joined.mutable_meta() = Meta(event_id, id, at, kHrSource);
        joined.set_worker_id(id);
        joined.set_display_name(member->display_name);
        joined.set_email(member->email);
        joined.set_role(member->role);
        joined.set_team_id(member->team_id);
        // A joiner's line manager is whoever runs the team now (cover included).
        std::string supervisor = member->line_manager_id;
        if (IsPractitioner(member->role)) {
          const Team* team = workforce_.FindTeam(member->team_id);
          if (team != nullptr && !Active(supervisor)) supervisor = SupervisorOf(team->manager_id);
          for (const auto& [worker, current] : supervisor_of_) {
            if (TeamOf(worker) == member->team_id && Active(worker) &&
                IsPractitioner(workforce_.Find(worker)->role)) {
              supervisor = current;
              break;
            }
          }
        }
        joined.set_supervisor_id(supervisor);
        *joined.mutable_start_date() = ToDate(member->start_date);
        if (member->asye_start) *joined.mutable_asye_start_date() = ToDate(*member->asye_start);
        if (member->probation_end) {
          *joined.mutable_probation_end_date() = ToDate(*member->probation_end);
        }
        joined.set_fte(member->fte);
        joined.set_employment(member->employment);
        published = publisher_.Publish(options_.workforce_events_topic, id, joined);
        active_.insert(id);
        supervisor_of_[id] = supervisor;
        break;
      }
      case ChangeKind::kLeaves: {
        workforce::v1::WorkerLeft left;
        *left.mutable_meta() = Meta(event_id, id, at, kHrSource);
        left.set_worker_id(id);
        *left.mutable_left_on() = ToDate(day);
        left.set_left_childrens_services(change.left_childrens_services);
        published = publisher_.Publish(options_.workforce_events_topic, id, left);
        active_.erase(id);
        absent_.erase(id);
        // Their children go to colleagues the same day.
        const std::set<std::string> children = caseload_of_[id];
        for (const std::string& child : children) {
          if (!published.ok()) break;
          published = Allocate(cases_[child], At(day, 11), id);
        }
        break;
      }
      case ChangeKind::kAbsenceStarts: {
        if (!Active(id)) break;
        workforce::v1::AbsenceStarted started;
        *started.mutable_meta() = Meta(event_id, id, at, kHrSource);
        started.set_worker_id(id);
        started.set_reason(change.reason);
        *started.mutable_starts_on() = ToDate(day);
        published = publisher_.Publish(options_.workforce_events_topic, id, started);
        absent_.insert(id);
        break;
      }
      case ChangeKind::kAbsenceEnds: {
        if (!Active(id)) break;
        workforce::v1::AbsenceEnded ended;
        *ended.mutable_meta() = Meta(event_id, id, at, kHrSource);
        ended.set_worker_id(id);
        ended.set_reason(change.reason);
        *ended.mutable_returned_on() = ToDate(day);
        published = publisher_.Publish(options_.workforce_events_topic, id, ended);
        absent_.erase(id);
        break;
      }
      case ChangeKind::kAsyeCompleted: {
        if (!Active(id)) break;
        workforce::v1::WorkerStatusChanged status;
        *status.mutable_meta() = Meta(event_id, id, at, kHrSource);
        status.set_worker_id(id);
        status.set_asye_completed(true);
        published = publisher_.Publish(options_.workforce_events_topic, id, status);
        break;
      }
      case ChangeKind::kSupervisorChanges: {
        if (!Active(id)) break;
        workforce::v1::SupervisorChanged changed;
        *changed.mutable_meta() = Meta(event_id, id, at, kHrSource);
        changed.set_worker_id(id);
        changed.set_supervisor_id(change.supervisor_id);
        changed.set_previous_supervisor_id(SupervisorOf(id));
        changed.set_team_id(TeamOf(id));
        published = publisher_.Publish(options_.workforce_events_topic, id, changed);
        supervisor_of_[id] = change.supervisor_id;
        break;
      }
    }
    if (!published.ok()) return published;
  }
  return absl::OkStatus();
}

absl::Status YearReplay::PublishCaseEventsOf(absl::CivilDay day) {
  const auto& events = caseload_.in_year;
  for (; next_case_event_ < events.size() &&
         EventDay(events[next_case_event_], calendar_.zone()) <= day;
       ++next_case_event_) {
    const cases::v1::CaseEvent& event = events[next_case_event_];
    const common::v1::EventMeta* meta = sr::EventMetaOf(event);
    const std::string& child = meta->subject();
    // The message itself (not the CaseEvent wrapper), as a case system publishes it, recorded
    // today.
    const google::protobuf::Reflection* reflection = event.GetReflection();
    const google::protobuf::FieldDescriptor* field = reflection->GetOneofFieldDescriptor(
        event, cases::v1::CaseEvent::descriptor()->FindOneofByName("event"));
    std::unique_ptr<google::protobuf::Message> message(reflection->GetMessage(event, field).New());
    message->CopyFrom(reflection->GetMessage(event, field));
    auto* published_meta =
        static_cast<common::v1::EventMeta*>(message->GetReflection()->MutableMessage(
            message.get(), message->GetDescriptor()->FindFieldByName("meta")));
    *published_meta->mutable_recorded_at() = ToProto(now_);
    if (auto s = publisher_.Publish(options_.case_events_topic, child, *message); !s.ok()) return s;

    CaseState& state = cases_[child];
    state.child_id = child;
    switch (ApplyToCase(event, state)) {
      case CaseChange::kOpened:
        if (auto s = Allocate(state, At(day, 11), ""); !s.ok()) return s;
        break;
      case CaseChange::kLeftCare:
        closures_[AddWorkingDays(day, options_.close_after_leaving_care_working_days)].push_back(
            child);
        break;
      case CaseChange::kClosed: {
        auto allocated = worker_of_child_.find(child);
        if (allocated != worker_of_child_.end()) {
          caseload_of_[allocated->second].erase(child);
          worker_of_child_.erase(allocated);
        }
        break;
      }
      case CaseChange::kNone:
        break;
    }
  }
  // Looked-after-only children who left care a while ago and have not come back.
  auto due = closures_.find(day);
  if (due != closures_.end()) {
    for (const std::string& child : due->second) {
      if (!cases_[child].open || cases_[child].in_care) continue;
      if (auto s = Close(child, At(day, 12), "no longer looked after"); !s.ok()) return s;
    }
    closures_.erase(due);
  }
  return absl::OkStatus();
}

absl::Status YearReplay::PublishCaseActivityOf(absl::CivilDay day) {
  if (!calendar_.IsWorkingDay(day)) return absl::OkStatus();
  const absl::Time at = At(day, 10, 30);
  const std::string date = absl::FormatCivilTime(day);
  for (const auto& [child, worker] : std::map<std::string, std::string>(worker_of_child_)) {
    const CaseState& state = cases_[child];
    for (const Activity& activity : kActivities) {
      const std::string about = absl::StrCat("activity:", activity.type, ":", child, ":", date);
      if (!choice_.Chance(about, activity.per_working_day)) continue;
      const std::string id = absl::StrCat("sim-act-", activity.type, "-", child, "-", date);
      const common::v1::EventMeta meta = Meta(id, child, at, kCaseSource);
      cases::v1::CaseEvent event;
      switch (activity.type) {
        case cases::v1::CaseEvent::kSignificantIncident: {
          auto* e = event.mutable_significant_incident();
          *e->mutable_incident_at() = ToProto(At(day, 8));
          e->set_category("missing episode");
          break;
        }
        case cases::v1::CaseEvent::kEscalationRaised:
          event.mutable_escalation_raised()->set_raised_by(
              state.case_type == common::v1::CASE_TYPE_CHILD_PROTECTION
                  ? cases::v1::ESCALATION_SOURCE_CP_CHAIR
                  : cases::v1::ESCALATION_SOURCE_IRO);
          break;
        case cases::v1::CaseEvent::kCourtDirection:
          if (!state.in_care_proceedings &&
              state.case_type != common::v1::CASE_TYPE_CHILD_LOOKED_AFTER) {
            continue;
          }
          event.mutable_court_direction()->set_court_reference("SIM-" + child);
          *event.mutable_court_direction()->mutable_comply_by() = ToDate(AddWorkingDays(day, 10));
          break;
        case cases::v1::CaseEvent::kCarePlanChanged:
          if (state.case_type != common::v1::CASE_TYPE_CHILD_LOOKED_AFTER) continue;
          event.mutable_care_plan_changed()->set_summary("placement plan reviewed");
          break;
        case cases::v1::CaseEvent::kRiskLevelChanged: {
          auto* e = event.mutable_risk_level_changed();
          const bool high = state.risk == common::v1::RISK_LEVEL_HIGH;
          e->set_previous_risk(state.risk);
          e->set_risk(high ? common::v1::RISK_LEVEL_STANDARD : common::v1::RISK_LEVEL_HIGH);
          cases_[child].risk = e->risk();
          break;
        }
        case cases::v1::CaseEvent::kCaseDiscussionOutsideSupervision:
          event.mutable_case_discussion_outside_supervision()->set_discussed_with(
              SupervisorOf(worker));
          break;
        case cases::v1::CaseEvent::kProfessionalOpinionUsed:
          event.mutable_professional_opinion_used();
          break;
        case cases::v1::CaseEvent::kCumulativeHarmReassessed:
          event.mutable_cumulative_harm_reassessed();
          break;
        case cases::v1::CaseEvent::kThresholdChanged:
          event.mutable_threshold_changed()->set_from_level("child in need");
          event.mutable_threshold_changed()->set_to_level("child protection");
          break;
        case cases::v1::CaseEvent::kPerformanceGapIdentified:
          event.mutable_performance_gap_identified();
          break;
        case cases::v1::CaseEvent::kCpPlanEndRecommended:
          if (state.case_type != common::v1::CASE_TYPE_CHILD_PROTECTION) continue;
          event.mutable_cp_plan_end_recommended();
          break;
        default:
          continue;
      }
      const google::protobuf::Reflection* reflection = event.GetReflection();
      const google::protobuf::FieldDescriptor* field = reflection->GetOneofFieldDescriptor(
          event, cases::v1::CaseEvent::descriptor()->FindOneofByName("event"));
      google::protobuf::Message* message = reflection->MutableMessage(&event, field);
      message->GetReflection()
          ->MutableMessage(message, message->GetDescriptor()->FindFieldByName("meta"))
          ->CopyFrom(meta);
      message->GetReflection()->SetString(
          message, message->GetDescriptor()->FindFieldByName("child_id"), child);
      if (auto s = publisher_.Publish(options_.case_events_topic, child, *message); !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

// --- planning what is due -----------------------------------------------------------------

absl::Status YearReplay::PlanFromDueItems(absl::CivilDay day) {
  scheduling::v1::ListDueItemsRequest request;
  request.set_authority_id(options_.authority);
  *request.mutable_window_start() = ToProto(At(caseload_.year.first_day() - 400, 0));
  *request.mutable_window_end() = ToProto(At(day + 21, 0));
  request.mutable_page()->set_page_size(500);
  for (int page = 0; page < 1000; ++page) {
    scheduling::v1::ListDueItemsResponse response;
    auto context = clients_.As("hos-01", {"senior-manager", "head-of-service"}, now_);
    const absl::Status status = FromGrpc(
        clients_.scheduling().ListDueItems(context.get(), request, &response), "ListDueItems");
    if (!status.ok()) {
      Count(status, "ListDueItems");
      return absl::IsUnavailable(status) ? status : absl::OkStatus();
    }
    for (const scheduling::v1::DueItem& item : response.items())
      PlanItem(item, day);
    if (response.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
  return absl::OkStatus();
}

void YearReplay::PlanItem(const scheduling::v1::DueItem& item, absl::CivilDay today) {
  if (!item.has_due_at()) return;  // paused (absence)
  const std::string key = absl::StrCat(item.item_id(), "@", item.due_at().seconds());
  if (planned_.contains(key)) return;
  const absl::CivilDay due = calendar_.LocalDay(FromProto(item.due_at()));
  const std::string& worker = item.worker_id();
  Action action;
  action.about = key;
  action.worker_id = worker;
  action.supervisor_id = item.supervisor_id();
  action.child_id = item.child_id();
  action.team_id = item.team_id();
  action.task_id = item.task_id();

  // The day a session planned for `due` happens (and, if missed, the day it was missed).
  auto session_day = [&](const SessionPlan& plan) {
    if (plan.outcome == Outcome::kOnTime) {
      return std::max(AddWorkingDays(today, 0), SubtractWorkingDays(due, plan.early_working_days));
    }
    return std::max(AddWorkingDays(today, 1), AddWorkingDays(due, plan.late_working_days));
  };
  auto plan_session = [&](ActionKind kind, RecordKind record_kind,
                          const std::string& diligence_of) {
    action.kind = kind;
    action.record_kind = record_kind;
    action.plan = PlanSession(choice_, key, DiligenceOf(diligence_of));
    if (due < today && action.plan.outcome == Outcome::kOnTime) {
      action.plan.outcome = Outcome::kLate;  // already overdue when first seen
    }
    if (action.plan.outcome == Outcome::kMissedThenLate && due >= today &&
        kind == ActionKind::kHoldPersonal) {
      Action missed = action;
      missed.kind = ActionKind::kMissPersonal;
      Schedule(due, missed);
    }
    Schedule(session_day(action.plan), action);
  };

  switch (item.kind()) {
    case scheduling::v1::ITEM_KIND_PERSONAL_SUPERVISION:
      plan_session(ActionKind::kHoldPersonal, recording::v1::RECORD_KIND_PERSONAL_SUPERVISION,
                   worker);
      break;
    case scheduling::v1::ITEM_KIND_CASE_DISCUSSION: {
      auto allocated = worker_of_child_.find(item.child_id());
      plan_session(ActionKind::kHoldCase, recording::v1::RECORD_KIND_CASE_SUPERVISION,
                   allocated == worker_of_child_.end() ? worker : allocated->second);
      break;
    }
    case scheduling::v1::ITEM_KIND_AGREEMENT_REVIEW:
    case scheduling::v1::ITEM_KIND_NEW_AGREEMENT:
      plan_session(ActionKind::kAgreement, recording::v1::RECORD_KIND_SUPERVISION_AGREEMENT,
                   worker);
      break;
    case scheduling::v1::ITEM_KIND_OBSERVATION:
      plan_session(ActionKind::kObservation, recording::v1::RECORD_KIND_OBSERVATION, worker);
      break;
    case scheduling::v1::ITEM_KIND_PDR:
      plan_session(ActionKind::kPdr, recording::v1::RECORD_KIND_PDR, worker);
      break;
    case scheduling::v1::ITEM_KIND_APPRAISAL:
      plan_session(ActionKind::kAppraisal, recording::v1::RECORD_KIND_APPRAISAL, worker);
      break;
    case scheduling::v1::ITEM_KIND_GROUP_SUPERVISION: {
      const Team* team = workforce_.FindTeam(item.team_id());
      plan_session(ActionKind::kGroup, recording::v1::RECORD_KIND_GROUP_SUPERVISION,
                   team == nullptr ? worker : team->manager_id);
      break;
    }
    case scheduling::v1::ITEM_KIND_OVERSIGHT_TASK: {
      action.kind = ActionKind::kOversight;
      action.record_kind = recording::v1::RECORD_KIND_MANAGEMENT_OVERSIGHT;
      const std::string& owner = item.supervisor_id();
      const OversightPlan plan =
          PlanOversight(choice_, key, DiligenceOf(worker.empty() ? owner : worker));
      absl::CivilDay on = plan.on_time
                              ? AddWorkingDays(today, plan.working_days_after_today)
                              : AddWorkingDays(std::max(due, today), plan.late_working_days);
      if (plan.on_time && on > due) on = std::max(today, due);
      Schedule(on, action);
      break;
    }
    case scheduling::v1::ITEM_KIND_RECORD_DEADLINE:
    case scheduling::v1::ITEM_KIND_CIRCULATE_DEADLINE:
    case scheduling::v1::ITEM_KIND_SIGN_OFF_DEADLINE:
      break;  // the session's own record steps answer these (kWriteUp, kCirculate, kSign)
    default:
      ++stats_.items_not_acted_on[KindName(item.kind())];
      break;
  }
  planned_.insert(key);
}

// --- acting --------------------------------------------------------------------------------

void YearReplay::CreateRecord(recording::v1::Record record, const Action& action,
                              absl::CivilDay day) {
  record.set_authority_id(options_.authority);
  recording::v1::CreateRecordRequest request;
  *request.mutable_record() = std::move(record);
  recording::v1::Record created;
  auto context = clients_.As(request.record().supervisor_id(),
                             RolesOf(request.record().supervisor_id()), now_);
  const absl::Status status =
      FromGrpc(clients_.recording().CreateRecord(context.get(), request, &created), "CreateRecord");
  Count(status, absl::StrCat("CreateRecord ", RecordKindName(request.record().kind())));
  if (!status.ok()) return;
  ++stats_.records_written;
  if (calendar_.LocalDay(FromProto(request.record().held_at())) < day)
    ++stats_.records_written_late_days;
  if (request.record().has_missed()) return;
  if (request.record().kind() == recording::v1::RECORD_KIND_MANAGEMENT_OVERSIGHT) return;
  // Circulate and sign (groups have no single signer).
  if (request.record().kind() == recording::v1::RECORD_KIND_GROUP_SUPERVISION) return;
  Action next = action;
  next.record_id = created.record_id();
  next.supervisor_id = request.record().supervisor_id();
  next.worker_id =
      request.record().supervisee_ids_size() > 0 ? request.record().supervisee_ids(0) : "";
  if (request.record().kind() == recording::v1::RECORD_KIND_SUPERVISION_AGREEMENT) {
    // Agreed in the meeting: circulated and signed by both there and then.
    next.plan.circulate_after_working_days = 0;
    next.plan.sign_after_working_days = 0;
  }
  next.kind = ActionKind::kCirculate;
  Schedule(AddWorkingDays(day, action.plan.circulate_after_working_days), next);
}

void YearReplay::HoldSession(const Action& action, absl::CivilDay day) {
  const std::string& supervisee = action.worker_id;
  if (action.kind != ActionKind::kGroup) {
    if (!Active(supervisee)) return;     // left: nothing to hold
    if (absent_.contains(supervisee)) {  // off sick: when they are back
      Schedule(AddWorkingDays(day, 3), action);
      return;
    }
  }
  ++stats_.sessions_held[RecordKindName(action.record_kind)];
  Action write_up = action;
  write_up.kind = ActionKind::kWriteUp;
  write_up.held_on = day;
  if (action.plan.record_after_working_days == 0) {
    WriteUp(write_up, day);
  } else {
    Schedule(AddWorkingDays(day, action.plan.record_after_working_days), write_up);
  }
}

void YearReplay::HoldCaseSupervisions(const std::vector<Action>& actions, absl::CivilDay day) {
  // One case supervision per worker that day, covering each of their children due.
  std::map<std::string, std::vector<const Action*>> by_worker;
  std::set<std::string> children;
  for (const Action& action : actions) {
    auto allocated = worker_of_child_.find(action.child_id);
    if (allocated == worker_of_child_.end()) continue;       // closed since
    if (!children.insert(action.child_id).second) continue;  // planned twice: discussed once
    by_worker[allocated->second].push_back(&action);
  }
  for (const auto& [worker, children] : by_worker) {
    if (!Active(worker)) continue;
    if (absent_.contains(worker)) {
      for (const Action* action : children)
        Schedule(AddWorkingDays(day, 3), *action);
      continue;
    }
    Action merged = *children.front();
    merged.worker_id = worker;
    merged.supervisor_id = SupervisorOf(worker);
    merged.child_id.clear();
    for (const Action* action : children) {
      merged.child_id += (merged.child_id.empty() ? "" : ",") + action->child_id;
    }
    HoldSession(merged, day);
  }
}

void YearReplay::WriteUp(const Action& action, absl::CivilDay day) {
  recording::v1::Record record;
  record.set_kind(action.record_kind);
  const absl::Time held_at = At(action.held_on, 10);
  *record.mutable_held_at() = ToProto(held_at);
  const std::string date = absl::FormatCivilTime(action.held_on);
  switch (action.record_kind) {
    case recording::v1::RECORD_KIND_GROUP_SUPERVISION: {
      // Run by the team's manager, or by whoever covers them (the members' line manager now).
      std::string manager = Active(action.supervisor_id) ? action.supervisor_id : "";
      for (const std::string& id : active_) {
        const StaffMember* member = workforce_.Find(id);
        if (member != nullptr && member->team_id == action.team_id &&
            IsPractitioner(member->role) && !absent_.contains(id)) {
          record.add_supervisee_ids(id);
          if (manager.empty()) manager = SupervisorOf(id);
        }
      }
      record.set_supervisor_id(manager);
      record.set_team_id(action.team_id);
      record.set_notes("Group supervision: themes from the team's current work; learning shared.");
      if (record.supervisee_ids_size() == 0 || manager.empty()) return;
      break;
    }
    case recording::v1::RECORD_KIND_CASE_SUPERVISION: {
      record.set_supervisor_id(action.supervisor_id);
      record.add_supervisee_ids(action.worker_id);
      record.set_team_id(TeamOf(action.worker_id));
      bool reflective = true;  // S8: at least one in-depth reflective discussion per session
      for (absl::string_view child : absl::StrSplit(action.child_id, ',')) {
        auto* discussion = record.add_children();
        discussion->set_child_id(std::string(child));
        discussion->set_summary("Reviewed the plan, recent visits and progress against actions.");
        discussion->set_childs_views("Says things are better at school; wants more contact time.");
        *discussion->mutable_last_seen_alone() = ToDate(SubtractWorkingDays(action.held_on, 5));
        *discussion->mutable_next_visit_planned() = ToDate(AddWorkingDays(action.held_on, 10));
        const double rag = choice_.Uniform(absl::StrCat("rag:", child, ":", date));
        discussion->set_rag_rating(rag < 0.15 ? "RED" : rag < 0.5 ? "AMBER" : "GREEN");
        discussion->set_in_depth_reflective(reflective || discussion->rag_rating() == "RED");
        reflective = false;
        auto* smart = discussion->add_actions();
        smart->set_description("Update the child's plan with the agreed next steps.");
        smart->set_owner_id(action.worker_id);
        smart->set_child_id(std::string(child));
        *smart->mutable_due_on() = ToDate(AddWorkingDays(action.held_on, 10));
      }
      break;
    }
    case recording::v1::RECORD_KIND_SUPERVISION_AGREEMENT: {
      record.set_supervisor_id(SupervisorOf(action.worker_id));
      record.add_supervisee_ids(action.worker_id);
      auto* terms = record.mutable_agreement();
      terms->set_frequency("monthly");
      terms->set_terms("Supervision is planned a year ahead, 1.5 hours, uninterrupted.");
      *terms->mutable_review_by() = ToDate(action.held_on + 365);
      break;
    }
    case recording::v1::RECORD_KIND_OBSERVATION: {
      record.set_supervisor_id(SupervisorOf(action.worker_id));
      record.add_supervisee_ids(action.worker_id);
      auto* observation = record.mutable_observation();
      observation->set_setting("home visit");
      observation->set_observer_section(
          "Warm, clear communication with the family; good use of tools.");
      *observation->mutable_observer_section_completed_at() = ToProto(held_at + absl::Hours(6));
      break;
    }
    default: {  // personal supervision, PDR, appraisal
      record.set_supervisor_id(SupervisorOf(action.worker_id));
      record.add_supervisee_ids(action.worker_id);
      record.set_team_id(TeamOf(action.worker_id));
      record.set_notes("Wellbeing, workload and development discussed; caseload reviewed.");
      break;
    }
  }
  if (record.supervisor_id().empty()) return;
  CreateRecord(std::move(record), action, day);
}

void YearReplay::RunAgenda(absl::CivilDay day) {
  // What an action puts on today's agenda (a record circulated the day it is written, an
  // agreement signed at once) runs today too.
  for (auto it = agenda_.find(day); it != agenda_.end(); it = agenda_.find(day)) {
    std::vector<Action> actions = std::move(it->second);
    agenda_.erase(it);
    RunActions(actions, day);
  }
}

void YearReplay::RunActions(const std::vector<Action>& actions, absl::CivilDay day) {
  std::vector<Action> case_discussions;
  for (const Action& action : actions) {
    switch (action.kind) {
      case ActionKind::kHoldCase:
        case_discussions.push_back(action);
        break;
      case ActionKind::kHoldPersonal:
      case ActionKind::kAgreement:
      case ActionKind::kObservation:
      case ActionKind::kPdr:
      case ActionKind::kAppraisal:
      case ActionKind::kGroup:
        HoldSession(action, day);
        break;
      case ActionKind::kMissPersonal: {
        if (!Active(action.worker_id)) break;
        recording::v1::Record record;
        record.set_kind(action.record_kind);
        record.set_supervisor_id(SupervisorOf(action.worker_id));
        record.add_supervisee_ids(action.worker_id);
        *record.mutable_held_at() = ToProto(At(day, 10));
        const bool sick = action.plan.sickness || absent_.contains(action.worker_id);
        record.mutable_missed()->set_sickness(sick);
        record.mutable_missed()->set_reason(
            sick ? "supervisee off sick" : "supervisor called to an urgent strategy meeting");
        ++stats_.sessions_missed;
        CreateRecord(std::move(record), action, day);
        break;
      }
      case ActionKind::kWriteUp:
        WriteUp(action, day);
        break;
      case ActionKind::kCirculate: {
        recording::v1::CirculateRecordRequest request;
        request.set_authority_id(options_.authority);
        request.set_record_id(action.record_id);
        recording::v1::Record record;
        auto context = clients_.As(action.supervisor_id, RolesOf(action.supervisor_id), now_);
        const absl::Status status =
            FromGrpc(clients_.recording().CirculateRecord(context.get(), request, &record),
                     "CirculateRecord");
        Count(status, "CirculateRecord");
        if (!status.ok()) break;
        ++stats_.circulations;
        Action sign = action;
        sign.kind = ActionKind::kSign;
        Schedule(AddWorkingDays(day, action.plan.sign_after_working_days), sign);
        break;
      }
      case ActionKind::kSign: {
        if (!Active(action.worker_id) || absent_.contains(action.worker_id)) {
          if (Active(action.worker_id)) Schedule(AddWorkingDays(day, 2), action);
          break;
        }
        for (const auto& [signer, party] :
             {std::pair{action.worker_id, recording::v1::PARTY_SUPERVISEE},
              std::pair{action.supervisor_id, recording::v1::PARTY_SUPERVISOR}}) {
          recording::v1::SignRecordRequest request;
          request.set_authority_id(options_.authority);
          request.set_record_id(action.record_id);
          request.set_party(party);
          recording::v1::Record record;
          auto context = clients_.As(signer, RolesOf(signer), now_);
          const absl::Status status = FromGrpc(
              clients_.recording().SignRecord(context.get(), request, &record), "SignRecord");
          Count(status, "SignRecord");
          if (!status.ok()) break;
          ++stats_.signatures;
        }
        break;
      }
      case ActionKind::kOversight: {
        const std::string& owner = action.supervisor_id;
        if (owner.empty() || !Active(owner)) break;  // the task passes to someone else
        recording::v1::Record record;
        record.set_kind(recording::v1::RECORD_KIND_MANAGEMENT_OVERSIGHT);
        record.set_supervisor_id(owner);
        auto allocated = worker_of_child_.find(action.child_id);
        if (allocated != worker_of_child_.end() && allocated->second != owner) {
          record.add_supervisee_ids(allocated->second);
        }
        *record.mutable_held_at() = ToProto(At(day, 10));
        auto* decision = record.mutable_oversight();
        decision->set_child_id(action.child_id);
        decision->set_task_id(action.task_id);
        decision->set_reason("Management oversight required by the authority's policy.");
        decision->set_current_situation(
            "The child is safe; the plan is being followed and the family is engaging.");
        decision->set_decision_and_rationale(
            "Continue the current plan: the risks are understood and managed. Review at the next "
            "case supervision.");
        decision->set_decision_maker_id(owner);
        decision->set_decision_maker_role(RolesOf(owner).empty() ? "manager"
                                                                 : RolesOf(owner).front());
        if (allocated != worker_of_child_.end()) {
          auto* smart = decision->add_actions();
          smart->set_description("Visit the child and update the plan with the decision.");
          smart->set_owner_id(allocated->second);
          smart->set_child_id(action.child_id);
          *smart->mutable_due_on() = ToDate(AddWorkingDays(day, 5));
        }
        const int before = stats_.records_written;
        CreateRecord(std::move(record), action, day);
        if (stats_.records_written > before) ++stats_.oversight_decisions;
        break;
      }
    }
  }
  HoldCaseSupervisions(case_discussions, day);
}

// --- the clock -----------------------------------------------------------------------------

absl::Status YearReplay::Step(absl::Time at) {
  now_ = at;
  if (auto s = clients_.SetTime(at); !s.ok()) return s;
  if (auto s = settle_.WaitForTimers(at, options_.settle_timeout); !s.ok()) return s;
  return settle_.WaitUntilSettled(options_.settle_timeout);
}

absl::Status YearReplay::Morning(absl::CivilDay day) {
  // Timers of the day (due soon, due, overdue, escalations) and reminders held overnight.
  return Step(At(day, 8, 5));
}

absl::Status YearReplay::Working(absl::CivilDay day) {
  now_ = At(day, 10);
  if (auto s = clients_.SetTime(now_); !s.ok()) return s;
  if (auto s = PublishWorkforceChangesOf(day); !s.ok()) return s;
  if (auto s = PublishCaseEventsOf(day); !s.ok()) return s;
  if (auto s = PublishCaseActivityOf(day); !s.ok()) return s;
  if (auto s = publisher_.Flush(); !s.ok()) return s;
  if (auto s = settle_.WaitUntilSettled(options_.settle_timeout); !s.ok()) return s;
  if (calendar_.IsWorkingDay(day)) {
    RunAgenda(day);
    if (auto s = settle_.WaitUntilSettled(options_.settle_timeout); !s.ok()) return s;
    // Managers look at what is due (their dashboards), book the next sessions and deal with
    // what cannot wait (an oversight task opened this morning) the same day.
    if (auto s = PlanFromDueItems(day); !s.ok()) return s;
    if (agenda_.contains(day)) {
      now_ = At(day, 15);
      if (auto s = clients_.SetTime(now_); !s.ok()) return s;
      RunAgenda(day);
      if (auto s = settle_.WaitUntilSettled(options_.settle_timeout); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status YearReplay::TakeSnapshot(absl::CivilMonth month) {
  MonthSnapshot snapshot;
  snapshot.month = month;
  scheduling::v1::ListDueItemsRequest request;
  request.set_authority_id(options_.authority);
  request.set_overdue_only(true);
  *request.mutable_window_start() = ToProto(At(caseload_.year.first_day() - 400, 0));
  *request.mutable_window_end() = ToProto(now_);
  request.mutable_page()->set_page_size(500);
  for (int page = 0; page < 1000; ++page) {
    scheduling::v1::ListDueItemsResponse response;
    auto context = clients_.As("hos-01", {"senior-manager", "head-of-service"}, now_);
    const absl::Status status = FromGrpc(
        clients_.scheduling().ListDueItems(context.get(), request, &response), "ListDueItems");
    if (!status.ok()) {
      Count(status, "ListDueItems (overdue)");
      break;
    }
    for (const scheduling::v1::DueItem& item : response.items())
      ++snapshot.overdue_by_kind[KindName(item.kind())];
    if (response.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
  stats_.months.push_back(std::move(snapshot));
  return absl::OkStatus();
}

absl::StatusOr<ReplayStats> YearReplay::Run() {
  const absl::CivilDay first = caseload_.year.first_day();
  const absl::CivilDay end =
      std::min(caseload_.year.end_day(), absl::CivilDay(absl::CivilMonth(first) + options_.months));
  stats_.first_day = first;
  stats_.end_day = end;
  now_ = At(first - 1, 17);
  if (auto s = clients_.SetTime(now_); !s.ok()) return s;
  if (auto s = DayOne(); !s.ok()) return s;
  if (auto s = publisher_.Flush(); !s.ok()) return s;
  if (auto s = settle_.WaitUntilSettled(options_.settle_timeout); !s.ok()) return s;
  // Go-live morning: the managers look at what is due before the first day's work.
  now_ = At(first, 7);
  if (auto s = Step(now_); !s.ok()) return s;
  if (auto s = PlanFromDueItems(first); !s.ok()) return s;

  for (absl::CivilDay day = first; day < end; ++day) {
    if (calendar_.IsWorkingDay(day)) {
      if (auto s = Morning(day); !s.ok()) return s;
    }
    if (auto s = Working(day); !s.ok()) return s;
    ++stats_.simulated_days;
    if (absl::CivilMonth(day + 1) != absl::CivilMonth(day)) {
      now_ = At(day, 23, 30);
      if (auto s = Step(now_); !s.ok()) return s;
      if (auto s = TakeSnapshot(absl::CivilMonth(day)); !s.ok()) return s;
    }
    if (options_.progress) {
      int held = 0;
      for (const auto& [kind, n] : stats_.sessions_held)
        held += n;
      options_.progress(absl::StrFormat(
          "%s  day %3d/%d  events %6d  sessions %5d  missed %4d  oversight %5d  allocations %5d",
          absl::FormatCivilTime(day), stats_.simulated_days, static_cast<int>(end - first),
          publisher_.sent(), held, stats_.sessions_missed, stats_.oversight_decisions,
          stats_.allocations + stats_.reallocations));
    }
  }
  stats_.events_published = publisher_.sent_by_type();
  return stats_;
}

}  // namespace oversight::simulator
