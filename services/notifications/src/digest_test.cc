#include "digest.h"

#include <gtest/gtest.h>

#include "oversight/events/outbound.h"

namespace oversight::notifications {
namespace {

v1::Notification Entry(const std::string& id, const std::string& occurrence,
                       const std::string& stage, int64_t due, const std::string& subject) {
  v1::Notification n;
  n.set_notification_id(id);
  n.set_occurrence_id(occurrence);
  n.set_stage(stage);
  n.set_subject(subject);
  n.set_rule_id("D1");
  n.set_link("{{case_system_url}}/workers/W-1");
  n.mutable_due_at()->set_seconds(due);
  return n;
}

TEST(DigestTest, GroupsByStageSortedByDueDateAndKeepsTheLatestStageOfAnItem) {
  const std::vector<v1::Notification> entries = {
      Entry("n1", "a@1", "due_soon", 300, "A due soon"),
      Entry("n2", "a@1", "due", 300, "A due today"),  // the same occurrence, a later stage
      Entry("n3", "b@1", "due_soon", 200, "B due soon"),
      Entry("n4", "c@1", "overdue", 100, "C overdue"),
      Entry("n5", "task:t1", "opened", 50, "New task"),
      Entry("n6", "d@1", "due_soon", 100, "D due soon"),
  };
  const auto sections = GroupForDigest(entries);
  ASSERT_EQ(sections.size(), 4u);
  EXPECT_EQ(sections[0].heading, "Overdue");
  EXPECT_EQ(sections[1].heading, "Due today");
  ASSERT_EQ(sections[1].entries.size(), 1u);
  EXPECT_EQ(sections[1].entries[0].notification_id(), "n2");
  EXPECT_EQ(sections[2].heading, "Due soon");
  ASSERT_EQ(sections[2].entries.size(), 2u);
  EXPECT_EQ(sections[2].entries[0].notification_id(), "n6");  // due 100 before 200
  EXPECT_EQ(sections[2].entries[1].notification_id(), "n3");
  EXPECT_EQ(sections[3].heading, "New oversight tasks");
}

TEST(DigestTest, BuildDigestSummarisesAndListsEveryEntry) {
  const std::vector<v1::Notification> entries = {
      Entry("n1", "a@1", "due_soon", 300, "Due by Fri 4 Dec 2026: Personal supervision"),
      Entry("n4", "c@1", "overdue", 100, "Overdue: Observation of practice")};
  // Tue 1 Dec 2026 16:00 GMT.
  const absl::Time at = absl::FromUnixSeconds(1796140800);
  auto digest = BuildDigest("devon", "m1", "Mo Manager", entries, at, {});
  EXPECT_EQ(digest.kind(), "digest");
  EXPECT_EQ(digest.recipient_id(), "m1");
  EXPECT_FALSE(digest.critical());
  EXPECT_EQ(digest.subject(), "Your Oversight reminders for Tue 1 Dec 2026: 1 overdue, 1 due soon");
  EXPECT_EQ(digest.digest_of_size(), 2);
  EXPECT_NE(digest.body_text().find("Overdue\n- Overdue: Observation of practice (rule D1)"),
            std::string::npos)
      << digest.body_text();
  EXPECT_NE(digest.body_text().find("Due soon\n- Due by Fri 4 Dec 2026: Personal supervision"),
            std::string::npos);
  EXPECT_NE(digest.body_html().find("<h3>Overdue</h3>"), std::string::npos);
  // The same slot gives the same id; the next day another.
  EXPECT_EQ(BuildDigest("devon", "m1", "", entries, at, {}).notification_id(),
            digest.notification_id());
  EXPECT_NE(BuildDigest("devon", "m1", "", entries, at + absl::Hours(24), {}).notification_id(),
            digest.notification_id());
}

}  // namespace
}  // namespace oversight::notifications
