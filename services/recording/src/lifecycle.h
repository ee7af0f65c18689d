// The lifecycle of a record (issue 5 point 2): draft -> recorded -> circulated -> signed by the
// supervisee(s) and the supervisor. Every step makes the NEXT VERSION of the record (version + 1,
// sealed into the hash chain) and leaves the given version untouched; the store keeps every
// version, so what was signed stays readable.
//
// Rules: content may be edited (Update) only until the first signature; after that a correction
// is an Amendment (who, when, why, which version it corrects), which makes a new unsigned version
// to be circulated and signed again. A signed record is never changed: Update, Circulate and Sign
// refuse it. A disagreement by a supervisee is added to the record (any status after draft) and
// can be referred to the supervisor's line manager.
//
// Errors: INVALID_ARGUMENT for bad content (see validation.h); FAILED_PRECONDITION for a step the
// record's status does not allow, with what to do instead; PERMISSION_DENIED for a signature or
// disagreement by someone who is not a party. Pure functions of their arguments; thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/policy/engine.h"
#include "oversight/recording/v1/recording_service.pb.h"

namespace oversight::recording {

// Who does a step and when.
struct Step {
  std::string actor_id;
  absl::Time now;
};

// Version 1 of a new record. `proposed` must carry record_id and authority_id. A draft is checked
// with ValidateDraft, anything else with ValidateRecord; a non-draft is recorded now (recorded_at
// = now, lateness from `engine`'s pack, which may be nullptr: no deadline known). Actions get ids
// derived from the record id when they have none, and their record_id.
absl::StatusOr<v1::Record> CreateVersion(const v1::Record& proposed, bool draft, const Step& step,
                                         const policy::Engine* engine);

// DRAFT -> RECORDED (validated in full, recorded_at = now, lateness marked).
absl::StatusOr<v1::Record> Submit(const v1::Record& current, const Step& step,
                                  const policy::Engine* engine);

// New content (notes, children, oversight, actions, sections, parties, held_at) for a record
// nobody has signed yet. Identity (record id, authority, kind, supervisor) cannot change.
absl::StatusOr<v1::Record> Update(const v1::Record& current, const v1::Record& proposed,
                                  const Step& step, const policy::Engine* engine);

// RECORDED -> CIRCULATED (sent to the supervisee); circulated_at = now.
absl::StatusOr<v1::Record> Circulate(const v1::Record& current, const Step& step);

// Adds the signature of `party` by step.actor_id. The supervisor signs a recorded or circulated
// record; a supervisee only a circulated one (they sign what was sent to them). Status becomes
// SIGNED when the supervisor and every supervisee have signed.
absl::StatusOr<v1::Record> Sign(const v1::Record& current, v1::Party party, const Step& step);

// A correction of a recorded record (signed or not): `reason` required; `corrected` (may be
// nullptr) replaces the content, else `notes` replaces the notes. The new version has status
// RECORDED, no signatures, and an Amendment naming the corrected version and its hash.
absl::StatusOr<v1::Record> Amend(const v1::Record& current, const std::string& reason,
                                 const std::string& notes, const v1::Record* corrected,
                                 const Step& step, const policy::Engine* engine);

// A supervisee's disagreement; `line_manager_id` (the supervisor's line manager) is required when
// `refer` is true (FAILED_PRECONDITION if unknown).
absl::StatusOr<v1::Record> Disagree(const v1::Record& current, const std::string& text, bool refer,
                                    const std::string& line_manager_id, const Step& step);

// The tombstone that replaces a record whose retention ended (H8): identity, parties and held_at
// only, status PURGED, chained to the last version's hash. Every other step refuses a purged
// record (FAILED_PRECONDITION).
absl::StatusOr<v1::Record> Purge(const v1::Record& current, const std::string& rule_id,
                                 const Step& step);

// True once the supervisor and every supervisee have signed.
bool FullySigned(const v1::Record& record);

// Every action of the record: top-level, per child and the oversight decision's.
std::vector<v1::SmartAction> AllActions(const v1::Record& record);

}  // namespace oversight::recording
