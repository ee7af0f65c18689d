// Complete records of each kind for the recording tests (test-only helper).
#pragma once

#include "absl/time/time.h"
#include "oversight/events/outbound.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/testing/utc.h"

namespace oversight::recording::testing {

using oversight::testing::Utc;

inline common::v1::Date Day(int y, int m, int d) {
  common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline v1::SmartAction Action(const char* description, const char* owner, common::v1::Date due) {
  v1::SmartAction a;
  a.set_description(description);
  a.set_owner_id(owner);
  *a.mutable_due_on() = due;
  return a;
}

inline v1::Record Base(v1::RecordKind kind, const char* authority, const char* held_at) {
  v1::Record r;
  r.set_record_id("rec-1");
  r.set_authority_id(authority);
  r.set_kind(kind);
  r.set_supervisor_id("manager-1");
  events::ToTimestamp(Utc(held_at), r.mutable_held_at());
  return r;
}

inline v1::Record PersonalSupervision(const char* authority = "devon",
                                      const char* held_at = "2026-03-02T10:00:00Z") {
  v1::Record r = Base(v1::RECORD_KIND_PERSONAL_SUPERVISION, authority, held_at);
  r.add_supervisee_ids("worker-1");
  r.set_notes("Workload, wellbeing and training plan discussed.");
  *r.add_actions() = Action("Book the ASYE review", "worker-1", Day(2026, 3, 20));
  return r;
}

inline v1::Record CaseSupervision(const char* authority = "havering",
                                  const char* held_at = "2026-03-02T10:00:00Z") {
  v1::Record r = Base(v1::RECORD_KIND_CASE_SUPERVISION, authority, held_at);
  r.add_supervisee_ids("worker-1");
  auto* c = r.add_children();
  c->set_child_id("child-1");
  c->set_summary("Placement stable; school attendance improving.");
  c->set_childs_views("Wants more contact with her brother.");
  *c->mutable_last_seen_alone() = Day(2026, 2, 20);
  *c->mutable_next_visit_planned() = Day(2026, 3, 12);
  c->set_rag_rating("AMBER");
  *c->add_actions() = Action("Arrange sibling contact", "worker-1", Day(2026, 3, 16));
  return r;
}

inline v1::Record Oversight(const char* authority = "devon",
                            const char* held_at = "2026-03-02T10:00:00Z") {
  v1::Record r = Base(v1::RECORD_KIND_MANAGEMENT_OVERSIGHT, authority, held_at);
  auto* o = r.mutable_oversight();
  o->set_child_id("child-7");
  o->set_task_id("task-9");
  o->set_reason("Child entered care");
  o->set_current_situation("Placed with foster carers, settling.");
  o->set_decision_and_rationale("Continue plan; review in 4 weeks because of new school.");
  o->set_decision_maker_id("manager-1");
  o->set_decision_maker_role("Team manager");
  *o->add_incident_dates() = Day(2026, 2, 27);
  *o->add_actions() = Action("Visit within 5 days", "worker-1", Day(2026, 3, 6));
  return r;
}

}  // namespace oversight::recording::testing
