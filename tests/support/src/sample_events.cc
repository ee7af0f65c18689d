#include "oversight/e2e/sample_events.h"

#include "absl/time/clock.h"
#include "oversight/events/outbound.h"

namespace oversight::e2e {

workforce::v1::WorkerJoined WorkerJoinedEvent(const std::string& worker,
                                              const std::string& supervisor) {
  workforce::v1::WorkerJoined event;
  event.mutable_meta()->set_event_id("hr-joined-" + worker);
  event.mutable_meta()->set_authority_id("devon");
  events::ToTimestamp(absl::Now(), event.mutable_meta()->mutable_occurred_at());
  event.set_worker_id(worker);
  event.set_supervisor_id(supervisor);
  event.set_team_id("team-a");
  return event;
}

cases::v1::CaseAllocated CaseAllocatedEvent(const std::string& child, const std::string& worker,
                                            const std::string& event_id) {
  cases::v1::CaseAllocated event;
  event.mutable_meta()->set_event_id(event_id);
  event.mutable_meta()->set_authority_id("devon");
  events::ToTimestamp(absl::Now(), event.mutable_meta()->mutable_occurred_at());
  event.set_child_id(child);
  event.set_worker_id(worker);
  event.set_team_id("team-a");
  event.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  return event;
}

}  // namespace oversight::e2e
