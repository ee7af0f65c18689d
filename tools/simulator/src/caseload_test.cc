#include "caseload.h"

#include <gtest/gtest.h>

#include "google/protobuf/util/time_util.h"

namespace oversight::simulator {
namespace {

using cases::v1::CaseEvent;

absl::TimeZone London() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &zone));
  return zone;
}

// Midnight at the start of `day` in London, as the importer dates events.
void Date(common::v1::EventMeta* meta, const std::string& id, const std::string& child,
          absl::CivilDay day, const char* source) {
  meta->set_event_id(id);
  meta->set_subject(child);
  meta->set_source(source);
  *meta->mutable_occurred_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::FromCivil(day, London())));
}

constexpr char kCin[] = "import://cin-census";
constexpr char k903[] = "import://ssda903";

std::vector<CaseEvent> Returns() {
  std::vector<CaseEvent> events;
  auto add = [&](auto set) {
    events.emplace_back();
    set(events.back());
  };
  // Child A, looked after only: in care since June 2016, long-term match in May 2017, home in
  // October 2017.
  add([](CaseEvent& e) {
    Date(e.mutable_child_entered_care()->mutable_meta(), "a1", "A", absl::CivilDay(2016, 6, 1),
         k903);
    e.mutable_child_entered_care()->mutable_placement()->set_placed_with_parents(false);
    e.mutable_child_entered_care()->set_legal_status("C1");
  });
  add([](CaseEvent& e) {
    Date(e.mutable_placement_changed()->mutable_meta(), "a2", "A", absl::CivilDay(2017, 5, 1),
         k903);
    e.mutable_placement_changed()->mutable_placement()->set_long_term_matched(true);
  });
  add([](CaseEvent& e) {
    Date(e.mutable_child_returned_home()->mutable_meta(), "a3", "A", absl::CivilDay(2017, 10, 2),
         k903);
  });
  // Child B, CIN census: referral, child protection plan, closure, all before the year.
  add([](CaseEvent& e) {
    Date(e.mutable_referral_received()->mutable_meta(), "b1", "B", absl::CivilDay(2017, 1, 10),
         kCin);
  });
  add([](CaseEvent& e) {
    Date(e.mutable_plan_started()->mutable_meta(), "b2", "B", absl::CivilDay(2017, 2, 1), kCin);
    e.mutable_plan_started()->set_plan(cases::v1::PLAN_KIND_CHILD_PROTECTION_PLAN);
  });
  add([](CaseEvent& e) {
    Date(e.mutable_case_closed()->mutable_meta(), "b3", "B", absl::CivilDay(2017, 3, 1), kCin);
  });
  // Child C, CIN census: a child protection plan open on the first day, a referral during it.
  add([](CaseEvent& e) {
    Date(e.mutable_referral_received()->mutable_meta(), "c1", "C", absl::CivilDay(2017, 2, 10),
         kCin);
  });
  add([](CaseEvent& e) {
    Date(e.mutable_plan_started()->mutable_meta(), "c2", "C", absl::CivilDay(2017, 3, 1), kCin);
    e.mutable_plan_started()->set_plan(cases::v1::PLAN_KIND_CHILD_PROTECTION_PLAN);
  });
  // Child D, referred during the year.
  add([](CaseEvent& e) {
    Date(e.mutable_referral_received()->mutable_meta(), "d1", "D", absl::CivilDay(2017, 6, 1),
         kCin);
  });
  add([](CaseEvent& e) {
    Date(e.mutable_referral_received()->mutable_meta(), "d2", "D", absl::CivilDay(2017, 9, 1),
         kCin);
  });
  add([](CaseEvent& e) {
    Date(e.mutable_referral_received()->mutable_meta(), "d3", "D", absl::CivilDay(2017, 12, 1),
         kCin);
  });
  return events;
}

