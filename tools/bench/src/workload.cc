#include "workload.h"

#include <numeric>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::bench {
namespace {

constexpr char kEventPrefix[] = "bench-";
constexpr int kTriggers = 11;  // case events of Devon's pack that open a task (D14.2 ...)

std::string Manager(int m) {
  return absl::StrCat("bench-manager-", m);
}
std::string Worker(int w) {
  return absl::StrCat("bench-worker-", w);
}
std::string Team(int m) {
  return absl::StrCat("bench-team-", m);
}

template <typename Event>
std::unique_ptr<Event> NewEvent(const std::string& authority, const std::string& id,
                                const std::string& subject, absl::Time at) {
  auto event = std::make_unique<Event>();
  common::v1::EventMeta& meta = *event->mutable_meta();
  meta.set_event_id(id);
  meta.set_authority_id(authority);
  meta.set_subject(subject);
  meta.set_source("bench://case-system");
  events::ToTimestamp(at, meta.mutable_occurred_at());
  events::ToTimestamp(at, meta.mutable_recorded_at());
  return event;
}

// The trigger event of kind `t` (0 <= t < kTriggers) about `child`.
std::unique_ptr<google::protobuf::Message> TriggerEvent(int t, const std::string& authority,
                                                        const std::string& id,
                                                        const std::string& child, absl::Time at) {
  auto make = [&]<typename Event>(Event*) {
    auto event = NewEvent<Event>(authority, id, child, at);
    event->set_child_id(child);
    return event;
  };
  switch (t) {
    case 0: {
      auto e = make(static_cast<cases::v1::SignificantIncident*>(nullptr));  // D14.2
      events::ToTimestamp(at, e->mutable_incident_at());
      e->set_category("missing_from_home");
      return e;
    }
    case 1: {
      auto e = make(static_cast<cases::v1::CarePlanChanged*>(nullptr));  // D14.3
      e->set_summary("contact arrangements changed");
      return e;
    }
    case 2: {
      auto e = make(static_cast<cases::v1::CourtDirection*>(nullptr));  // D14.5
      e->set_court_reference("EX26C00042");
      return e;
    }
    case 3:
      return make(static_cast<cases::v1::EscalationRaised*>(nullptr));  // D14.6
    case 4:
      return make(static_cast<cases::v1::ChildReturnedHome*>(nullptr));  // D14.7
    case 5: {
      auto e = make(static_cast<cases::v1::CaseDiscussionOutsideSupervision*>(nullptr));  // D14.8
      e->set_discussed_with("bench-head");
      return e;
    }
    case 6: {
      auto e = make(static_cast<cases::v1::ThresholdChanged*>(nullptr));  // D14.9
      e->set_from_level("3");
      e->set_to_level("4");
      return e;
    }
    case 7:
      return make(static_cast<cases::v1::CumulativeHarmReassessed*>(nullptr));  // D14.10
    case 8:
      return make(static_cast<cases::v1::CpPlanEndRecommended*>(nullptr));  // D14.11
    case 9:
      return make(static_cast<cases::v1::ProfessionalOpinionUsed*>(nullptr));  // D14.12
    default:
      return make(static_cast<cases::v1::PerformanceGapIdentified*>(nullptr));  // D14.15
  }
}

}  // namespace

Workload::Workload(WorkloadShape shape) : shape_(std::move(shape)) {
  // A stride coprime with the caseload, about 0.38 of it: consecutive events hit children far
  // apart (different workers, different Redis hash buckets), every child once per round.
  const int64_t n = std::max<int64_t>(1, shape_.open_cases);
  stride_ = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(n) * 0.381966));
  while (std::gcd(stride_, n) != 1)
    ++stride_;
}

std::vector<Publication> Workload::Directory() const {
  std::vector<Publication> out;
  const absl::Time joined = shape_.live_from - absl::Hours(24 * 365);
  auto join = [&](const std::string& id, const std::string& supervisor, const std::string& team) {
    auto event =
        NewEvent<workforce::v1::WorkerJoined>(shape_.authority, "bench-hr-" + id, id, joined);
    event->set_worker_id(id);
    event->set_supervisor_id(supervisor);
    event->set_team_id(team);
    event->set_display_name(id);
    event->set_email(id + "@bench.invalid");
    event->set_role(supervisor.empty()           ? workforce::v1::ROLE_HEAD_OF_SERVICE
                    : supervisor == "bench-head" ? workforce::v1::ROLE_TEAM_MANAGER
                                                 : workforce::v1::ROLE_SOCIAL_WORKER);
    event->set_employment(workforce::v1::EMPLOYMENT_PERMANENT);
    event->mutable_start_date()->set_year(2020);
    event->mutable_start_date()->set_month(9);
    event->mutable_start_date()->set_day(1);
    out.push_back({"workforce_events", id, std::move(event)});
  };
  join("bench-head", "", "bench-leadership");
  for (int m = 0; m < shape_.managers; ++m)
    join(Manager(m), "bench-head", Team(m));
  for (int w = 0; w < shape_.workers; ++w) {
    join(Worker(w), Manager(w % shape_.managers), Team(w % shape_.managers));
  }
  return out;
}

std::string Workload::ChildId(int64_t n) const {
  return absl::StrCat("bench-child-", n);
}

Publication Workload::OpenCase(int64_t n) const {
  const std::string child = ChildId(n);
  const int w = static_cast<int>(n % shape_.workers);
  auto event = NewEvent<cases::v1::CaseAllocated>(
      shape_.authority, absl::StrCat("bench-open-", n), child,
      shape_.live_from - absl::Hours(24 * 30) + absl::Seconds(n % 86400));
  event->set_child_id(child);
  event->set_worker_id(Worker(w));
  event->set_team_id(Team(w % shape_.managers));
  event->set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  event->set_risk(common::v1::RISK_LEVEL_STANDARD);
  return {"case_events", child, std::move(event)};
}

int64_t Workload::DistinctEvents() const {
  return shape_.open_cases * kTriggers;
}

Publication Workload::CaseEvent(int64_t k, absl::Time at) const {
  const int64_t n = shape_.open_cases;
  const int64_t child_index = (k % n) * stride_ % n;
  const int trigger = static_cast<int>((k / n) % kTriggers);
  const std::string child = ChildId(child_index);
  return {"case_events", child, TriggerEvent(trigger, shape_.authority, EventId(k), child, at)};
}

Publication Workload::Completion(int64_t k, const std::string& task_id, const std::string& child_id,
                                 absl::Time at) const {
  const std::string record = absl::StrCat("bench-record-", k);
  auto event = NewEvent<recording::v1::OversightRecorded>(
      shape_.authority, absl::StrCat("bench-oversight-", k), record, at);
  event->set_record_id(record);
  event->set_child_id(child_id);
  event->set_task_id(task_id);
  event->set_decision_maker_id("bench-head");
  return {"supervision_events", child_id, std::move(event)};
}

std::string Workload::EventId(int64_t k) {
  return absl::StrCat(kEventPrefix, k);
}

int64_t Workload::SequenceOf(std::string_view event_id) {
  const std::string_view prefix = kEventPrefix;
  if (!event_id.starts_with(prefix)) return -1;
  int64_t k = -1;
  return absl::SimpleAtoi(std::string(event_id.substr(prefix.size())), &k) ? k : -1;
}

}  // namespace oversight::bench
