#include "access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace oversight::recording {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool Active(absl::Time expiry, absl::Time now) {
  return now < expiry;
}

std::string When(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// The rule (id and readers) in force for a record class.
struct ClassRule {
  std::string rule_id;
  std::vector<std::string> readers;
  bool from_pack = false;
};

ClassRule RuleFor(const policy::Pack& pack, const std::string& record_class) {
  for (const auto& rule : pack.access) {
    if (rule.record == record_class) return {rule.rule_id, rule.readers, true};
  }
  return {record_class == "worker" ? "H16" : "S14", DefaultReaders(record_class), false};
}

// Managers the record's parties report to, through the chain: the supervisor and everyone above
// the supervisor or a supervisee.
std::vector<std::string> ManagersOf(const RecordParties& record, const Relationships& rel) {
  std::vector<std::string> managers{record.supervisor_id};
  auto add = [&](const std::string& worker) {
    for (const auto& m : LineManagerChain(rel, worker))
      if (!Contains(managers, m)) managers.push_back(m);
  };
  add(record.supervisor_id);
  for (const auto& s : record.supervisee_ids)
    add(s);
  return managers;
}

// The covering grant of `subject` for one of `managers`, if active: the manager covered.
std::string CoveredManager(const std::string& subject, const std::vector<std::string>& managers,
                           const Relationships& rel, absl::Time now) {
  auto it = rel.covering.find(subject);
  if (it == rel.covering.end()) return "";
  for (const auto& [manager, expiry] : it->second) {
    if (Contains(managers, manager) && Active(expiry, now)) return manager;
  }
  return "";
}

// The grant of `subject` in `grants` (subject -> target -> expiry) for one of `targets`: an
// active one if any, else an expired one (for the refusal's notes), else none (empty target).
struct Grant {
  bool active = false;
  std::string target;
  absl::Time until;
};

Grant ActiveGrant(const std::map<std::string, std::map<std::string, absl::Time>>& grants,
                  const std::string& subject, const std::vector<std::string>& targets,
                  absl::Time now) {
  Grant found;
  auto it = grants.find(subject);
  if (it == grants.end()) return found;
  for (const auto& target : targets) {
    auto grant = it->second.find(target);
    if (grant == it->second.end()) continue;
    if (Active(grant->second, now)) return {true, target, grant->second};
    found = {false, target, grant->second};
  }
  return found;
}

// Why the principal has access to the file of one of the record's children ("" if not): the
// child's allocated worker, in that worker's line-manager chain, in the child's team, or a
// CHILD_FILE grant. Expired grants are noted.
std::string ChildFileAccess(const runtime::Principal& p, const RecordParties& record,
                            const Relationships& rel, absl::Time now,
                            std::vector<std::string>& notes) {
  auto team = rel.team.find(p.subject);
  for (const auto& child : record.child_ids) {
    auto it = rel.child_cases.find(child);
    if (it == rel.child_cases.end()) continue;
    const ChildCase& allocation = it->second;
    if (!allocation.worker_id.empty() && allocation.worker_id == p.subject) {
      return "allocated worker of child " + child;
    }
    if (!allocation.worker_id.empty() &&
        Contains(LineManagerChain(rel, allocation.worker_id), p.subject)) {
      return absl::StrCat("line manager chain of ", allocation.worker_id,
                          ", the allocated worker of child ", child);
    }
    if (!allocation.team_id.empty() && team != rel.team.end() &&
        team->second == allocation.team_id) {
      return absl::StrCat("member of team ", allocation.team_id, ", to which child ", child,
                          " is allocated");
    }
  }
  const Grant grant = ActiveGrant(rel.child_file, p.subject, record.child_ids, now);
  if (grant.active) return "access to the file of child " + grant.target;
  if (!grant.target.empty())
    notes.push_back("access to the file of child " + grant.target + " expired");
  return "";
}

// The reader classes `principal` holds for this record (beyond parties and the chain), each with
// a short explanation; and notes on near misses (an expired grant) for the refusal reason.
struct Classes {
  std::vector<std::pair<std::string, std::string>> held;
  std::vector<std::string> notes;
};

Classes ClassesOf(const runtime::Principal& p, const RecordParties& record,
                  const Relationships& rel, absl::Time now) {
  Classes c;
  const std::string covered = CoveredManager(p.subject, ManagersOf(record, rel), rel, now);
  if (!covered.empty()) c.held.push_back({"covering_manager", "covering " + covered});
  if (p.HasRole("senior_manager")) c.held.push_back({"senior_manager", "role senior_manager"});
  if (p.HasRole("quality_assurance") || p.HasRole("performance_and_qa")) {
    c.held.push_back({"quality_assurance_officer", "role quality_assurance"});
    c.held.push_back({"performance_and_qa", "role quality_assurance"});
  }
  if (p.HasRole("investigating_officer")) {
    c.held.push_back({"investigating_officer", "role investigating_officer"});
    c.held.push_back({"investigation_officer", "role investigating_officer"});
  }
  if (p.HasRole("inspector")) {
    auto it = rel.inspector_until.find(p.subject);
    if (it != rel.inspector_until.end() && Active(it->second, now)) {
      const std::string why = "inspector grant until " + When(it->second);
      c.held.push_back({"inspector", why});
      c.held.push_back({"ofsted_inspector", why});
    } else if (it != rel.inspector_until.end()) {
      c.notes.push_back("inspector grant expired " + When(it->second));
    } else {
      c.notes.push_back("role inspector without an inspector grant");
    }
  }
  if (p.HasRole("workforce_development")) {
    c.held.push_back({"workforce_development", "role workforce_development"});
  }
  if (p.HasRole("regulator")) {
    std::vector<std::string> parties = record.supervisee_ids;
    parties.push_back(record.supervisor_id);
    const Grant grant = ActiveGrant(rel.regulator, p.subject, parties, now);
    if (grant.active) {
      c.held.push_back({"regulator", absl::StrCat("fitness to practise of ", grant.target,
                                                  ", regulator grant until ", When(grant.until))});
    } else if (!grant.target.empty()) {
      c.notes.push_back(
          absl::StrCat("regulator grant for ", grant.target, " expired ", When(grant.until)));
    } else {
      c.notes.push_back("role regulator without a grant for a party of this record");
    }
  }
  const Grant subject = ActiveGrant(rel.data_subject, p.subject, record.child_ids, now);
  if (subject.active) {
    c.held.push_back(
        {"data_subject", absl::StrCat("subject access to the records of child ", subject.target,
                                      " until ", When(subject.until))});
  } else if (!subject.target.empty()) {
    c.notes.push_back(absl::StrCat("subject access to the records of child ", subject.target,
                                   " expired ", When(subject.until)));
  }
  const Grant parent = ActiveGrant(rel.parental_responsibility, p.subject, record.child_ids, now);
  if (parent.active) {
    c.held.push_back(
        {"parental_responsibility",
         absl::StrCat("subject access as a holder of parental responsibility for child ",
                      parent.target, " until ", When(parent.until))});
  } else if (!parent.target.empty()) {
    c.notes.push_back(absl::StrCat("subject access (parental responsibility) for child ",
                                   parent.target, " expired ", When(parent.until)));
  }
  if (const std::string why = ChildFileAccess(p, record, rel, now, c.notes); !why.empty()) {
    c.held.push_back({"child_file_access", why});
  }
  return c;
}

AccessDecision Deny(std::string reason) {
  return {false, std::move(reason)};
}
AccessDecision Allow(std::string reason) {
  return {true, std::move(reason)};
}

bool IsParty(const runtime::Principal& p, const RecordParties& record) {
  return p.subject == record.supervisor_id || Contains(record.supervisee_ids, p.subject);
}

std::string InChain(const runtime::Principal& p, const RecordParties& record,
                    const Relationships& rel) {
  for (const auto& s : record.supervisee_ids) {
    if (Contains(LineManagerChain(rel, s), p.subject)) return s;
  }
  if (Contains(LineManagerChain(rel, record.supervisor_id), p.subject)) return record.supervisor_id;
  return "";
}

}  // namespace

