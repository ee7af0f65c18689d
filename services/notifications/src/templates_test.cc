// Every kind of reminder at every stage that reaches a person: what, for whom (references
// only), by when (the London day), which rule, where to act.
#include "templates.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "oversight/events/outbound.h"
#include "plain_message.h"

namespace oversight::notifications {
namespace {

namespace sch = ::oversight::scheduling::v1;

sch::DueItem Item(sch::ItemKind kind, sch::Stage stage) {
  sch::DueItem item;
  item.set_item_id("item-1");
  item.set_authority_id("devon");
  item.set_kind(kind);
  item.set_stage(stage);
  item.set_worker_id("W-1");
  item.set_child_id("C-1");
  item.set_team_id("T-1");
  item.set_supervisor_id("M-1");
  item.set_case_type("child_protection");
  item.mutable_explanation()->set_rule_id("D9");
  item.mutable_explanation()->set_summary("Child protection: monthly");
  (*item.mutable_explanation()->mutable_facts())["case_type"] = "child_protection";
  // Fri 2 Oct 2026 23:59:59 BST = 22:59:59 UTC: the London day is Friday 2 October.
  events::ToTimestamp(absl::FromUnixSeconds(1790981999), item.mutable_due_at());
  return item;
}

TEST(TemplatesTest, LondonDayIsTheLocalCalendarDay) {
  EXPECT_EQ(LondonDay(absl::FromUnixSeconds(1790981999)), "Fri 2 Oct 2026");
  // 23:30 UTC on Thu 1 Oct 2026 is already Friday 00:30 in London (BST).
  EXPECT_EQ(LondonDay(absl::FromUnixSeconds(1790897400)), "Fri 2 Oct 2026");
  EXPECT_EQ(LondonDay(absl::FromUnixSeconds(1798675199)), "Wed 30 Dec 2026");
}

TEST(TemplatesTest, EveryKindAndStageSaysWhatForWhomByWhenAndWhichRule) {
  const RenderOptions options{"https://lcs.example.gov.uk/"};
  for (int k = sch::ITEM_KIND_PERSONAL_SUPERVISION; k <= sch::ITEM_KIND_PERFORMANCE_CONVERSATION;
       ++k) {
    const auto kind = static_cast<sch::ItemKind>(k);
    for (auto stage :
         {sch::STAGE_DUE_SOON, sch::STAGE_DUE, sch::STAGE_OVERDUE, sch::STAGE_ESCALATED}) {
      for (auto audience :
           {Audience::kSupervisor, Audience::kSupervisee, Audience::kEscalationTarget}) {
        v1::Notification n;
        n.set_recipient_name("Mo Manager");
        RenderDueItem(Item(kind, stage), audience, "Sam Supervisor", options, n);
        const std::string where = sch::ItemKind_Name(kind) + " " + sch::Stage_Name(stage);
        EXPECT_FALSE(n.kind().empty()) << where;
        EXPECT_NE(n.kind().find(stage == sch::STAGE_DUE_SOON ? "_due_soon" : "_"),
                  std::string::npos);
        EXPECT_NE(n.subject().find(stage == sch::STAGE_DUE ? "Due today" : "Fri 2 Oct 2026"),
                  std::string::npos)
            << where << ": " << n.subject();
        EXPECT_NE(n.body_text().find("Fri 2 Oct 2026"), std::string::npos) << where;
        EXPECT_NE(n.body_text().find("D9"), std::string::npos) << where;
        EXPECT_NE(n.body_text().find("Hello Mo Manager,"), std::string::npos) << where;
        EXPECT_EQ(n.rule_id(), "D9");
        EXPECT_TRUE(absl::StartsWith(n.link(), "https://lcs.example.gov.uk/")) << n.link();
        EXPECT_NE(n.body_text().find(n.link()), std::string::npos) << where;
        EXPECT_NE(n.body_html().find("href=\"" + n.link() + "\""), std::string::npos) << where;
        // The stored form (the body) renders both again, unchanged.
        const PlainMessage stored = PlainMessage::FromProto(n.body());
        EXPECT_EQ(stored.Text(), n.body_text()) << where;
        EXPECT_EQ(stored.Html(), n.body_html()) << where;
        // Never case detail: not the case type, not the explanation's summary or facts.
        for (const char* secret : {"protection", "Child protection", "monthly"}) {
          EXPECT_EQ(n.body_text().find(secret), std::string::npos) << where << ": " << secret;
          EXPECT_EQ(n.subject().find(secret), std::string::npos) << where << ": " << secret;
          EXPECT_EQ(n.body_html().find(secret), std::string::npos) << where << ": " << secret;
        }
        if (stage == sch::STAGE_ESCALATED && audience == Audience::kEscalationTarget) {
          EXPECT_NE(n.body_text().find("Sam Supervisor"), std::string::npos) << where;
        }
      }
    }
  }
}

TEST(TemplatesTest, ChildItemsNameTheChildAndLinkToTheChild) {
  v1::Notification n;
  RenderDueItem(Item(sch::ITEM_KIND_CASE_DISCUSSION, sch::STAGE_OVERDUE), Audience::kSupervisor, "",
                {}, n);
  EXPECT_EQ(n.kind(), "case_discussion_overdue");
  EXPECT_EQ(n.subject(),
            "Overdue: Case discussion (child-specific supervision) for child C-1 (was due Fri 2 "
            "Oct 2026)");
  EXPECT_EQ(n.link(), "{{case_system_url}}/children/C-1");
  EXPECT_NE(n.body_text().find("Allocated worker: W-1"), std::string::npos);
}

TEST(TemplatesTest, TheSuperviseeReadsAboutTheirOwnSession) {
  v1::Notification n;
  RenderDueItem(Item(sch::ITEM_KIND_SIGN_OFF_DEADLINE, sch::STAGE_DUE), Audience::kSupervisee, "",
                {}, n);
  EXPECT_EQ(n.subject(), "Due today: Your supervision record to sign off");
  EXPECT_NE(n.body_text().find("For: you"), std::string::npos);
  EXPECT_EQ(n.link(), "{{case_system_url}}/workers/W-1");
}

TEST(TemplatesTest, HtmlEscapesReferences) {
  auto item = Item(sch::ITEM_KIND_PERSONAL_SUPERVISION, sch::STAGE_DUE);
  item.set_worker_id("<script>x</script>");
  v1::Notification n;
  RenderDueItem(item, Audience::kSupervisor, "", {}, n);
  EXPECT_EQ(n.body_html().find("<script>"), std::string::npos);
  EXPECT_NE(n.body_html().find("&lt;script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace oversight::notifications
