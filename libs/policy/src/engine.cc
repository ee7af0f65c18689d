#include "oversight/policy/engine.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace oversight::policy {
namespace {

std::string FormatInstant(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Adds interval / fte (H2 reading): whole months by the calendar, the remaining fraction of a
// month as a share of the following month's days, rounded to whole days. Day and week
// intervals scale in days.
absl::CivilDay AddScaled(absl::CivilDay from, const Period& interval, double fte) {
  if (interval.unit == PeriodUnit::kMonths || interval.unit == PeriodUnit::kYears) {
    const double months = (interval.unit == PeriodUnit::kYears ? 12.0 : 1.0) * interval.count / fte;
    const int whole = static_cast<int>(std::floor(months + 1e-9));
    const double frac = months - whole;
    absl::CivilDay day = AddMonths(from, whole);
    if (frac > 1e-9) {
      const int64_t next_len = AddMonths(from, whole + 1) - day;
      day += static_cast<int64_t>(std::llround(frac * static_cast<double>(next_len)));
    }
    return day;
  }
  const int64_t days =
      AddCalendarPeriod(absl::CivilDay(2000, 1, 1), interval) - absl::CivilDay(2000, 1, 1);
  return from + std::llround(static_cast<double>(days) / fte);
}

bool ContainsReason(const AbsenceRule& rule, AbsenceReason r) {
  return std::find(rule.pause_reasons.begin(), rule.pause_reasons.end(), r) !=
         rule.pause_reasons.end();
}
bool ContainsParty(const AbsenceRule& rule, Party p) {
  return std::find(rule.parties.begin(), rule.parties.end(), p) != rule.parties.end();
}

// The later of a basis and go-live; says so in the explanation when go-live won.
absl::CivilDay NotBefore(absl::CivilDay basis, const std::optional<absl::CivilDay>& counted_from,
                         Explanation& ex) {
  if (!counted_from || *counted_from <= basis) return basis;
  ex.facts.emplace_back("counted_from_go_live", FormatDay(*counted_from));
  return *counted_from;
}

struct Candidate {
  absl::CivilDay due;
  const std::string* rule_id = nullptr;
  std::string summary;
};

}  // namespace

DueDate Engine::DayDeadline(absl::CivilDay from, const Period& period) const {
  DueDate out;
  out.explanation.calendar = calendar_.id();
  absl::CivilDay day = from;
  bool beyond = false;
  switch (period.unit) {
    case PeriodUnit::kWorkingDays: {
      CalendarDay c = calendar_.AddWorkingDays(from, period.count);
      day = c.day;
      beyond = c.beyond_horizon;
      break;
    }
    case PeriodUnit::kEndOfDay:
      break;
    case PeriodUnit::kHours:
    case PeriodUnit::kMinutes: {
      absl::Time start = absl::FromCivil(absl::CivilSecond(from), calendar_.zone());
      out.due_at = start + (period.unit == PeriodUnit::kHours ? absl::Hours(period.count)
                                                              : absl::Minutes(period.count));
      out.due_day = calendar_.LocalDay(out.due_at);
      if (!calendar_.InHorizon(out.due_day)) {
        out.warnings.push_back(absl::StrCat("due day ", FormatDay(out.due_day),
                                            " is beyond the calendar's horizon (", calendar_.id(),
                                            ")"));
      }
      return out;
    }
    default:
      day = AddCalendarPeriod(from, period);
  }
  out.due_day = day;
  out.due_at = calendar_.EndOfDay(day);
  if (beyond || !calendar_.InHorizon(day)) {
    out.warnings.push_back(absl::StrCat(
        "due day ", FormatDay(day), " is beyond the calendar's horizon (", calendar_.id(),
        "): bank holidays there are unknown, only weekends were skipped"));
  }
  return out;
}

DueDate Engine::DeadlineAfter(absl::Time from, const Period& period) const {
  if (period.unit == PeriodUnit::kHours || period.unit == PeriodUnit::kMinutes) {
    DueDate out;
    out.explanation.calendar = calendar_.id();
    out.due_at = from + (period.unit == PeriodUnit::kHours ? absl::Hours(period.count)
                                                           : absl::Minutes(period.count));
    out.due_day = calendar_.LocalDay(out.due_at);
    if (!calendar_.InHorizon(out.due_day)) {
      out.warnings.push_back(absl::StrCat("due day ", FormatDay(out.due_day),
                                          " is beyond the calendar's horizon (", calendar_.id(),
                                          ")"));
    }
    return out;
  }
  return DayDeadline(calendar_.LocalDay(from), period);
}

absl::StatusOr<DueDate> Engine::NextPersonalSupervision(const WorkerFacts& worker) const {
  const PersonalSupervisionRule* standard = pack_.FindPersonalSupervision(WorkerStatus::kStandard);
  if (standard == nullptr || !standard->interval) {
    return absl::NotFoundError(
        absl::StrCat("pack ", pack_.authority, " has no standard personal supervision rule"));
  }
  if (worker.left_on) {
    return absl::FailedPreconditionError(
        absl::StrCat("worker ", worker.worker_id, " left on ", FormatDay(*worker.left_on)));
  }
  const double fte = worker.fte > 0 && worker.fte <= 1.0 ? worker.fte : 1.0;
  if (worker.fte > 1.0) {
    return absl::InvalidArgumentError(absl::StrCat("FTE ", worker.fte, " is above 1.0"));
  }
  const bool has_last =
      worker.last_personal_supervision && *worker.last_personal_supervision >= worker.start_date;
  const absl::CivilDay basis = has_last ? *worker.last_personal_supervision : worker.start_date;

  DueDate out;
  out.kind = ItemKind::kPersonalSupervision;
  Explanation& ex = out.explanation;
  ex.calendar = calendar_.id();
  ex.facts.emplace_back(has_last ? "last_formal_session" : "start_date", FormatDay(basis));
  const absl::CivilDay anchor = NotBefore(basis, worker.counted_from, ex);

  // The base schedule: standard, or part-time, or agency.
  Candidate best;
  best.due = AddCalendarPeriod(anchor, *standard->interval);
  best.rule_id = &standard->rule_id;
  best.summary = absl::StrCat("every ", standard->interval->ToString());
  if (fte < 1.0) {
    ex.facts.emplace_back("fte", absl::StrCat(fte));
    if (const PersonalSupervisionRule* pt =
            pack_.FindPersonalSupervision(WorkerStatus::kPartTime)) {
      best.rule_id = &pt->rule_id;
      if (pt->fte_mode == FteMode::kScaleByFte) {
        best.due = AddScaled(anchor, *standard->interval, fte);
        best.summary = absl::StrCat("part-time: ", standard->interval->ToString(), " / FTE ", fte,
                                    " = ", best.due - anchor, " days from ", FormatDay(anchor));
      } else {
        best.summary = absl::StrCat("part-time: same frequency as full-time, every ",
                                    standard->interval->ToString());
      }
    }
  }
  if (worker.agency) {
    ex.facts.emplace_back("employment", "agency");
    if (const PersonalSupervisionRule* ag = pack_.FindPersonalSupervision(WorkerStatus::kAgency)) {
      if (ag->interval) {
        best.due = AddCalendarPeriod(anchor, *ag->interval);
        best.summary = absl::StrCat("agency: every ", ag->interval->ToString());
      } else {
        best.summary = absl::StrCat("agency: same as permanent staff, ", best.summary);
      }
      best.rule_id = &ag->rule_id;
    }
  }

  // Phased statuses: the phase in force on the anchor day; the most frequent schedule wins.
  auto phased = [&](WorkerStatus status, absl::CivilDay status_anchor, absl::string_view what) {
    const PersonalSupervisionRule* rule = pack_.FindPersonalSupervision(status);
    if (rule == nullptr) return;
    absl::CivilDay phase_start = status_anchor;
    for (const Phase& ph : rule->phases) {
      const absl::CivilDay phase_end = AddCalendarPeriod(status_anchor, ph.until);
      if (anchor < phase_end) {
        const absl::CivilDay due = AddCalendarPeriod(anchor, ph.interval);
        ex.facts.emplace_back(absl::StrCat(what, "_phase"),
                              absl::StrCat(FormatDay(phase_start), " to ", FormatDay(phase_end)));
        if (due <= best.due) {
          best.due = due;
          best.rule_id = &rule->rule_id;
          best.summary = absl::StrCat(what, " until ", ph.until.ToString(), " after ",
                                      FormatDay(status_anchor), ": every ", ph.interval.ToString());
        }
        return;
      }
      phase_start = phase_end;
    }
    if (rule->interval) {
      const absl::CivilDay due = AddCalendarPeriod(anchor, *rule->interval);
      if (due <= best.due) {
        best.due = due;
        best.rule_id = &rule->rule_id;
        best.summary = absl::StrCat(what, " after its phases: every ", rule->interval->ToString());
      }
    }
  };
  if (worker.asye_start && !worker.asye_completed) {
    ex.facts.emplace_back("asye_start", FormatDay(*worker.asye_start));
    phased(WorkerStatus::kAsye, *worker.asye_start, "ASYE");
  }
  phased(WorkerStatus::kInduction, worker.start_date, "induction");
  if (worker.probation_end && !worker.probation_completed && anchor < *worker.probation_end) {
    ex.facts.emplace_back("probation_end", FormatDay(*worker.probation_end));
    phased(WorkerStatus::kProbation, worker.start_date, "probation");
  }
  if (worker.last_informal_supervision && *worker.last_informal_supervision > anchor) {
    ex.facts.emplace_back("informal_session_not_counted",
                          FormatDay(*worker.last_informal_supervision));
  }
  ex.rule_id = *best.rule_id;
  ex.summary = std::move(best.summary);
  if (const RuleInfo* info = pack_.FindRule(ex.rule_id); info && !info->reading.empty()) {
    ex.reading = info->reading;
  }
  absl::CivilDay due = best.due;

  // Absences: pause, and the catch-up deadline after a return (H5).
  if (pack_.absence && !worker.absences.empty()) {
    const AbsenceRule& rule = *pack_.absence;
    std::vector<const AbsenceFacts*> relevant;
    for (const AbsenceFacts& a : worker.absences) {
      if (ContainsReason(rule, a.reason) && ContainsParty(rule, a.party)) relevant.push_back(&a);
    }
    std::sort(relevant.begin(), relevant.end(), [](const AbsenceFacts* a, const AbsenceFacts* b) {
      return a->starts_on < b->starts_on;
    });
    for (const AbsenceFacts* a : relevant) {
      if (a->starts_on > due) break;  // the session was due before the absence began
      if (a->returned_on && *a->returned_on <= anchor) continue;  // over before the anchor
      ex.facts.emplace_back(absl::StrCat(PartyName(a->party), "_", AbsenceReasonName(a->reason)),
                            absl::StrCat(FormatDay(a->starts_on), " to ",
                                         a->returned_on ? FormatDay(*a->returned_on)
                                                        : std::string("(still absent)")));
      if (!a->returned_on) {
        out.paused = true;
        out.due_at = absl::InfiniteFuture();
        out.due_day = due;
        ex.summary = absl::StrCat(ex.summary, "; paused during ", AbsenceReasonName(a->reason),
                                  " absence (regular date ", FormatDay(due), ")");
        return out;
      }
      if (rule.catch_up_within) {
        // The return day counts as the first of the working days when it is one.
        const CalendarDay back =
            calendar_.AddWorkingDays(*a->returned_on - 1, rule.catch_up_within->count);
        if (back.beyond_horizon) {
          out.warnings.push_back("catch-up date beyond the calendar's horizon");
        }
        if (back.day > due) {
          due = back.day;
          ex.rule_id = rule.rule_id;
          ex.summary = absl::StrCat("missed through ", AbsenceReasonName(a->reason), ": within ",
                                    rule.catch_up_within->ToString(), " of the return on ",
                                    FormatDay(*a->returned_on));
          if (const RuleInfo* info = pack_.FindRule(rule.rule_id)) ex.reading = info->reading;
        }
      } else {
        const absl::CivilDay pause_start = std::max(a->starts_on, anchor);
        due += *a->returned_on - pause_start;
        ex.summary = absl::StrCat(ex.summary, "; clock paused ", *a->returned_on - pause_start,
                                  " days for ", AbsenceReasonName(a->reason));
      }
    }
  }
  DueDate day = DayDeadline(due, Period{PeriodUnit::kEndOfDay, 0});
  out.due_at = day.due_at;
  out.due_day = day.due_day;
  for (auto& w : day.warnings)
    out.warnings.push_back(std::move(w));
  return out;
}

absl::StatusOr<DueDate> Engine::NextCaseDiscussion(const ChildFacts& child) const {
  const bool has_last =
      child.last_case_discussion && *child.last_case_discussion >= child.allocated_on;
  const absl::CivilDay basis = has_last ? *child.last_case_discussion : child.allocated_on;
  Explanation go_live;
  const absl::CivilDay anchor = NotBefore(basis, child.counted_from, go_live);
  const CaseDiscussionRow* best = nullptr;
  absl::CivilDay best_due;
  int best_specificity = -1;
  for (const CaseDiscussionRow& row : pack_.case_discussion) {
    if (row.case_type && *row.case_type != child.case_type) continue;
    if (row.risk && *row.risk != child.risk) continue;
    if (row.placed_with_parents && *row.placed_with_parents != child.placement.placed_with_parents)
      continue;
    if (row.long_term_matched && *row.long_term_matched != child.placement.long_term_matched)
      continue;
    if (row.stability_concern && *row.stability_concern != child.placement.stability_concern)
      continue;
    if (row.in_care_proceedings && *row.in_care_proceedings != child.in_care_proceedings) continue;
    const int specificity = row.case_type.has_value() + row.risk.has_value() +
                            row.placed_with_parents.has_value() +
                            row.long_term_matched.has_value() + row.stability_concern.has_value() +
                            row.in_care_proceedings.has_value();
    const absl::CivilDay due = AddCalendarPeriod(anchor, row.interval);
    if (best == nullptr || specificity > best_specificity ||
        (specificity == best_specificity && due < best_due)) {
      best = &row;
      best_due = due;
      best_specificity = specificity;
    }
  }
  if (best == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("pack ", pack_.authority, " has no case-discussion row for ",
                     CaseTypeName(child.case_type), " (", RiskLevelName(child.risk), " risk)"));
  }
  DueDate out = DayDeadline(best_due, Period{PeriodUnit::kEndOfDay, 0});
  out.kind = ItemKind::kCaseDiscussion;
  Explanation& ex = out.explanation;
  ex.rule_id = best->rule_id;
  ex.summary =
      absl::StrCat(best->label.empty() ? std::string(CaseTypeName(child.case_type)) : best->label,
                   ": at least every ", best->interval.ToString());
  if (best->target) {
    const absl::CivilDay target = AddCalendarPeriod(anchor, *best->target);
    out.target_at = calendar_.EndOfDay(target);
    absl::StrAppend(&ex.summary, " (target every ", best->target->ToString(), ", ",
                    FormatDay(target), ")");
  }
  ex.facts.reserve(5);
  ex.facts.emplace_back(has_last ? "last_case_discussion" : "allocated_on", FormatDay(basis));
  for (auto& fact : go_live.facts)
    ex.facts.push_back(std::move(fact));
  ex.facts.emplace_back("case_type", CaseTypeName(child.case_type));
  ex.facts.emplace_back("risk", RiskLevelName(child.risk));
  if (child.placement.placed_with_parents) ex.facts.emplace_back("placed_with_parents", "true");
  if (child.placement.long_term_matched) ex.facts.emplace_back("long_term_matched", "true");
  if (child.placement.stability_concern) ex.facts.emplace_back("stability_concern", "true");
  if (child.in_care_proceedings) ex.facts.emplace_back("in_care_proceedings", "true");
  if (const RuleInfo* info = pack_.FindRule(ex.rule_id); info && !info->reading.empty()) {
    ex.reading = info->reading;
  }
  return out;
}

