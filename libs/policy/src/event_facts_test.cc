#include "oversight/policy/event_facts.h"

#include "gtest/gtest.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "test_env.h"

namespace oversight::policy {
namespace {

using testing::EndOf;
using testing::ShippedCalendar;
using testing::ShippedPack;

TEST(EventFactsTest, AssessmentStartedDrivesStokeCheckpoints) {
  oversight::cases::v1::AssessmentStarted ev;
  ev.mutable_meta()->set_event_id("lcs-123");
  ev.mutable_meta()->set_authority_id("stoke-on-trent");
  // Monday 7 April 2025 09:00 UTC (10:00 BST).
  ev.mutable_meta()->mutable_occurred_at()->set_seconds(1744016400);
  ev.set_child_id("child-9");
  ev.set_kind(oversight::cases::v1::ASSESSMENT_KIND_CHILD_AND_FAMILY);
  ev.set_assessment_id("a-1");
  absl::StatusOr<CaseEventFacts> f = EventFactsFromMessage(ev);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->type, "oversight.cases.v1.AssessmentStarted");
  EXPECT_EQ(f->event_id, "lcs-123");
  EXPECT_EQ(f->child_id, "child-9");
  EXPECT_EQ(f->fields.at("kind"), "ASSESSMENT_KIND_CHILD_AND_FAMILY");
  EXPECT_EQ(f->fields.at("meta.authority_id"), "stoke-on-trent");
  EXPECT_EQ(f->occurred_at, absl::FromUnixSeconds(1744016400));

  Engine engine(ShippedPack("stoke-on-trent"), ShippedCalendar());
  std::vector<RequiredOversight> r = engine.TriggeredOversight(*f);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[3].due.due_at, EndOf(2025, 5, 22));  // working day 30
}

TEST(EventFactsTest, NestedEnumOfAScheduleEvent) {
  oversight::scheduling::v1::ItemOverdue ev;
  ev.mutable_meta()->set_event_id("s-1");
  ev.mutable_meta()->mutable_occurred_at()->set_seconds(1749117600);  // 2025-06-05 10:00 UTC
  ev.mutable_item()->set_kind(oversight::scheduling::v1::ITEM_KIND_CASE_DISCUSSION);
  ev.mutable_item()->set_child_id("child-3");
  absl::StatusOr<CaseEventFacts> f = EventFactsFromMessage(ev);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->child_id, "child-3");
  EXPECT_EQ(f->fields.at("item.kind"), "ITEM_KIND_CASE_DISCUSSION");
  Engine engine(ShippedPack("devon"), ShippedCalendar());
  std::vector<RequiredOversight> r = engine.TriggeredOversight(*f);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].trigger, "drift_or_delay");
  EXPECT_EQ(r[0].owner, Owner::kSupervisorLineManager);
  EXPECT_EQ(r[0].due.due_at, EndOf(2025, 6, 9));
}

TEST(EventFactsTest, RejectsNonEventsAndMissingTimes) {
  oversight::cases::v1::AssessmentStarted no_time;
  no_time.set_child_id("c");
  EXPECT_EQ(EventFactsFromMessage(no_time).status().code(), absl::StatusCode::kInvalidArgument);
  oversight::scheduling::v1::DueItem not_event;
  EXPECT_EQ(EventFactsFromMessage(not_event).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::policy
