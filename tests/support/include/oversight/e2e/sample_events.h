// Events a test publishes as an HR or case system would, for authority "devon", team "team-a",
// occurring now.
#pragma once

#include <string>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::e2e {

// `worker` joins, supervised by `supervisor`; event id "hr-joined-<worker>".
workforce::v1::WorkerJoined WorkerJoinedEvent(const std::string& worker,
                                              const std::string& supervisor);

// A child-in-need case allocated to `worker`, with the given event id.
cases::v1::CaseAllocated CaseAllocatedEvent(const std::string& child, const std::string& worker,
                                            const std::string& event_id);

}  // namespace oversight::e2e