TEST(Caseload, FoldsTheYearBeforeAndKeepsTheYearItself) {
  const Caseload caseload = BuildCaseload(Returns(), ReplayYear{2017}, London());
  EXPECT_EQ(caseload.years_shifted.at(kCin), 0);
  EXPECT_EQ(caseload.years_shifted.at(k903), 0);
  EXPECT_EQ(caseload.events_before_year, 6);  // a1, b1-b3, c1, c2
  ASSERT_EQ(caseload.open_on_first_day.size(), 2u);
  const CaseState& a = caseload.open_on_first_day[0];
  EXPECT_EQ(a.child_id, "A");
  EXPECT_EQ(a.case_type, common::v1::CASE_TYPE_CHILD_LOOKED_AFTER);
  EXPECT_TRUE(a.in_care);
  EXPECT_TRUE(a.in_care_proceedings);  // LS C1: interim care order
  EXPECT_TRUE(a.looked_after_only);
  const CaseState& c = caseload.open_on_first_day[1];
  EXPECT_EQ(c.child_id, "C");
  EXPECT_EQ(c.case_type, common::v1::CASE_TYPE_CHILD_PROTECTION);
  EXPECT_FALSE(c.looked_after_only);
  // In the year, in time order: a2 (1 May), d1 (1 Jun), d2, a3 (2 Oct), d3.
  ASSERT_EQ(caseload.in_year.size(), 5u);
  EXPECT_EQ(caseload.in_year[0].placement_changed().meta().event_id(), "a2");
  EXPECT_EQ(caseload.in_year[1].referral_received().meta().event_id(), "d1");
  EXPECT_EQ(caseload.in_year[3].child_returned_home().meta().event_id(), "a3");
  EXPECT_EQ(EventDay(caseload.in_year[3], London()), absl::CivilDay(2017, 10, 2));
}

TEST(Caseload, MovesEachReturnOntoTheReplayYear) {
  const Caseload caseload = BuildCaseload(Returns(), ReplayYear{2025}, London());
  EXPECT_EQ(caseload.years_shifted.at(kCin), 8);
  EXPECT_EQ(caseload.years_shifted.at(k903), 8);
  ASSERT_EQ(caseload.in_year.size(), 5u);
  EXPECT_EQ(EventDay(caseload.in_year[3], London()), absl::CivilDay(2025, 10, 2));
}

TEST(Caseload, SaysWhatAnEventDoesToACase) {
  CaseState state{.child_id = "A"};
  CaseEvent entered;
  Date(entered.mutable_child_entered_care()->mutable_meta(), "x", "A", absl::CivilDay(2025, 5, 1),
       k903);
  EXPECT_EQ(ApplyToCase(entered, state), CaseChange::kOpened);
  CaseEvent home;
  Date(home.mutable_child_returned_home()->mutable_meta(), "y", "A", absl::CivilDay(2025, 6, 1),
       k903);
  EXPECT_EQ(ApplyToCase(home, state), CaseChange::kLeftCare);
  EXPECT_FALSE(state.in_care);
  // With CIN involvement the case stays open when the child leaves care.
  CaseState cin{.child_id = "B"};
  CaseEvent referral;
  Date(referral.mutable_referral_received()->mutable_meta(), "r", "B", absl::CivilDay(2025, 4, 2),
       kCin);
  EXPECT_EQ(ApplyToCase(referral, cin), CaseChange::kOpened);
  CaseEvent cin_entered = entered;
  cin_entered.mutable_child_entered_care()->mutable_meta()->set_subject("B");
  EXPECT_EQ(ApplyToCase(cin_entered, cin), CaseChange::kNone);
  EXPECT_EQ(ApplyToCase(home, cin), CaseChange::kNone);
  EXPECT_TRUE(cin.open);
  CaseEvent closed;
  Date(closed.mutable_case_closed()->mutable_meta(), "z", "B", absl::CivilDay(2025, 7, 1), kCin);
  EXPECT_EQ(ApplyToCase(closed, cin), CaseChange::kClosed);
  EXPECT_FALSE(cin.open);
}

}  // namespace
}  // namespace oversight::simulator
