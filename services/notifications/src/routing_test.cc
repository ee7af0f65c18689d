#include "routing.h"

#include <gtest/gtest.h>

#include "oversight/events/outbound.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::notifications {
namespace {

triggers::v1::TaskOpened Opened(const std::string& owner) {
  triggers::v1::TaskOpened event;
  event.mutable_meta()->set_event_id("evt-1");
  event.mutable_meta()->set_authority_id("devon");
  auto* task = event.mutable_task();
  task->set_task_id("task-1");
  task->set_child_id("C-123");
  task->set_owner_id(owner);
  task->set_worker_id("worker-1");
  task->set_rule_id("D14.4");
  task->set_description("The child comes into the care of the local authority.");
  // Wed 30 Dec 2026, 23:59:59 GMT.
  events::ToTimestamp(absl::FromUnixSeconds(1798675199), task->mutable_due_at());
  return event;
}

TEST(RouteTest, TaskOpenedTellsItsOwnerInPlainWordsWithoutCaseDetail) {
  auto event = Opened("manager-1");
  auto out = Route(event, event.meta(), absl::FromUnixSeconds(1798500000));
  ASSERT_EQ(out.size(), 1u);
  const auto& n = out[0];
  EXPECT_EQ(n.recipient_id(), "manager-1");
  EXPECT_EQ(n.item_id(), "task-1");
  EXPECT_EQ(n.stage(), "opened");
  EXPECT_EQ(n.rule_id(), "D14.4");
  EXPECT_EQ(n.subject(), "Management oversight needed for child C-123 by Wed 30 Dec 2026");
  EXPECT_NE(n.body_text().find("rule D14.4"), std::string::npos);
  EXPECT_NE(n.body_text().find("{{case_system_url}}/children/C-123"), std::string::npos);
  EXPECT_FALSE(n.critical());
}

TEST(RouteTest, SameItemAndStageGiveTheSameNotificationId) {
  auto event = Opened("manager-1");
  auto first = Route(event, event.meta(), absl::FromUnixSeconds(1));
  auto again = Route(event, event.meta(), absl::FromUnixSeconds(2));
  EXPECT_EQ(first.at(0).notification_id(), again.at(0).notification_id());
}

TEST(RouteTest, UnownedTaskTellsNobody) {
  auto event = Opened("");
  EXPECT_TRUE(Route(event, event.meta(), absl::FromUnixSeconds(1)).empty());
}

}  // namespace
}  // namespace oversight::notifications
