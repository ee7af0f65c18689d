#include "workload.h"

#include "absl/strings/str_cat.h"
#include "london_calendar.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::faults {
namespace {

// A practitioner gets children only this many steps after joining, so that the HR feed has
// normally told the services who supervises them (the expected outcome does not depend on it).
constexpr int kStepsBeforeFirstChild = 8;

template <typename Event>
std::shared_ptr<Event> NewEvent(const std::string& event_id, const std::string& subject,
                                const std::string& source, absl::Time now) {
  auto event = std::make_shared<Event>();
  auto* meta = event->mutable_meta();
  meta->set_event_id(event_id);
  meta->set_authority_id(kAuthority);
  meta->set_subject(subject);
  meta->set_source(source);
  events::ToTimestamp(now, meta->mutable_occurred_at());
  events::ToTimestamp(now, meta->mutable_recorded_at());
  return event;
}

common::v1::Date DateOf(absl::CivilDay day) {
  common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace

const common::v1::EventMeta& PublishedEvent::meta() const {
  const auto* field = message->GetDescriptor()->FindFieldByName("meta");
  return static_cast<const common::v1::EventMeta&>(
      message->GetReflection()->GetMessage(*message, field));
}

absl::Time PublishedEvent::occurred_at() const {
  return events::FromTimestamp(meta().occurred_at());
}

Workload::Workload(WorkloadOptions options) : options_(options), random_(options.seed) {}

std::string Workload::NextEventId(const std::string& kind) {
  return absl::StrCat("lcs-", ++event_counter_, "-", kind);
}

PublishedEvent Workload::Join(const std::string& worker, const std::string& supervisor,
                              const std::string& team, int role, absl::Time now) {
  auto event =
      NewEvent<workforce::v1::WorkerJoined>("hr-joined-" + worker, worker, "hr://devon", now);
  event->set_worker_id(worker);
  event->set_display_name("Person " + worker);
  event->set_email(worker + "@devon.example.gov.uk");
  event->set_role(static_cast<workforce::v1::Role>(role));
  event->set_team_id(team);
  event->set_supervisor_id(supervisor);
  *event->mutable_start_date() = DateOf(LondonDay(now));
  event->set_employment(workforce::v1::EMPLOYMENT_PERMANENT);
  team_of_[worker] = team;
  return {PublishedEvent::Stream::kWorkforce, worker, event};
}

PublishedEvent Workload::Allocate(absl::Time now) {
  std::vector<std::string> eligible;
  for (const auto& [worker, joined] : practitioners_) {
    if (step_ - joined >= kStepsBeforeFirstChild) eligible.push_back(worker);
  }
  if (eligible.empty()) eligible.push_back(practitioners_.front().first);  // nothing else to do
  const std::string worker = eligible[random_() % eligible.size()];
  const std::string child = absl::StrCat("child-", children_.size() + 1);
  children_.push_back({child});
  auto event =
      NewEvent<cases::v1::CaseAllocated>(NextEventId("allocated"), child, "lcs://devon", now);
  event->set_child_id(child);
  event->set_worker_id(worker);
  event->set_team_id(team_of_[worker]);
  event->set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  event->set_risk(common::v1::RISK_LEVEL_STANDARD);
  return {PublishedEvent::Stream::kCase, child, event};
}

PublishedEvent Workload::CaseEvent(absl::Time now) {
  std::vector<Child*> open;
  for (auto& child : children_) {
    if (!child.closed) open.push_back(&child);
  }
  Child& child = *open[random_() % open.size()];
  const std::string& id = child.id;
  const int pick = static_cast<int>(random_() % 100);
  auto make = [&](auto tag, const char* kind) {
    using Event = typename decltype(tag)::type;
    auto event = NewEvent<Event>(NextEventId(kind), id, "lcs://devon", now);
    event->set_child_id(id);
    return event;
  };
  std::shared_ptr<google::protobuf::Message> message;
  if (pick < 15 && !child.in_care) {
    auto event = make(std::type_identity<cases::v1::ChildEnteredCare>(), "entered-care");
    event->set_legal_status("C2");
    event->set_placement_type("U1");
    child.in_care = true;
    message = event;
  } else if (pick < 45) {
    auto event = make(std::type_identity<cases::v1::SignificantIncident>(), "incident");
    *event->mutable_incident_at() = event->meta().occurred_at();
    event->set_category("missing-from-home");
    message = event;
  } else if (pick < 55) {
    auto event = make(std::type_identity<cases::v1::CourtDirection>(), "court");
    event->set_court_reference("EX25C" + std::to_string(event_counter_));
    message = event;
  } else if (pick < 65) {
    auto event = make(std::type_identity<cases::v1::EscalationRaised>(), "escalation");
    event->set_raised_by(cases::v1::ESCALATION_SOURCE_IRO);
    message = event;
  } else if (pick < 75) {
    auto event =
        make(std::type_identity<cases::v1::CaseDiscussionOutsideSupervision>(), "discussion");
    event->set_discussed_with("school nurse");
    message = event;
  } else if (pick < 85) {
    message = make(std::type_identity<cases::v1::ProfessionalOpinionUsed>(), "opinion");
  } else {
    auto event = make(std::type_identity<cases::v1::CaseClosed>(), "closed");
    event->set_reason("needs met");
    child.closed = true;
    message = event;
  }
  return {PublishedEvent::Stream::kCase, id, message};
}

PublishedEvent Workload::Next(absl::Time now) {
  const int step = step_++;
  // The director, the head of service and the managers first.
  if (step == 0) return Join(kDirector, "", "", workforce::v1::ROLE_HEAD_OF_SERVICE, now);
  if (step == 1) return Join("hos-1", kDirector, "", workforce::v1::ROLE_SERVICE_MANAGER, now);
  if (step <= options_.managers + 1) {
    const std::string manager = absl::StrCat("manager-", step - 1);
    const std::string team = absl::StrCat("team-", step - 1);
    managers_.emplace_back(manager, team);
    return Join(manager, "hos-1", team, workforce::v1::ROLE_TEAM_MANAGER, now);
  }
  const bool can_join = static_cast<int>(practitioners_.size()) < options_.practitioners;
  bool can_allocate = false;
  for (const auto& [worker, joined] : practitioners_) {
    can_allocate = can_allocate || step - joined >= kStepsBeforeFirstChild;
  }
  bool any_open = false;
  for (const auto& child : children_)
    any_open = any_open || !child.closed;
  const int pick = static_cast<int>(random_() % 100);
  if (can_join && (pick < 12 || !can_allocate)) {
    const int n = static_cast<int>(practitioners_.size()) + 1;
    const std::string worker = absl::StrCat("worker-", n);
    const auto& [manager, team] = managers_[static_cast<size_t>(n - 1) % managers_.size()];
    practitioners_.emplace_back(worker, step);
    return Join(worker, manager, team, workforce::v1::ROLE_SOCIAL_WORKER, now);
  }
  if ((can_allocate && (pick < 40 || !any_open)) || !any_open) return Allocate(now);
  return CaseEvent(now);
}

}  // namespace oversight::faults
