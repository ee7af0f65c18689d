// What a record must contain before it is stored, per kind (issue 5 point 1; RULES.md D16 for
// management oversight, S11/D10 for the per-child part of case supervision, H13 observation,
// S1 agreement, S9/H5 missed sessions). Pure: no I/O, no clock.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "oversight/recording/v1/recording_service.pb.h"

namespace oversight::recording {

// OK if `record` is complete enough to be a recorded (non-draft) record of its kind; otherwise
// INVALID_ARGUMENT whose message names the field path and what to do, e.g.
// "children[0].childs_views: the child's views are required in case supervision (S11, D10)".
// `now` bounds held_at (a session cannot be held more than 5 minutes in the future).
// Drafts use ValidateDraft. Thread-safe (no state).
absl::Status ValidateRecord(const v1::Record& record, absl::Time now);

// The weaker check for a draft: identity fields only (authority, kind, supervisor, held_at), so a
// draft can be saved half-written. Same error style as ValidateRecord.
absl::Status ValidateDraft(const v1::Record& record, absl::Time now);

// OK unless `record` names one of `unknown` (children no case event has named): then
// INVALID_ARGUMENT naming the first such field and child, e.g. "children[1].child_id: child
// \"C-9\" is not known to havering ...", so the caller can correct the id. Pure.
absl::Status RequireKnownChildren(const v1::Record& record,
                                  const std::vector<std::string>& unknown);

// OK if the action has a description, an owner and a real due date (SMART: who and by when).
// `path` prefixes the field names in the message.
absl::Status ValidateAction(const v1::SmartAction& action, const std::string& path);

// True if `date` is a real calendar date (2024-02-30 is not).
bool IsRealDate(const common::v1::Date& date);

}  // namespace oversight::recording