absl::StatusOr<std::vector<DueDate>> Engine::AgreementItems(const WorkerFacts& worker) const {
  const CycleRule* rule = pack_.FindCycle(ItemKind::kAgreementReview);
  if (rule == nullptr) {
    return absl::NotFoundError(absl::StrCat("pack ", pack_.authority, " has no agreement rule"));
  }
  const RuleInfo* info = pack_.FindRule(rule->rule_id);
  auto has = [&](absl::string_view e) {
    return std::find(rule->new_on.begin(), rule->new_on.end(), e) != rule->new_on.end();
  };
  std::vector<DueDate> out;
  const absl::CivilDay relationship = worker.supervisor_since.value_or(worker.start_date);
  const bool signed_for_current =
      worker.last_agreement_signed && *worker.last_agreement_signed >= relationship;
  if (!signed_for_current && rule->new_within) {
    const bool changed = worker.supervisor_since.has_value() && has("supervisor_changed");
    const bool start = !worker.supervisor_since.has_value() && has("start");
    if (changed || start) {
      Explanation go_live;
      DueDate d =
          DayDeadline(NotBefore(relationship, worker.counted_from, go_live), *rule->new_within);
      d.kind = ItemKind::kNewAgreement;
      d.explanation.rule_id = rule->rule_id;
      d.explanation.summary =
          absl::StrCat("new supervision agreement within ", rule->new_within->ToString(), " of ",
                       changed ? "the change of supervisor" : "the start");
      d.explanation.facts.emplace_back(changed ? "supervisor_since" : "start_date",
                                       FormatDay(relationship));
      if (worker.last_agreement_signed) {
        d.explanation.facts.emplace_back("last_agreement_signed",
                                         FormatDay(*worker.last_agreement_signed));
      }
      for (auto& fact : go_live.facts)
        d.explanation.facts.push_back(std::move(fact));
      if (info) d.explanation.reading = info->reading;
      out.push_back(std::move(d));
    }
  }
  if (worker.last_agreement_signed || out.empty()) {
    const absl::CivilDay base = worker.last_agreement_signed.value_or(relationship);
    Explanation go_live;
    DueDate d = DayDeadline(NotBefore(base, worker.counted_from, go_live), rule->every);
    d.kind = ItemKind::kAgreementReview;
    d.explanation.rule_id = rule->rule_id;
    d.explanation.summary = absl::StrCat("agreement reviewed every ", rule->every.ToString());
    d.explanation.facts.emplace_back(
        worker.last_agreement_signed ? "last_agreement_signed" : "relationship_start",
        FormatDay(base));
    for (auto& fact : go_live.facts)
      d.explanation.facts.push_back(std::move(fact));
    if (info) d.explanation.reading = info->reading;
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<DueDate> Engine::NextWorkerCycle(ItemKind kind, const WorkerFacts& worker) const {
  const CycleRule* rule = pack_.FindCycle(kind);
  if (rule == nullptr || kind == ItemKind::kAgreementReview) {
    return absl::NotFoundError(
        absl::StrCat("pack ", pack_.authority, " has no ", ItemKindName(kind), " rule"));
  }
  std::optional<absl::CivilDay> last;
  absl::CivilDay start = worker.start_date;
  switch (kind) {
    case ItemKind::kObservation:
      last = worker.last_observation;
      break;
    case ItemKind::kPdr:
      last = worker.last_pdr;
      break;
    case ItemKind::kAppraisal:
      last = worker.last_appraisal;
      break;
    case ItemKind::kPerformanceConversation:
      last = worker.last_performance_conversation;
      break;
    case ItemKind::kMentoring:
      last = worker.last_mentoring;
      if (worker.asye_start) start = *worker.asye_start;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(ItemKindName(kind), " is not a recurring worker item"));
  }
  if (rule->applies_to == WorkerStatus::kAsye && (!worker.asye_start || worker.asye_completed)) {
    return absl::FailedPreconditionError(
        absl::StrCat(ItemKindName(kind), " applies to ASYE workers only"));
  }
  const bool has_last = last && *last >= start;
  const absl::CivilDay base = has_last ? *last : start;
  Explanation go_live;
  DueDate d = DayDeadline(NotBefore(base, worker.counted_from, go_live), rule->every);
  d.kind = kind;
  d.explanation.rule_id = rule->rule_id;
  d.explanation.summary = absl::StrCat(ItemKindName(kind), " every ", rule->every.ToString());
  d.explanation.facts.emplace_back(
      has_last ? absl::StrCat("last_", ItemKindName(kind))
               : std::string(kind == ItemKind::kMentoring ? "asye_start" : "start_date"),
      FormatDay(base));
  for (auto& fact : go_live.facts)
    d.explanation.facts.push_back(std::move(fact));
  if (const RuleInfo* info = pack_.FindRule(rule->rule_id)) d.explanation.reading = info->reading;
  return d;
}

absl::StatusOr<DueDate> Engine::NextGroupSupervision(const TeamFacts& team) const {
  const CycleRule* rule = pack_.FindCycle(ItemKind::kGroupSupervision);
  if (rule == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("pack ", pack_.authority, " has no group supervision rule"));
  }
  const bool has_last =
      team.last_group_supervision && *team.last_group_supervision >= team.formed_on;
  const absl::CivilDay base = has_last ? *team.last_group_supervision : team.formed_on;
  Explanation go_live;
  DueDate d = DayDeadline(NotBefore(base, team.counted_from, go_live), rule->every);
  d.kind = ItemKind::kGroupSupervision;
  d.explanation.rule_id = rule->rule_id;
  d.explanation.summary = absl::StrCat("group supervision per team every ", rule->every.ToString());
  d.explanation.facts.emplace_back("team_id", team.team_id);
  d.explanation.facts.emplace_back(has_last ? "last_group_supervision" : "team_formed_on",
                                   FormatDay(base));
  for (auto& fact : go_live.facts)
    d.explanation.facts.push_back(std::move(fact));
  if (const RuleInfo* info = pack_.FindRule(rule->rule_id)) d.explanation.reading = info->reading;
  return d;
}

