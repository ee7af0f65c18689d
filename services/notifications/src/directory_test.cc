#include "directory.h"

#include <gtest/gtest.h>

#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::notifications {
namespace {

namespace wf = ::oversight::workforce::v1;

std::map<std::string, std::string> Fields(const DirectoryUpdate& update) {
  return {update.fields.begin(), update.fields.end()};
}

TEST(DirectoryTest, WorkerJoinedSetsWhatItCarries) {
  wf::WorkerJoined e;
  e.set_worker_id("w1");
  e.set_display_name("Wanda Worker");
  e.set_email("wanda@example.org");
  e.set_supervisor_id("m1");
  e.set_team_id("team-a");
  auto update = DirectoryUpdateFor(e);
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ(update->person_id, "w1");
  EXPECT_EQ(Fields(*update), (std::map<std::string, std::string>{{"name", "Wanda Worker"},
                                                                 {"email", "wanda@example.org"},
                                                                 {"manager", "m1"},
                                                                 {"team", "team-a"},
                                                                 {"left", "0"}}));
}

TEST(DirectoryTest, ContactDetailsChangeOnlyTheFieldsGiven) {
  wf::ContactDetailsChanged e;
  e.set_worker_id("w1");
  e.set_webhook_url("https://relay.example.org/hook");
  auto update = DirectoryUpdateFor(e);
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ(Fields(*update),
            (std::map<std::string, std::string>{{"webhook", "https://relay.example.org/hook"}}));
}

TEST(DirectoryTest, SupervisorChangedAndWorkerLeft) {
  wf::SupervisorChanged moved;
  moved.set_worker_id("w1");
  moved.set_supervisor_id("m2");
  EXPECT_EQ(Fields(*DirectoryUpdateFor(moved)),
            (std::map<std::string, std::string>{{"manager", "m2"}}));
  wf::WorkerLeft left;
  left.set_worker_id("w1");
  EXPECT_EQ(Fields(*DirectoryUpdateFor(left)), (std::map<std::string, std::string>{{"left", "1"}}));
}

TEST(DirectoryTest, OtherEventsDoNotTouchTheDirectory) {
  wf::AbsenceStarted absence;
  absence.set_worker_id("w1");
  EXPECT_FALSE(DirectoryUpdateFor(absence).has_value());
  wf::ContactDetailsChanged empty;
  empty.set_worker_id("w1");
  EXPECT_FALSE(DirectoryUpdateFor(empty).has_value());
}

TEST(DirectoryTest, ManagerAboveWalksTheChainAndSurvivesLoops) {
  Directory d;
  d.Add(PersonFromFields("w1", {{"manager", "m1"}}));
  d.Add(PersonFromFields("m1", {{"manager", "h1"}}));
  d.Add(PersonFromFields("h1", {{"manager", "w1"}}));  // a loop in HR data
  EXPECT_EQ(d.ManagerAbove("w1", 1), "m1");
  EXPECT_EQ(d.ManagerAbove("w1", 2), "h1");
  EXPECT_EQ(d.ManagerAbove("w1", 5), "h1");  // stops at the loop
  EXPECT_EQ(d.ManagerAbove("nobody", 1), "");
  EXPECT_TRUE(PersonFromFields("x", {{"left", "1"}}).left);
}

}  // namespace
}  // namespace oversight::notifications
