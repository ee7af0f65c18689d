// The record lifecycle and the events each step publishes, with lateness from the shipped packs.
#include "lifecycle.h"

#include <gtest/gtest.h>

#include "content_hash.h"
#include "oversight/authorities/authorities.h"
#include "supervision_events.h"
#include "test_records.h"

namespace oversight::recording {
namespace {

using testing::Utc;

class LifecycleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto registry = authorities::AuthorityRegistry::Load(
        policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon", "havering"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry).release();
  }
  static const policy::Engine* Engine(const char* id) { return registry_->Find(id)->engine.get(); }

  Step At(const char* actor, const char* when) { return {actor, Utc(when)}; }

  // Created, circulated, signed by the supervisee then the supervisor.
  std::vector<v1::Record> SignedChain() {
    std::vector<v1::Record> chain;
    chain.push_back(*CreateVersion(testing::PersonalSupervision(), false,
                                   At("manager-1", "2026-03-03T09:00:00Z"), Engine("devon")));
    chain.push_back(*Circulate(chain.back(), At("manager-1", "2026-03-03T10:00:00Z")));
    chain.push_back(
        *Sign(chain.back(), v1::PARTY_SUPERVISEE, At("worker-1", "2026-03-04T10:00:00Z")));
    chain.push_back(
        *Sign(chain.back(), v1::PARTY_SUPERVISOR, At("manager-1", "2026-03-04T11:00:00Z")));
    return chain;
  }