RecordParties PartiesOf(const v1::Record& record) {
  RecordParties parties;
  parties.record_id = record.record_id();
  parties.authority_id = record.authority_id();
  parties.kind = record.kind();
  parties.supervisor_id = record.supervisor_id();
  parties.supervisee_ids.assign(record.supervisee_ids().begin(), record.supervisee_ids().end());
  for (const auto& child : record.children()) {
    if (!Contains(parties.child_ids, child.child_id()))
      parties.child_ids.push_back(child.child_id());
  }
  if (record.has_oversight() && !record.oversight().child_id().empty() &&
      !Contains(parties.child_ids, record.oversight().child_id())) {
    parties.child_ids.push_back(record.oversight().child_id());
  }
  return parties;
}

bool IsWorkerSpecific(const RecordParties& record) {
  return record.kind != v1::RECORD_KIND_MANAGEMENT_OVERSIGHT || record.child_ids.empty();
}

bool IsChildSpecific(const RecordParties& record) {
  return !record.child_ids.empty();
}

const std::vector<std::string>& DefaultReaders(const std::string& record_class) {
  static const std::vector<std::string> kWorker = {"supervisor",
                                                   "supervisee",
                                                   "covering_manager",
                                                   "senior_manager",
                                                   "investigating_officer",
                                                   "quality_assurance_officer",
                                                   "inspector",
                                                   "workforce_development"};
  static const std::vector<std::string> kChild = {
      "child_file_access", "data_subject",   "parental_responsibility",
      "covering_manager",  "senior_manager", "investigating_officer",
      "inspector",         "regulator",      "performance_and_qa"};
  return record_class == "child" ? kChild : kWorker;
}

