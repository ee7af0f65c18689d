// Lateness of a record against the authority's record deadline (issue 5 point 4): late records
// are accepted and marked late. Pure.
#pragma once

#include <optional>

#include "oversight/policy/engine.h"
#include "oversight/recording/v1/recording_service.pb.h"

namespace oversight::recording {

// The pack's kind for a proto record kind; nullopt for kinds the packs do not schedule (PDR,
// appraisal).
std::optional<policy::RecordKind> PolicyKind(v1::RecordKind kind);

// The deadline to enter a record of `kind` held at `held_at`: the pack's record_deadline rule for
// the `record` step counted from the session (H11, D11, S10 ...), by the engine's calendar.
// nullopt when the pack sets none for the kind.
std::optional<policy::DueDate> RecordDeadline(const policy::Engine& engine, v1::RecordKind kind,
                                              absl::Time held_at);

// Sets record_due_at, record_deadline_rule and late (recorded_at after the deadline) from the
// record's held_at and recorded_at. Clears them when there is no deadline or no recorded_at.
// `engine` may be nullptr (nothing known: not late).
void MarkLateness(v1::Record& record, const policy::Engine* engine);

}  // namespace oversight::recording