  static inline authorities::AuthorityRegistry* registry_ = nullptr;
};

template <typename T>
int Count(const std::vector<Outbound>& events) {
  int n = 0;
  for (const auto& e : events)
    if (dynamic_cast<const T*>(e.event.get()) != nullptr) ++n;
  return n;
}

TEST_F(LifecycleTest, FullLifecycleEndsSignedWithAnIntactChain) {
  const auto chain = SignedChain();
  EXPECT_EQ(chain[1].status(), v1::RECORD_STATUS_CIRCULATED);
  EXPECT_EQ(chain[2].status(), v1::RECORD_STATUS_CIRCULATED);  // only one party so far
  EXPECT_EQ(chain[3].status(), v1::RECORD_STATUS_SIGNED);
  EXPECT_EQ(chain[3].version(), 4);
  EXPECT_TRUE(VerifyChain(chain).intact) << VerifyChain(chain).detail;
  EXPECT_EQ(chain[0].actions(0).record_id(), "rec-1");
  EXPECT_FALSE(chain[0].actions(0).action_id().empty());
}

TEST_F(LifecycleTest, SignedRecordIsNeverChanged) {
  const auto chain = SignedChain();
  const auto& signed_record = chain.back();
  auto edit = Update(signed_record, testing::PersonalSupervision(),
                     At("manager-1", "2026-03-05T09:00:00Z"), Engine("devon"));
  EXPECT_EQ(edit.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(edit.status().message().find("AmendRecord"), std::string::npos);
  EXPECT_EQ(Circulate(signed_record, At("manager-1", "2026-03-05T09:00:00Z")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Sign(signed_record, v1::PARTY_SUPERVISOR, At("manager-1", "2026-03-05T09:00:00Z"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTest, AmendmentReferencesTheOriginalWithWhoWhenWhy) {
  const auto chain = SignedChain();
  auto amended = Amend(chain.back(), "Wrong training course named", "Corrected notes.", nullptr,
                       At("manager-1", "2026-03-06T09:00:00Z"), Engine("devon"));
  ASSERT_TRUE(amended.ok()) << amended.status();
  EXPECT_EQ(amended->amendment().amends_version(), 4);
  EXPECT_EQ(amended->amendment().amends_hash(), chain.back().content_hash());
  EXPECT_EQ(amended->amendment().amended_by(), "manager-1");
  EXPECT_EQ(amended->amendment().reason(), "Wrong training course named");
  EXPECT_EQ(amended->status(), v1::RECORD_STATUS_RECORDED);
  EXPECT_EQ(amended->signatures_size(), 0);
  EXPECT_EQ(chain.back().notes(), testing::PersonalSupervision().notes());  // original untouched
  const auto events = EventsFor(&chain.back(), *amended);
  EXPECT_EQ(Count<v1::RecordAmended>(events), 1);
  EXPECT_EQ(Count<v1::ActionCreated>(events), 0);  // same actions as before
  EXPECT_EQ(Amend(chain.back(), " ", "x", nullptr, At("manager-1", "2026-03-06T09:00:00Z"),
                  Engine("devon"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(LifecycleTest, SignatureByANonPartyIsRefused) {
  auto created = *CreateVersion(testing::PersonalSupervision(), false,
                                At("manager-1", "2026-03-03T09:00:00Z"), Engine("devon"));
  auto circulated = *Circulate(created, At("manager-1", "2026-03-03T09:10:00Z"));
  EXPECT_EQ(Sign(circulated, v1::PARTY_SUPERVISEE, At("worker-2", "2026-03-03T10:00:00Z"))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Sign(circulated, v1::PARTY_SUPERVISOR, At("worker-1", "2026-03-03T10:00:00Z"))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // The supervisee signs what was circulated to them, not before.
  EXPECT_EQ(
      Sign(created, v1::PARTY_SUPERVISEE, At("worker-1", "2026-03-03T10:00:00Z")).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTest, DraftIsSubmittedThenRecordedEventsFollow) {
  auto draft_input = testing::CaseSupervision();
  draft_input.mutable_children(0)->clear_childs_views();
  auto draft =
      CreateVersion(draft_input, true, At("manager-1", "2026-03-02T12:00:00Z"), Engine("havering"));
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_TRUE(EventsFor(nullptr, *draft).empty());
  EXPECT_EQ(
      Submit(*draft, At("manager-1", "2026-03-02T12:30:00Z"), Engine("havering")).status().code(),
      absl::StatusCode::kInvalidArgument);
  auto fixed = *Update(*draft, testing::CaseSupervision(), At("manager-1", "2026-03-02T13:00:00Z"),
                       Engine("havering"));
  auto recorded = Submit(fixed, At("manager-1", "2026-03-03T09:00:00Z"), Engine("havering"));
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  const auto events = EventsFor(&fixed, *recorded);
  EXPECT_EQ(Count<v1::SessionHeld>(events), 1);
  EXPECT_EQ(Count<v1::RecordRecorded>(events), 1);
  EXPECT_EQ(Count<v1::ActionCreated>(events), 1);
  EXPECT_EQ(events[0].key, "worker-1");
}

TEST_F(LifecycleTest, LateRecordIsAcceptedAndMarkedLate) {
  // Havering H11: case supervision recorded within 2 working days of the session. Held Monday
  // 2 March 2026: due end of Wednesday 4 March (London).
  auto on_time = CreateVersion(testing::CaseSupervision(), false,
                               At("manager-1", "2026-03-04T17:00:00Z"), Engine("havering"));
  ASSERT_TRUE(on_time.ok()) << on_time.status();
  EXPECT_FALSE(on_time->late());
  EXPECT_EQ(on_time->record_deadline_rule(), "H11");
  EXPECT_EQ(events::FromTimestamp(on_time->record_due_at()), Utc("2026-03-04T23:59:59Z"))
      << on_time->record_due_at().DebugString();
  auto late = CreateVersion(testing::CaseSupervision(), false,
                            At("manager-1", "2026-03-05T08:00:00Z"), Engine("havering"));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(late->late());
  const auto events = EventsFor(nullptr, *late);
  bool flagged = false;
  for (const auto& e : events) {
    if (auto* r = dynamic_cast<const v1::RecordRecorded*>(e.event.get())) {
      flagged = r->late();
      // It happened when it was written up (Thursday), not when the session was held: that is
      // what scheduling checks against the record deadline.
      EXPECT_EQ(events::FromTimestamp(r->meta().occurred_at()), Utc("2026-03-05T08:00:00Z"));
    }
  }
  EXPECT_TRUE(flagged);
}

TEST_F(LifecycleTest, OversightPublishesOversightRecordedForItsTask) {
  auto record = *CreateVersion(testing::Oversight(), false, At("manager-1", "2026-03-02T12:00:00Z"),
                               Engine("devon"));
  const auto events = EventsFor(nullptr, record);
  ASSERT_EQ(Count<v1::OversightRecorded>(events), 1);
  for (const auto& e : events) {
    if (auto* o = dynamic_cast<const v1::OversightRecorded*>(e.event.get())) {
      EXPECT_EQ(o->task_id(), "task-9");
      EXPECT_EQ(o->child_id(), "child-7");
    }
  }
  // Ids are derived: the same version gives the same event ids.
  const auto again = EventsFor(nullptr, record);
  ASSERT_EQ(again.size(), events.size());
  EXPECT_EQ(dynamic_cast<v1::SessionHeld&>(*again[0].event).meta().event_id(),
            dynamic_cast<v1::SessionHeld&>(*events[0].event).meta().event_id());
}

TEST_F(LifecycleTest, MissedSessionPublishesSessionMissedWithSickness) {
  auto input = testing::PersonalSupervision();
  input.clear_notes();
  input.clear_actions();
  input.mutable_missed()->set_reason("Supervisee off sick");
  input.mutable_missed()->set_sickness(true);
  auto record =
      *CreateVersion(input, false, At("manager-1", "2026-03-02T12:00:00Z"), Engine("devon"));
  const auto events = EventsFor(nullptr, record);
  ASSERT_EQ(events.size(), 1u);
  auto* missed = dynamic_cast<const v1::SessionMissed*>(events[0].event.get());
  ASSERT_NE(missed, nullptr);
  EXPECT_TRUE(missed->cancelled_for_sickness());
  EXPECT_EQ(missed->supervisee_id(), "worker-1");
}

TEST_F(LifecycleTest, AgreementSignedOnceBothHaveSigned) {
  auto input = testing::PersonalSupervision();
  input.set_kind(v1::RECORD_KIND_SUPERVISION_AGREEMENT);
  input.mutable_agreement()->set_frequency("monthly");
  input.mutable_agreement()->set_terms("90 minutes, private room, agenda shared in advance");
  auto r = *CreateVersion(input, false, At("manager-1", "2026-03-02T12:00:00Z"), Engine("devon"));
  r = *Circulate(r, At("manager-1", "2026-03-02T12:10:00Z"));
  auto first = *Sign(r, v1::PARTY_SUPERVISOR, At("manager-1", "2026-03-02T12:20:00Z"));
  EXPECT_EQ(Count<v1::AgreementSigned>(EventsFor(&r, first)), 0);
  auto both = *Sign(first, v1::PARTY_SUPERVISEE, At("worker-1", "2026-03-02T12:30:00Z"));
  EXPECT_EQ(Count<v1::AgreementSigned>(EventsFor(&first, both)), 1);
}

TEST_F(LifecycleTest, DisagreementIsRecordedAndReferredToTheLineManager) {
  const auto chain = SignedChain();
  auto by_manager =
      Disagree(chain[1], "Not what we agreed", false, "", At("manager-1", "2026-03-04T09:00:00Z"));
  EXPECT_EQ(by_manager.status().code(), absl::StatusCode::kPermissionDenied);
  auto unknown =
      Disagree(chain[1], "Not what we agreed", true, "", At("worker-1", "2026-03-04T09:00:00Z"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kFailedPrecondition);
  auto referred = Disagree(chain[1], "Not what we agreed", true, "head-1",
                           At("worker-1", "2026-03-04T09:00:00Z"));
  ASSERT_TRUE(referred.ok()) << referred.status();
  ASSERT_EQ(referred->disagreements_size(), 1);
  EXPECT_EQ(referred->disagreements(0).line_manager_id(), "head-1");
  EXPECT_TRUE(referred->disagreements(0).referred_to_line_manager());
  EXPECT_EQ(referred->notes(), chain[1].notes());
}

TEST_F(LifecycleTest, PurgeLeavesAChainedTombstoneThatRefusesEveryStep) {
  const auto chain = SignedChain();
  auto tombstone = Purge(chain.back(), "H8", At("ro-1", "2029-04-01T12:00:00Z"));
  ASSERT_TRUE(tombstone.ok()) << tombstone.status();
  EXPECT_EQ(tombstone->status(), v1::RECORD_STATUS_PURGED);
  EXPECT_EQ(tombstone->previous_hash(), chain.back().content_hash());
  EXPECT_EQ(tombstone->actions_size(), 0);
  EXPECT_EQ(tombstone->supervisee_ids(0), "worker-1");
  EXPECT_TRUE(EventsFor(&chain.back(), *tombstone).empty());
  const Step later = At("manager-1", "2029-04-02T12:00:00Z");
  EXPECT_EQ(
      Update(*tombstone, testing::PersonalSupervision(), later, Engine("devon")).status().code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Sign(*tombstone, v1::PARTY_SUPERVISOR, later).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      Disagree(*tombstone, "x", false, "", At("worker-1", "2029-04-02T12:00:00Z")).status().code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Purge(*tombstone, "H8", later).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace oversight::recording
