// Checks trigger definitions against the event contracts (the generated proto descriptors of
// oversight.cases.v1 and oversight.scheduling.v1), so a pack cannot name an event or a field
// that does not exist.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "oversight/policy/pack.h"

namespace oversight::policy::internal {

// OK if `type` is a known event message; INVALID_ARGUMENT with the problem otherwise.
absl::Status CheckEventType(absl::string_view type);

// OK if `condition.field` is a (dotted) field path of `type` and, for kEquals on an enum or
// bool field, `condition.value` is one of its values.
absl::Status CheckCondition(absl::string_view type, const TriggerCondition& condition);

}  // namespace oversight::policy::internal
