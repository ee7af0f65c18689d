// Who may read and write a record (issue 5 point 5; RULES.md H16, S14). A pure decision from the
// authenticated principal, the record's parties and children, the workforce relationships and the
// access grants, under the authority's pack `access:` rules. No I/O; thread-safe.
//
// Reader classes (the words of the packs' `readers:` lists) and how each is recognised:
//   supervisor, supervisee            the principal is a party of the record
//   (line manager chain)              the principal is above a supervisee (or the supervisor) in
//                                     the line-manager chain: always allowed (issue 5; the
//                                     supervisor is the worker's line manager, H16/S14 "parties")
//   covering_manager                  an unexpired COVER grant for a manager who is the
//                                     supervisor or in a supervisee's chain
//   senior_manager                    role "senior_manager"
//   quality_assurance_officer,
//   performance_and_qa                role "quality_assurance" (or "performance_and_qa")
//   investigation_officer,
//   investigating_officer             role "investigating_officer"
//   ofsted_inspector, inspector       role "inspector" AND an unexpired INSPECTOR grant
//   workforce_development             role "workforce_development" (worker-specific records)
//   regulator                         role "regulator" AND an unexpired REGULATOR grant for a
//                                     party of the record (SWE/HCPC fitness to practise, S14)
//   data_subject                      an unexpired DATA_SUBJECT grant for one of the record's
//                                     children (subject access, S14)
//   parental_responsibility           an unexpired PARENTAL_RESPONSIBILITY grant for one of them
//   child_file_access                 access to the file of one of the record's children: the
//                                     child's allocated worker, their line-manager chain, a
//                                     member of the child's team (from the case events), or a
//                                     CHILD_FILE grant
// A pack with no `access:` rule for a record class (worker / child) uses the default lists below
// (DefaultReaders), which follow H16 and S14. Writes are narrower: see DecideWrite.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/policy/pack.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/runtime/auth.h"

namespace oversight::recording {

// A child's allocation as the case events say (CaseAllocated, LeadPractitionerChanged,
// CaseTransferred): who has access to the child's file.
struct ChildCase {
  std::string worker_id;  // the allocated practitioner ("" if none)
  std::string team_id;
};

// What the workforce directory, the case events and the grants say about people. Filled by the
// store from workforce and case events and GrantAccess calls; plain data.
struct Relationships {
  // worker -> line manager (supervisor), from WorkerJoined / SupervisorChanged.
  std::map<std::string, std::string> line_manager;
  // covering manager -> (manager covered -> grant expiry; InfiniteFuture: open-ended).
  std::map<std::string, std::map<std::string, absl::Time>> covering;
  // inspector -> grant expiry.
  std::map<std::string, absl::Time> inspector_until;
  // subject -> children whose file they can access (-> expiry).
  std::map<std::string, std::map<std::string, absl::Time>> child_file;
  // subject -> children whose records they may read under subject access (-> expiry).
  std::map<std::string, std::map<std::string, absl::Time>> data_subject;
  std::map<std::string, std::map<std::string, absl::Time>> parental_responsibility;
  // regulator -> registrant (worker) whose fitness to practise they examine (-> expiry).
  std::map<std::string, std::map<std::string, absl::Time>> regulator;
  // child -> allocation, for the record's children (absent: no case event names the child).
  std::map<std::string, ChildCase> child_cases;
  // worker -> team, from the directory (for the principal).
  std::map<std::string, std::string> team;
};

// The people and children a record concerns.
struct RecordParties {
  std::string record_id;
  std::string authority_id;
  v1::RecordKind kind = v1::RECORD_KIND_UNSPECIFIED;
  std::string supervisor_id;
  std::vector<std::string> supervisee_ids;
  std::vector<std::string> child_ids;  // children discussed or the oversight's child
};

// The parties of a stored record.
RecordParties PartiesOf(const v1::Record& record);

// Whether a record is about a worker (personal supervision, agreement ...) and/or a child (case
// supervision, oversight, group/ad hoc discussions of children). Case supervision is both.
bool IsWorkerSpecific(const RecordParties& record);
bool IsChildSpecific(const RecordParties& record);

// The reader classes used when the pack has no `access:` rule for "worker" or "child".
const std::vector<std::string>& DefaultReaders(const std::string& record_class);

struct AccessDecision {
  bool allowed = false;
  // Why, citing the rule: "H16: party to the record (supervisee)", "S14: inspector grant expired
  // 2026-01-01T00:00:00+00:00", "H16: no reader class of the principal is listed ...".
  std::string reason;
};

// May `principal` read the record? `pack` gives the access rules (its rule ids are cited);
// `now` decides grant expiry. The principal's authority must be empty or the record's.
AccessDecision DecideRead(const runtime::Principal& principal, const RecordParties& record,
                          const Relationships& relationships, const policy::Pack& pack,
                          absl::Time now);

// What a write is.
enum class WriteKind { kCreate, kEdit, kCirculate, kSign, kAmend, kDisagree, kCompleteAction };

// May `principal` make this write? Create, edit (draft/unsigned update), circulate: the
// supervisor (for oversight, the decision maker is the supervisor) or a manager covering them.
// Amend: a party or a covering manager. Sign, disagree: a party (lifecycle checks which one).
// CompleteAction: a party or the line-manager chain. Reading rights alone never allow a write.
AccessDecision DecideWrite(const runtime::Principal& principal, const RecordParties& record,
                           WriteKind kind, const Relationships& relationships, absl::Time now);

// Checks a GrantAccessRequest and returns the grant's target: the manager covered (COVER), the
// child (CHILD_FILE, DATA_SUBJECT, PARENTAL_RESPONSIBILITY), the registrant (REGULATOR), or ""
// (INSPECTOR). INSPECTOR, subject access and REGULATOR grants are time-limited: expires_at is
// required and must be after `now`. INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<std::string> GrantTarget(const v1::GrantAccessRequest& request, absl::Time now);
// The target field of a request for its kind, unchecked ("" for INSPECTOR and unknown kinds).
std::string GrantTargetOf(const v1::GrantAccessRequest& request);

// The line-manager chain above `worker` (nearest first), stopping at cycles and after 20 steps.
std::vector<std::string> LineManagerChain(const Relationships& relationships,
                                          const std::string& worker);

}  // namespace oversight::recording
