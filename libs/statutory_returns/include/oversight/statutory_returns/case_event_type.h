#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/common/v1/common.pb.h"

namespace oversight::statutory_returns {

// The full protobuf name of the message set in `event`'s oneof, for example
// "oversight.cases.v1.ChildEnteredCare" (the CloudEvents ce_type). Empty when no event is set.
// Thread-safe.
std::string_view EventTypeName(const oversight::cases::v1::CaseEvent& event);

// The meta of the message set in `event`'s oneof, or nullptr when no event is set (or the message
// has no meta). The pointer stays valid while `event` is alive and unchanged.
const oversight::common::v1::EventMeta* EventMetaOf(const oversight::cases::v1::CaseEvent& event);

// Number of events per EventTypeName, sorted by name. Events with no type are not counted.
std::map<std::string, int> CountByType(const std::vector<oversight::cases::v1::CaseEvent>& events);

}  // namespace oversight::statutory_returns
