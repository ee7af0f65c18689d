// Record validation per kind: table-driven, one row per required heading.
#include "validation.h"

#include <gtest/gtest.h>

#include <functional>

#include "test_records.h"

namespace oversight::recording {
namespace {

using testing::Utc;

const absl::Time kNow = Utc("2026-03-03T09:00:00Z");

TEST(ValidationTest, CompleteRecordsOfEachKindPass) {
  EXPECT_TRUE(ValidateRecord(testing::PersonalSupervision(), kNow).ok());
  EXPECT_TRUE(ValidateRecord(testing::CaseSupervision(), kNow).ok());
  EXPECT_TRUE(ValidateRecord(testing::Oversight(), kNow).ok());
}

struct Case {
  const char* name;
  std::function<v1::Record()> make;
  const char* field_in_message;
};

TEST(ValidationTest, EachMissingHeadingIsRefusedNamingTheField) {
  const std::vector<Case> cases = {
      {"no kind",
       [] {
         auto r = testing::PersonalSupervision();
         r.clear_kind();
         return r;
       },
       "kind"},
      {"no held_at",
       [] {
         auto r = testing::PersonalSupervision();
         r.clear_held_at();
         return r;
       },
       "held_at"},
      {"held in the future",
       [] { return testing::PersonalSupervision("devon", "2026-04-01T10:00:00Z"); }, "held_at"},
      {"no notes",
       [] {
         auto r = testing::PersonalSupervision();
         r.clear_notes();
         return r;
       },
       "notes"},
      {"action without owner",
       [] {
         auto r = testing::PersonalSupervision();
         r.mutable_actions(0)->clear_owner_id();
         return r;
       },
       "actions[0].owner_id"},
      {"action without due date",
       [] {
         auto r = testing::PersonalSupervision();
         r.mutable_actions(0)->clear_due_on();
         return r;
       },
       "actions[0].due_on"},
      {"action due 30 February",
       [] {
         auto r = testing::PersonalSupervision();
         *r.mutable_actions(0)->mutable_due_on() = testing::Day(2026, 2, 30);
         return r;
       },
       "not a real date"},
      {"a personal supervision with an oversight heading's action due in year 2147483647",
       [] {
         auto r = testing::PersonalSupervision();
         *r.mutable_oversight()->add_actions() =
             testing::Action("Visit", "worker-1", testing::Day(2147483647, 1, 1));
         return r;
       },
       "oversight.actions[0].due_on"},
      {"a child's action in a record that is not a case supervision",
       [] {
         auto r = testing::PersonalSupervision();
         auto* child = r.add_children();
         child->set_child_id("child-1");
         *child->add_actions() = testing::Action("Visit", "worker-1", testing::Day(2026, 13, 1));
         return r;
       },
       "children[0].actions[0].due_on"},
      {"case supervision without children",
       [] {
         auto r = testing::CaseSupervision();
         r.clear_children();
         return r;
       },
       "children"},
      {"child without views",
       [] {
         auto r = testing::CaseSupervision();
         r.mutable_children(0)->clear_childs_views();
         return r;
       },
       "children[0].childs_views"},
      {"child without last seen alone",
       [] {
         auto r = testing::CaseSupervision();
         r.mutable_children(0)->clear_last_seen_alone();
         return r;
       },
       "children[0].last_seen_alone"},
      {"child without next visit",
       [] {
         auto r = testing::CaseSupervision();
         r.mutable_children(0)->clear_next_visit_planned();
         return r;
       },
       "children[0].next_visit_planned"},
      {"bad RAG",
       [] {
         auto r = testing::CaseSupervision();
         r.mutable_children(0)->set_rag_rating("PURPLE");
         return r;
       },
       "rag_rating"},
      {"child action without owner",
       [] {
         auto r = testing::CaseSupervision();
         r.mutable_children(0)->mutable_actions(0)->clear_owner_id();
         return r;
       },
       "children[0].actions[0].owner_id"},
      {"oversight without reason",
       [] {
         auto r = testing::Oversight();
         r.mutable_oversight()->clear_reason();
         return r;
       },
       "oversight.reason"},
      {"oversight without situation",
       [] {
         auto r = testing::Oversight();
         r.mutable_oversight()->clear_current_situation();
         return r;
       },
       "oversight.current_situation"},
      {"oversight without decision",
       [] {
         auto r = testing::Oversight();
         r.mutable_oversight()->clear_decision_and_rationale();
         return r;
       },
       "oversight.decision_and_rationale"},
      {"oversight without decision maker role",
       [] {
         auto r = testing::Oversight();
         r.mutable_oversight()->clear_decision_maker_role();
         return r;
       },
       "oversight.decision_maker_role"},
      {"oversight action without date",
       [] {
         auto r = testing::Oversight();
         r.mutable_oversight()->mutable_actions(0)->clear_due_on();
         return r;
       },
       "oversight.actions[0].due_on"},
      {"missed session without reason",
       [] {
         auto r = testing::PersonalSupervision();
         r.mutable_missed()->set_sickness(true);
         return r;
       },
       "missed.reason"},
      {"supervisor is also supervisee",
       [] {
         auto r = testing::PersonalSupervision();
         r.set_supervisee_ids(0, "manager-1");
         return r;
       },
       "supervisee_ids[0]"},
  };
  for (const auto& c : cases) {
    const auto status = ValidateRecord(c.make(), kNow);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(status.message().find(c.field_in_message), std::string::npos)
        << c.name << ": " << status.message();
  }
}

TEST(ValidationTest, DraftsNeedOnlyIdentity) {
  auto r = testing::CaseSupervision();
  r.clear_children();
  EXPECT_TRUE(ValidateDraft(r, kNow).ok());
  r.clear_supervisor_id();
  EXPECT_EQ(ValidateDraft(r, kNow).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidationTest, MissedSessionNeedsOnlyItsReason) {
  auto r = testing::PersonalSupervision();
  r.clear_notes();
  r.clear_actions();
  r.mutable_missed()->set_reason("Supervisee off sick");
  r.mutable_missed()->set_sickness(true);
  EXPECT_TRUE(ValidateRecord(r, kNow).ok());
}

TEST(ValidationTest, UnknownChildrenAreRefusedNamingTheFieldAndTheChild) {
  auto record = testing::CaseSupervision("havering");
  *record.add_children() = record.children(0);
  record.mutable_children(1)->set_child_id("child-9");
  EXPECT_TRUE(RequireKnownChildren(record, {}).ok());
  EXPECT_TRUE(RequireKnownChildren(record, {"child-8"}).ok());
  const absl::Status refused = RequireKnownChildren(record, {"child-9"});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message().substr(0, 57),
            "children[1].child_id: child \"child-9\" is not known to hav");
  const absl::Status oversight = RequireKnownChildren(testing::Oversight("devon"), {"child-7"});
  EXPECT_NE(oversight.message().find("oversight.child_id: child \"child-7\" is not known to devon"),
            std::string::npos)
      << oversight;
}

}  // namespace
}  // namespace oversight::recording
