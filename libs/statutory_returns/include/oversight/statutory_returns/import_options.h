#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/statutory_returns/issue.h"

namespace oversight::statutory_returns {

// How an import turns historical dates into events. Passed by const reference; never modified.
struct ImportOptions {
  // Tenant written to every event's meta.authority_id, for example "devon". Must not be empty.
  std::string authority_id;
  // meta.recorded_at of every event: the import time, chosen by the caller (the library never
  // reads a clock).
  absl::Time recorded_at;
  // Dates after this day are "in the future" and are not imported. When unset, the CIN census
  // uses its Header/CollectionDetails/ReferenceDate and SSDA903 uses the civil day of
  // recorded_at in `zone`.
  std::optional<absl::CivilDay> as_of;
  // A historical date D becomes occurred_at = midnight at the start of D in this zone
  // (Europe/London for English returns; the caller loads it, see absl::LoadTimeZone).
  absl::TimeZone zone;
};

// Events and issues produced by one import. Events are in the order the rows describe them:
// per child, chronologically (ties keep the order of the file).
struct ImportResult {
  std::vector<oversight::cases::v1::CaseEvent> events;
  std::vector<Issue> issues;
};

}  // namespace oversight::statutory_returns
