#include "validation.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "oversight/events/outbound.h"

namespace oversight::recording {
namespace {

constexpr size_t kMaxIdLength = 256;
constexpr size_t kMaxTextLength = 100000;

absl::Status Invalid(const std::string& field, const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

absl::Status RequireId(const std::string& value, const std::string& field) {
  if (value.empty()) return Invalid(field, "is required");
  if (value.size() > kMaxIdLength) return Invalid(field, "is longer than 256 characters");
  return absl::OkStatus();
}

absl::Status RequireText(const std::string& value, const std::string& field,
                         const std::string& why) {
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) return Invalid(field, why);
  if (value.size() > kMaxTextLength) return Invalid(field, "is longer than 100000 characters");
  return absl::OkStatus();
}

absl::Status RequireDate(const common::v1::Date& date, const std::string& field,
                         const std::string& why) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return Invalid(field, why);
  if (!IsRealDate(date)) {
    return Invalid(field, absl::StrCat("is not a real date (", date.year(), "-", date.month(), "-",
                                       date.day(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateActions(const google::protobuf::RepeatedPtrField<v1::SmartAction>& actions,
                             const std::string& path) {
  for (int i = 0; i < actions.size(); ++i) {
    if (auto s = ValidateAction(actions[i], absl::StrCat(path, "[", i, "]")); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateIdentity(const v1::Record& record, absl::Time now) {
  if (auto s = RequireId(record.authority_id(), "authority_id"); !s.ok()) return s;
  if (record.kind() == v1::RECORD_KIND_UNSPECIFIED || !v1::RecordKind_IsValid(record.kind())) {
    return Invalid("kind", "say which kind of record this is (personal supervision, ...)");
  }
  if (auto s = RequireId(record.supervisor_id(), "supervisor_id"); !s.ok()) return s;
  if (!record.has_held_at()) {
    return Invalid("held_at", "say when the session happened (deadlines run from it)");
  }
  if (events::FromTimestamp(record.held_at()) > now + absl::Minutes(5)) {
    return Invalid("held_at", "is in the future; record a session once it has happened");
  }
  for (int i = 0; i < record.supervisee_ids_size(); ++i) {
    if (auto s = RequireId(record.supervisee_ids(i), absl::StrCat("supervisee_ids[", i, "]"));
        !s.ok())
      return s;
    if (record.supervisee_ids(i) == record.supervisor_id()) {
      return Invalid(absl::StrCat("supervisee_ids[", i, "]"),
                     "the supervisor cannot also be a supervisee of the same record");
    }
  }
  return absl::OkStatus();
}

absl::Status RequireOneSupervisee(const v1::Record& record) {
  if (record.supervisee_ids_size() != 1) {
    return Invalid("supervisee_ids", "name exactly one supervisee for this kind of record");
  }
  return absl::OkStatus();
}

absl::Status ValidateChild(const v1::ChildDiscussion& child, const std::string& path) {
  if (auto s = RequireId(child.child_id(), path + ".child_id"); !s.ok()) return s;
  if (auto s = RequireText(child.summary(), path + ".summary",
                           "a summary of the discussion is required (S11, D10)");
      !s.ok())
    return s;
  if (auto s = RequireText(child.childs_views(), path + ".childs_views",
                           "the child's views are required in case supervision (S11, D10)");
      !s.ok())
    return s;
  if (auto s = RequireDate(child.last_seen_alone(), path + ".last_seen_alone",
                           "say when the child was last seen alone (S11)");
      !s.ok())
    return s;
  if (auto s = RequireDate(child.next_visit_planned(), path + ".next_visit_planned",
                           "say when the next visit is planned (S11)");
      !s.ok())
    return s;
  if (child.rag_rating() != "RED" && child.rag_rating() != "AMBER" &&
      child.rag_rating() != "GREEN") {
    return Invalid(path + ".rag_rating", "must be RED, AMBER or GREEN");
  }
  return ValidateActions(child.actions(), path + ".actions");
}

absl::Status ValidateOversight(const v1::Record& record) {
  if (!record.has_oversight()) {
    return Invalid("oversight", "a management oversight record needs the D16 headings");
  }
  const auto& o = record.oversight();
  if (auto s = RequireId(o.child_id(), "oversight.child_id"); !s.ok()) return s;
  if (auto s = RequireText(o.reason(), "oversight.reason", "the reason for oversight (D16)");
      !s.ok())
    return s;
  if (auto s = RequireText(o.current_situation(), "oversight.current_situation",
                           "the current situation and its impact on the child (D16)");
      !s.ok())
    return s;
  if (auto s = RequireText(o.decision_and_rationale(), "oversight.decision_and_rationale",
                           "the decision with its rationale (D16)");
      !s.ok())
    return s;
  if (auto s = RequireId(o.decision_maker_id(), "oversight.decision_maker_id"); !s.ok()) return s;
  if (auto s = RequireText(o.decision_maker_role(), "oversight.decision_maker_role",
                           "the decision maker's role (D16)");
      !s.ok())
    return s;
  for (int i = 0; i < o.incident_dates_size(); ++i) {
    if (auto s = RequireDate(o.incident_dates(i), absl::StrCat("oversight.incident_dates[", i, "]"),
                             "an incident date must be a date");
        !s.ok())
      return s;
  }
  if (o.task_id().size() > kMaxIdLength) return Invalid("oversight.task_id", "is too long");
  return ValidateActions(o.actions(), "oversight.actions");
}

}  // namespace

bool IsRealDate(const common::v1::Date& date) {
  if (date.year() < 1900 || date.year() > 2200 || date.month() < 1 || date.month() > 12 ||
      date.day() < 1 || date.day() > 31) {
    return false;
  }
  const absl::CivilDay day(date.year(), date.month(), date.day());
  return day.year() == date.year() && day.month() == date.month() && day.day() == date.day();
}

absl::Status ValidateAction(const v1::SmartAction& action, const std::string& path) {
  if (auto s = RequireText(action.description(), path + ".description", "say what is to be done");
      !s.ok())
    return s;
  if (auto s = RequireId(action.owner_id(), path + ".owner_id"); !s.ok()) {
    return Invalid(path + ".owner_id", "every action needs an owner (SMART: who)");
  }
  return RequireDate(action.due_on(), path + ".due_on",
                     "every action needs a due date (SMART: by when)");
}

absl::Status RequireKnownChildren(const v1::Record& record,
                                  const std::vector<std::string>& unknown) {
  auto is_unknown = [&unknown](const std::string& child) {
    return std::find(unknown.begin(), unknown.end(), child) != unknown.end();
  };
  auto refuse = [&record](const std::string& field, const std::string& child) {
    return Invalid(field,
                   absl::StrCat("child \"", child, "\" is not known to ", record.authority_id(),
                                " (no case event names them); check the child id, or "
                                "record this once the case system has allocated the "
                                "child"));
  };
  for (int i = 0; i < record.children_size(); ++i) {
    if (is_unknown(record.children(i).child_id())) {
      return refuse(absl::StrCat("children[", i, "].child_id"), record.children(i).child_id());
    }
  }
  if (record.has_oversight() && is_unknown(record.oversight().child_id())) {
    return refuse("oversight.child_id", record.oversight().child_id());
  }
  return absl::OkStatus();
}

absl::Status ValidateDraft(const v1::Record& record, absl::Time now) {
  return ValidateIdentity(record, now);
}

absl::Status ValidateRecord(const v1::Record& record, absl::Time now) {
  if (auto s = ValidateIdentity(record, now); !s.ok()) return s;
  if (auto s = ValidateActions(record.actions(), "actions"); !s.ok()) return s;
  // Every action goes on the agenda, whatever the kind of the record it sits in (a personal
  // supervision sent with oversight headings keeps them): each is checked here, not only by its
  // kind's headings below (a due_on of year 2147483647 overflowed the agenda score).
  for (int i = 0; i < record.children_size(); ++i) {
    if (auto s = ValidateActions(record.children(i).actions(),
                                 absl::StrCat("children[", i, "].actions"));
        !s.ok())
      return s;
  }
  if (record.has_oversight()) {
    if (auto s = ValidateActions(record.oversight().actions(), "oversight.actions"); !s.ok())
      return s;
  }

  if (record.has_missed()) {
    // A missed or cancelled session: the planned kind, the parties and why.
    if (auto s = RequireText(record.missed().reason(), "missed.reason",
                             "say why the session did not happen (S9, H5)");
        !s.ok())
      return s;
    if (record.kind() != v1::RECORD_KIND_GROUP_SUPERVISION) return RequireOneSupervisee(record);
    return absl::OkStatus();
  }

  switch (record.kind()) {
    case v1::RECORD_KIND_PERSONAL_SUPERVISION:
    case v1::RECORD_KIND_PDR:
    case v1::RECORD_KIND_APPRAISAL:
      if (auto s = RequireOneSupervisee(record); !s.ok()) return s;
      return RequireText(record.notes(), "notes", "write what was discussed and agreed");
    case v1::RECORD_KIND_CASE_SUPERVISION:
      if (auto s = RequireOneSupervisee(record); !s.ok()) return s;
      if (record.children_size() == 0) {
        return Invalid("children", "a case supervision record covers at least one child");
      }
      for (int i = 0; i < record.children_size(); ++i) {
        if (auto s = ValidateChild(record.children(i), absl::StrCat("children[", i, "]")); !s.ok())
          return s;
        for (int j = 0; j < i; ++j) {
          if (record.children(j).child_id() == record.children(i).child_id()) {
            return Invalid(absl::StrCat("children[", i, "].child_id"),
                           "the same child appears twice; merge the two entries");
          }
        }
      }
      return absl::OkStatus();
    case v1::RECORD_KIND_GROUP_SUPERVISION:
      if (record.supervisee_ids_size() == 0) {
        return Invalid("supervisee_ids", "name the staff who attended the group supervision");
      }
      for (int i = 0; i < record.children_size(); ++i) {
        const std::string path = absl::StrCat("children[", i, "]");
        if (auto s = RequireId(record.children(i).child_id(), path + ".child_id"); !s.ok())
          return s;
        if (auto s = RequireText(record.children(i).summary(), path + ".summary",
                                 "summarise the discussion of this child (D17)");
            !s.ok())
          return s;
        if (auto s = ValidateActions(record.children(i).actions(), path + ".actions"); !s.ok())
          return s;
      }
      return RequireText(record.notes(), "notes", "write what the group discussed");
    case v1::RECORD_KIND_AD_HOC_DISCUSSION:
      if (record.supervisee_ids_size() == 0) {
        return Invalid("supervisee_ids", "name who the discussion was with");
      }
      if (auto s = RequireText(record.subject(), "subject", "name the single issue discussed");
          !s.ok())
        return s;
      for (int i = 0; i < record.children_size(); ++i) {
        if (auto s = RequireId(record.children(i).child_id(),
                               absl::StrCat("children[", i, "].child_id"));
            !s.ok())
          return s;
      }
      return RequireText(record.notes(), "notes", "write what was discussed and decided");
    case v1::RECORD_KIND_MANAGEMENT_OVERSIGHT:
      return ValidateOversight(record);
    case v1::RECORD_KIND_OBSERVATION:
      if (auto s = RequireOneSupervisee(record); !s.ok()) return s;
      if (!record.has_observation()) {
        return Invalid("observation", "an observation of practice needs its sections (H13)");
      }
      if (auto s = RequireText(record.observation().setting(), "observation.setting",
                               "say what practice was observed");
          !s.ok())
        return s;
      return RequireText(record.observation().observer_section(), "observation.observer_section",
                         "the observer's section is required (H13)");
    case v1::RECORD_KIND_SUPERVISION_AGREEMENT:
      if (auto s = RequireOneSupervisee(record); !s.ok()) return s;
      if (!record.has_agreement()) {
        return Invalid("agreement", "a supervision agreement needs its terms (S1)");
      }
      if (auto s = RequireText(record.agreement().frequency(), "agreement.frequency",
                               "say how often supervision takes place");
          !s.ok())
        return s;
      return RequireText(record.agreement().terms(), "agreement.terms",
                         "write the terms both parties agree to");
    default:
      return Invalid("kind", "unknown record kind");
  }
}

}  // namespace oversight::recording