std::vector<std::string> LineManagerChain(const Relationships& relationships,
                                          const std::string& worker) {
  std::vector<std::string> chain;
  std::string current = worker;
  for (int step = 0; step < 20; ++step) {
    auto it = relationships.line_manager.find(current);
    if (it == relationships.line_manager.end() || it->second.empty()) break;
    if (it->second == worker || Contains(chain, it->second)) break;
    chain.push_back(it->second);
    current = it->second;
  }
  return chain;
}

AccessDecision DecideRead(const runtime::Principal& principal, const RecordParties& record,
                          const Relationships& relationships, const policy::Pack& pack,
                          absl::Time now) {
  if (!principal.authority_id.empty() && principal.authority_id != record.authority_id) {
    return Deny(absl::StrCat("H16/S14: the caller belongs to authority ", principal.authority_id,
                             ", the record to ", record.authority_id));
  }
  if (principal.subject == record.supervisor_id) {
    return Allow("H16/S14: party to the record (supervisor)");
  }
  if (Contains(record.supervisee_ids, principal.subject)) {
    return Allow("H16/S14: party to the record (supervisee)");
  }
  if (const std::string below = InChain(principal, record, relationships); !below.empty()) {
    return Allow(absl::StrCat("H16/S14: line manager chain of ", below));
  }
  const Classes classes = ClassesOf(principal, record, relationships, now);
  std::vector<std::pair<std::string, ClassRule>> rules;
  if (IsWorkerSpecific(record)) rules.push_back({"worker", RuleFor(pack, "worker")});
  if (IsChildSpecific(record)) rules.push_back({"child", RuleFor(pack, "child")});
  for (const auto& [record_class, rule] : rules) {
    for (const auto& [reader, why] : classes.held) {
      if (!Contains(rule.readers, reader)) continue;
      return Allow(absl::StrCat(rule.rule_id, ": ", reader, " may read ", record_class,
                                "-specific records (", why, ")",
                                rule.from_pack ? "" : " [default list; the pack sets none]"));
    }
  }
  std::vector<std::string> cited;
  for (const auto& [record_class, rule] : rules)
    cited.push_back(absl::StrCat(rule.rule_id, " (", record_class, ": ",
                                 absl::StrJoin(rule.readers, ", "), ")"));
  std::string reason = absl::StrCat(principal.subject,
                                    " is not a party, not in the line-manager chain and holds "
                                    "no reader class listed by ",
                                    absl::StrJoin(cited, "; "));
  if (!classes.notes.empty()) absl::StrAppend(&reason, "; ", absl::StrJoin(classes.notes, "; "));
  return Deny(reason);
}