std::vector<DueDate> Engine::RecordingDeadlines(const SessionFacts& session) const {
  std::vector<DueDate> out;
  // The deadline of an earlier step of the same record, used when the step has not happened.
  auto step_deadline = [&](RecordStep step) -> std::optional<absl::Time> {
    for (const RecordDeadlineRule& r : pack_.record_deadlines) {
      if (r.record == session.kind && r.step == step && r.from == DeadlineFrom::kHeld) {
        return DeadlineAfter(session.held_at, r.within).due_at;
      }
    }
    return std::nullopt;
  };
  for (const RecordDeadlineRule& r : pack_.record_deadlines) {
    if (r.record != session.kind) continue;
    absl::Time from = session.held_at;
    std::string from_fact = "held_at";
    std::string note;
    if (r.from == DeadlineFrom::kCirculated || r.from == DeadlineFrom::kObserverSectionCompleted) {
      const bool circulated = r.from == DeadlineFrom::kCirculated;
      const std::optional<absl::Time>& actual =
          circulated ? session.circulated_at : session.observer_section_completed_at;
      if (actual) {
        from = *actual;
        from_fact = circulated ? "circulated_at" : "observer_section_completed_at";
      } else if (std::optional<absl::Time> projected = step_deadline(
                     circulated ? RecordStep::kCirculate : RecordStep::kObserverSection)) {
        from = *projected;
        from_fact = circulated ? "circulate_deadline" : "observer_section_deadline";
        note = circulated ? " (not yet circulated: counted from the circulation deadline)"
                          : " (observer section not yet done: counted from its deadline)";
      }
    }
    DueDate d = DeadlineAfter(from, r.within);
    switch (r.step) {
      case RecordStep::kCirculate:
        d.kind = ItemKind::kCirculateDeadline;
        break;
      case RecordStep::kSignOff:
        d.kind = ItemKind::kSignOffDeadline;
        break;
      default:
        d.kind = ItemKind::kRecordDeadline;
    }
    d.explanation.rule_id = r.rule_id;
    d.explanation.summary =
        absl::StrCat(RecordKindName(r.record), " ", RecordStepName(r.step), " within ",
                     r.within.ToString(), " of ", DeadlineFromName(r.from), note);
    d.explanation.facts.emplace_back("record_id", session.record_id);
    d.explanation.facts.emplace_back("step", RecordStepName(r.step));
    d.explanation.facts.emplace_back(from_fact, FormatInstant(from));
    if (const RuleInfo* info = pack_.FindRule(r.rule_id)) d.explanation.reading = info->reading;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<RequiredOversight> Engine::TriggeredOversight(const CaseEventFacts& event) const {
  std::vector<RequiredOversight> out;
  for (const TriggerRule& t : pack_.triggers) {
    if (t.event_type != event.type) continue;
    bool match = true;
    for (const TriggerCondition& c : t.conditions) {
      auto it = event.fields.find(c.field);
      const bool present = it != event.fields.end() && !it->second.empty();
      switch (c.op) {
        case TriggerCondition::Op::kEquals:
          match = present && it->second == c.value;
          break;
        case TriggerCondition::Op::kPresent:
          match = present;
          break;
        case TriggerCondition::Op::kAbsent:
          match = !present;
          break;
      }
      if (!match) break;
    }
    if (!match) continue;
    const RuleInfo* info = pack_.FindRule(t.rule_id);
    auto explain = [&](DueDate& d, std::string summary) {
      d.explanation.rule_id = t.rule_id;
      d.explanation.summary = std::move(summary);
      d.explanation.facts.emplace_back("event_type", event.type);
      if (!event.event_id.empty()) d.explanation.facts.emplace_back("event_id", event.event_id);
      d.explanation.facts.emplace_back("occurred_at", FormatInstant(event.occurred_at));
      for (const TriggerCondition& c : t.conditions) {
        auto it = event.fields.find(c.field);
        d.explanation.facts.emplace_back(c.field,
                                         it == event.fields.end() ? "(absent)" : it->second);
      }
      if (info) d.explanation.reading = info->reading;
      if (!t.deadline_rule_id.empty() && t.produces != TriggerOutput::kAssessmentCheckpoints) {
        if (const RuleInfo* dl = pack_.FindRule(t.deadline_rule_id)) {
          absl::StrAppend(&d.explanation.reading, d.explanation.reading.empty() ? "" : " ",
                          "Deadline (", dl->id, "): ", dl->reading);
        }
      }
    };
    std::string what = t.description.empty() && info ? info->summary : t.description;
    while (!what.empty() && what.back() == '.')
      what.pop_back();
    if (t.produces == TriggerOutput::kAssessmentCheckpoints) {
      const absl::CivilDay start = calendar_.LocalDay(event.occurred_at);
      int n = 0;
      for (const Period& cp : t.checkpoints) {
        ++n;
        RequiredOversight r{t.name, t.priority, t.owner, what, DayDeadline(start, cp)};
        r.due.kind = ItemKind::kAssessmentCheckpoint;
        explain(r.due, absl::StrCat("assessment checkpoint ", n, ": ", cp.ToString(),
                                    " after the start on ", FormatDay(start)));
        out.push_back(std::move(r));
      }
      continue;
    }
    RequiredOversight r{t.name, t.priority, t.owner, what,
                        DeadlineAfter(event.occurred_at, t.deadline)};
    r.due.kind = t.produces == TriggerOutput::kRecordDeadline ? ItemKind::kRecordDeadline
                                                              : ItemKind::kOversightTask;
    explain(r.due, absl::StrCat(what, ": due within ", t.deadline.ToString(), " of the event"));
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<DueDate> Engine::RetentionDate(const WorkerFacts& worker) const {
  if (!pack_.retention) {
    return absl::NotFoundError(absl::StrCat("pack ", pack_.authority, " has no retention rule"));
  }
  if (!worker.left_on || !worker.left_childrens_services) {
    return absl::FailedPreconditionError(
        absl::StrCat("worker ", worker.worker_id, " has not left Children's Services"));
  }
  DueDate d = DayDeadline(*worker.left_on, pack_.retention->keep);
  d.kind = ItemKind::kRetention;
  d.explanation.rule_id = pack_.retention->rule_id;
  d.explanation.summary = absl::StrCat("worker records kept ", pack_.retention->keep.ToString(),
                                       " after leaving Children's Services, then destroyed");
  d.explanation.facts.emplace_back("left_on", FormatDay(*worker.left_on));
  return d;
}

absl::StatusOr<std::vector<DueDate>> Engine::AllWorkerItems(const WorkerFacts& worker) const {
  std::vector<DueDate> out;
  auto take = [&](absl::StatusOr<DueDate> d) -> absl::Status {
    if (d.ok()) {
      out.push_back(*std::move(d));
      return absl::OkStatus();
    }
    if (absl::IsNotFound(d.status()) || absl::IsFailedPrecondition(d.status())) {
      return absl::OkStatus();
    }
    return d.status();
  };
  if (worker.left_on) {
    if (absl::Status s = take(RetentionDate(worker)); !s.ok()) return s;
    return out;
  }
  if (absl::Status s = take(NextPersonalSupervision(worker)); !s.ok()) return s;
  absl::StatusOr<std::vector<DueDate>> agreements = AgreementItems(worker);
  if (agreements.ok()) {
    for (DueDate& d : *agreements)
      out.push_back(std::move(d));
  } else if (!absl::IsNotFound(agreements.status())) {
    return agreements.status();
  }
  for (ItemKind k : {ItemKind::kObservation, ItemKind::kPdr, ItemKind::kAppraisal,
                     ItemKind::kPerformanceConversation, ItemKind::kMentoring}) {
    if (absl::Status s = take(NextWorkerCycle(k, worker)); !s.ok()) return s;
  }
  return out;
}

}  // namespace oversight::policy
