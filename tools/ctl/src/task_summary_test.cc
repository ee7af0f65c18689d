#include "task_summary.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace oversight::ctl {
namespace {

triggers::v1::OversightTask Task(const std::string& rule, triggers::v1::TaskStatus status) {
  triggers::v1::OversightTask task;
  task.set_rule_id(rule);
  task.set_status(status);
  return task;
}

TEST(TaskSummaryTest, RuleIdsSortAsPeopleReadThem) {
  std::vector<std::string> ids = {"H2", "D14.4", "D8", "D14.1", "D14", "S10", "S3", "D008"};
  std::sort(ids.begin(), ids.end(), RuleIdLess);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"D008", "D8", "D14", "D14.1", "D14.4", "H2", "S3", "S10"}));
  EXPECT_FALSE(RuleIdLess("D8", "D8"));
}

TEST(TaskSummaryTest, CountsByRuleAndStatus) {
  using triggers::v1::TASK_STATUS_COMPLETED;
  using triggers::v1::TASK_STATUS_REQUESTED;
  const auto counts =
      CountTasks({Task("D14.4", TASK_STATUS_REQUESTED), Task("D8", TASK_STATUS_REQUESTED),
                  Task("D8", TASK_STATUS_COMPLETED), Task("D8", TASK_STATUS_REQUESTED),
                  Task("", TASK_STATUS_REQUESTED)});
  ASSERT_EQ(counts.rows.size(), 3u);
  EXPECT_EQ(counts.rows[0].rule_id, "(none)");  // '(' sorts before letters
  EXPECT_EQ(counts.rows[1].rule_id, "D8");
  EXPECT_EQ(counts.rows[1].total, 3);
  EXPECT_EQ(counts.rows[1].by_status.at("requested"), 2);
  EXPECT_EQ(counts.rows[1].by_status.at("completed"), 1);
  EXPECT_EQ(counts.rows[2].rule_id, "D14.4");
  EXPECT_EQ(counts.rows[2].total, 1);
  EXPECT_EQ(counts.total, 5);
  EXPECT_EQ(counts.by_status.at("requested"), 4);
  EXPECT_EQ(counts.by_status.at("completed"), 1);
  EXPECT_TRUE(CountTasks({}).rows.empty());
}

TEST(TaskSummaryTest, StatusNamesRoundTrip) {
  for (const char* name : {"requested", "in_progress", "completed", "cancelled"}) {
    triggers::v1::TaskStatus status;
    ASSERT_TRUE(ParseStatus(name, &status)) << name;
    EXPECT_EQ(StatusName(status), name);
  }
  triggers::v1::TaskStatus status;
  EXPECT_FALSE(ParseStatus("open", &status));
  EXPECT_EQ(StatusName(triggers::v1::TASK_STATUS_UNSPECIFIED), "unspecified");
}

}  // namespace
}  // namespace oversight::ctl