AccessDecision DecideWrite(const runtime::Principal& principal, const RecordParties& record,
                           WriteKind kind, const Relationships& relationships, absl::Time now) {
  if (!principal.authority_id.empty() && principal.authority_id != record.authority_id) {
    return Deny(absl::StrCat("H16/S14: the caller belongs to authority ", principal.authority_id,
                             ", the record to ", record.authority_id));
  }
  const bool supervisor = principal.subject == record.supervisor_id;
  const bool party = IsParty(principal, record);
  const std::string covered =
      CoveredManager(principal.subject, {record.supervisor_id}, relationships, now);
  switch (kind) {
    case WriteKind::kCreate:
    case WriteKind::kEdit:
    case WriteKind::kCirculate:
      if (supervisor) return Allow("H16/S14: the supervisor writes the record");
      if (!covered.empty()) return Allow("H16/S14: covering the supervisor " + covered);
      return Deny(absl::StrCat("only the supervisor (", record.supervisor_id,
                               ") or a manager covering their absence writes this record"));
    case WriteKind::kAmend:
      if (party) return Allow("H16/S14: party to the record corrects it by amendment");
      if (!covered.empty()) return Allow("H16/S14: covering the supervisor " + covered);
      return Deny("only a party to the record (or a manager covering the supervisor) amends it");
    case WriteKind::kSign:
    case WriteKind::kDisagree:
      if (party) return Allow("H16/S14: party to the record");
      return Deny(absl::StrCat(principal.subject, " is not a party to record ", record.record_id,
                               "; only the supervisor and the supervisee(s) sign or disagree"));
    case WriteKind::kCompleteAction:
      if (party) return Allow("H16/S14: party to the record");
      if (!InChain(principal, record, relationships).empty()) {
        return Allow("H16/S14: line manager chain");
      }
      return Deny("only a party to the record or their line manager completes its actions");
  }
  return Deny("unknown write");
}

std::string GrantTargetOf(const v1::GrantAccessRequest& request) {
  switch (request.kind()) {
    case v1::GRANT_KIND_COVER:
      return request.manager_id();
    case v1::GRANT_KIND_CHILD_FILE:
    case v1::GRANT_KIND_DATA_SUBJECT:
    case v1::GRANT_KIND_PARENTAL_RESPONSIBILITY:
      return request.child_id();
    case v1::GRANT_KIND_REGULATOR:
      return request.worker_id();
    default:
      return "";
  }
}

absl::StatusOr<std::string> GrantTarget(const v1::GrantAccessRequest& request, absl::Time now) {
  if (request.subject_id().empty()) {
    return absl::InvalidArgumentError("subject_id: say who is granted access");
  }
  const std::string target = GrantTargetOf(request);
  bool time_limited = true;
  switch (request.kind()) {
    case v1::GRANT_KIND_INSPECTOR:
      break;
    case v1::GRANT_KIND_COVER:
      if (target.empty()) {
        return absl::InvalidArgumentError("manager_id: name the manager whose absence is covered");
      }
      time_limited = false;
      break;
    case v1::GRANT_KIND_CHILD_FILE:
    case v1::GRANT_KIND_DATA_SUBJECT:
    case v1::GRANT_KIND_PARENTAL_RESPONSIBILITY:
      if (target.empty()) {
        return absl::InvalidArgumentError("child_id: name the child whose records are opened");
      }
      time_limited = request.kind() != v1::GRANT_KIND_CHILD_FILE;
      break;
    case v1::GRANT_KIND_REGULATOR:
      if (target.empty()) {
        return absl::InvalidArgumentError(
            "worker_id: name the registrant whose fitness to practise is examined (S14)");
      }
      break;
    default:
      return absl::InvalidArgumentError(
          "kind: INSPECTOR, COVER, CHILD_FILE, DATA_SUBJECT, PARENTAL_RESPONSIBILITY or REGULATOR");
  }
  if (time_limited && !request.has_expires_at()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expires_at: a ", v1::GrantKind_Name(request.kind()),
                     " grant is time-limited (H16/S14); say until when access is given"));
  }
  if (request.has_expires_at() && absl::FromUnixSeconds(request.expires_at().seconds()) <= now) {
    return absl::InvalidArgumentError(
        absl::StrCat("expires_at: ", When(absl::FromUnixSeconds(request.expires_at().seconds())),
                     " has already passed"));
  }
  return target;
}

}  // namespace oversight::recording
