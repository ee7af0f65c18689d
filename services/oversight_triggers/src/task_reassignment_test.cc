// Who may reassign a task by hand, and what a reassignment changes.
#include "task_reassignment.h"

#include <gtest/gtest.h>

#include <map>

namespace oversight::triggers {
namespace {

class MapDirectory : public Directory {
 public:
  void Add(std::string worker, std::string supervisor, bool left = false) {
    entries_[worker] = WorkerEntry{worker, std::move(supervisor), "team-a", left};
  }
  bool Find(const std::string& worker_id, WorkerEntry& out) const override {
    auto it = entries_.find(worker_id);
    if (it == entries_.end()) return false;
    out = it->second;
    return true;
  }

 private:
  std::map<std::string, WorkerEntry> entries_;
};

runtime::Principal Caller(std::string subject, std::vector<std::string> roles = {},
                          std::string team = "") {
  runtime::Principal p;
  p.subject = std::move(subject);
  p.roles = std::move(roles);
  p.team_id = std::move(team);
  return p;
}

class ReassignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_.Add("manager-1", "head-1");
    directory_.Add("manager-2", "head-1");
    directory_.Add("leaver", "head-1", /*left=*/true);
    task_.set_task_id("task-1");
    task_.set_authority_id("devon");
    task_.set_child_id("child-1");
    task_.set_team_id("team-a");
    task_.set_owner_id("manager-1");
    task_.set_status(v1::TASK_STATUS_REQUESTED);
  }
  MapDirectory directory_;
  v1::OversightTask task_;
  absl::Time now_ = absl::FromUnixSeconds(1'780'000'000);
};

TEST_F(ReassignTest, TheOwnersLineManagerAndTheRolesMayReassign) {
  EXPECT_TRUE(MayReassign(Caller("head-1"), task_, directory_).ok());
  EXPECT_TRUE(MayReassign(Caller("anyone", {"oversight_admin"}), task_, directory_).ok());
  EXPECT_TRUE(MayReassign(Caller("anyone", {"senior_manager"}), task_, directory_).ok());
  EXPECT_TRUE(MayReassign(Caller("tm", {"team_manager"}, "team-a"), task_, directory_).ok());
}

TEST_F(ReassignTest, EveryoneElseIsRefusedWithTheReason) {
  for (const auto& caller : {Caller("manager-1"),  // the owner: cannot hand it off alone
                             Caller("manager-2"), Caller("tm", {"team_manager"}, "team-b"),
                             Caller("tm", {"team_manager"})}) {
    auto status = MayReassign(caller, task_, directory_);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << caller.subject;
    EXPECT_NE(status.message().find("line manager of its owner"), std::string::npos) << status;
  }
  v1::OversightTask unowned = task_;
  unowned.clear_owner_id();
  EXPECT_EQ(MayReassign(Caller("head-1"), unowned, directory_).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ReassignTest, ReassignmentChangesTheOwnerAndRecordsWhoAndWhy) {
  auto decided = DecideReassignment(task_, "manager-2", "manager-1 on leave", Caller("head-1"),
                                    directory_, "4", now_);
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_TRUE(decided->changed);
  EXPECT_EQ(decided->task.owner_id(), "manager-2");
  ASSERT_EQ(decided->task.history_size(), 1);
  EXPECT_EQ(decided->task.history(0).note(), "reassigned by head-1: manager-1 on leave");
  EXPECT_EQ(decided->reassigned.owner_id(), "manager-2");
  EXPECT_EQ(decided->reassigned.previous_owner_id(), "manager-1");
  // Decided again on the same version: the same event id (a retried store is deduplicated).
  auto again = DecideReassignment(task_, "manager-2", "", Caller("head-1"), directory_, "4", now_);
  EXPECT_EQ(again->reassigned.meta().event_id(), decided->reassigned.meta().event_id());
}

TEST_F(ReassignTest, TheSameOwnerChangesNothingAndBadOwnersOrClosedTasksAreRefused) {
  auto same = DecideReassignment(task_, "manager-1", "", Caller("head-1"), directory_, "4", now_);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed);
  EXPECT_EQ(DecideReassignment(task_, "nobody", "", Caller("head-1"), directory_, "4", now_)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecideReassignment(task_, "leaver", "", Caller("head-1"), directory_, "4", now_)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  v1::OversightTask done = task_;
  done.set_status(v1::TASK_STATUS_COMPLETED);
  auto closed = DecideReassignment(done, "manager-2", "", Caller("head-1"), directory_, "4", now_);
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(closed.status().message().find("only open tasks"), std::string::npos);
}

}  // namespace
}  // namespace oversight::triggers
