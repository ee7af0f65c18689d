// The recording use cases against a real redis-server (one per suite): signed records cannot be
// edited, amendments keep the original readable, tampering in storage is detected, access
// follows H16/S14 with audit events for every read and write, and events go to the outbox in the
// same transaction as the change.
#include <gtest/gtest.h>

#include <map>

#include "content_hash.h"
#include "lifecycle.h"
#include "oversight/audit/v1/audit_events.pb.h"
#include "oversight/authorities/authorities.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/runtime/clock.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "record_store.h"
#include "recorder.h"
#include "supervision_events.h"
#include "test_records.h"

namespace oversight::recording {
namespace {

using testing::Utc;

runtime::Principal Who(const char* subject, std::vector<std::string> roles = {}) {
  runtime::Principal p;
  p.subject = subject;
  p.roles = std::move(roles);
  return p;
}

class RecorderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server).release();
    auto registry = authorities::AuthorityRegistry::Load(
        policy::DefaultPackDir(), policy::DefaultCalendarPath(), {"devon", "havering"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete registry_;
  }

  void SetUp() override {
    auto connection = redis::Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    c_ = std::move(*connection);
    ASSERT_TRUE(c_->Command({"FLUSHALL"}).ok());
    store_ =
        std::make_unique<RecordStore>(*c_, "oversight.supervision-events.v1", "oversight.audit.v1");
    recorder_ = std::make_unique<Recorder>(*registry_, *store_, clock_);
    // Directory: worker-1 -> manager-1 -> head-1; worker-2 -> manager-2.
    Join("worker-1", "manager-1");
    Join("manager-1", "head-1");
    Join("worker-2", "manager-2");
  }

  void Join(const char* worker, const char* supervisor) {
    workforce::v1::WorkerJoined joined;
    joined.set_worker_id(worker);
    joined.set_supervisor_id(supervisor);
    joined.set_team_id("team-a");
    for (const char* a : {"devon", "havering"}) {
      auto applied = store_->DirectoryChange(a, joined).Apply(*c_, a, kServiceName,
                                                              std::string("join-") + worker);
      ASSERT_TRUE(applied.ok()) << applied.status();
    }
  }

  // Records published through the outbox of `authority`, by topic, with their ce_type.
  std::vector<std::pair<std::string, redis::OutboxRecord>> Outbox(const char* authority) {
    const std::string key = redis::OutboxKey(authority, kServiceName);
    auto entries = c_->Command({"XRANGE", key, "-", "+"});
    std::vector<std::pair<std::string, redis::OutboxRecord>> out;
    for (const auto& e : entries->elements()) {
      auto record = redis::ParseOutboxEntry(key, e);
      EXPECT_TRUE(record.ok()) << record.status();
      std::string type;
      for (const auto& [k, v] : record->headers)
        if (k == "ce_type") type = v;
      out.push_back({type, *record});
    }
    return out;
  }
  int CountType(const char* authority, const std::string& type) {
    int n = 0;
    for (const auto& [t, r] : Outbox(authority))
      if (t == type) ++n;
    return n;
  }
  std::vector<audit::v1::RecordAccessed> Audits(const char* authority) {
    std::vector<audit::v1::RecordAccessed> out;
    for (const auto& [t, r] : Outbox(authority)) {
      if (t != "oversight.audit.v1.RecordAccessed") continue;
      audit::v1::RecordAccessed a;
      EXPECT_TRUE(a.ParseFromString(r.value));
      out.push_back(a);
    }
    return out;
  }

  // Created, circulated, signed by both.
  v1::Record SignedRecord(const char* authority = "devon") {
    auto created =
        recorder_->Create(Who("manager-1"), testing::PersonalSupervision(authority), false);
    EXPECT_TRUE(created.ok()) << created.status();
    const std::string id = created->record_id();
    EXPECT_TRUE(recorder_->Circulate(Who("manager-1"), authority, id).ok());
    EXPECT_TRUE(recorder_->Sign(Who("worker-1"), authority, id, v1::PARTY_SUPERVISEE).ok());
    auto signed_record = recorder_->Sign(Who("manager-1"), authority, id, v1::PARTY_SUPERVISOR);
    EXPECT_TRUE(signed_record.ok()) << signed_record.status();
    EXPECT_EQ(signed_record->status(), v1::RECORD_STATUS_SIGNED);
    return *signed_record;
  }

  static inline redis::testing::RedisServer* server_ = nullptr;
  static inline authorities::AuthorityRegistry* registry_ = nullptr;
  runtime::ManualClock clock_{Utc("2026-03-03T09:00:00Z")};  // Tuesday
  std::unique_ptr<redis::Connection> c_;
  std::unique_ptr<RecordStore> store_;
  std::unique_ptr<Recorder> recorder_;
};

TEST_F(RecorderTest, LifecyclePublishesSupervisionEventsAndAudits) {
  const v1::Record record = SignedRecord();
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.SessionHeld"), 1);
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.RecordRecorded"), 1);
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.ActionCreated"), 1);
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.RecordCirculated"), 1);
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.RecordSigned"), 2);
  const auto audits = Audits("devon");
  ASSERT_EQ(audits.size(), 4u);  // create, circulate, two signatures
  EXPECT_EQ(audits[2].action(), audit::v1::ACCESS_ACTION_SIGN);
  EXPECT_EQ(audits[2].actor_id(), "worker-1");
  EXPECT_TRUE(audits[2].allowed());
  // The outbox key of supervision events is the supervisee.
  for (const auto& [type, r] : Outbox("devon")) {
    if (type == "oversight.recording.v1.SessionHeld") {
      EXPECT_EQ(r.key, "worker-1");
    }
  }
}

TEST_F(RecorderTest, SignedRecordCannotBeEditedAndNothingChanges) {
  const v1::Record record = SignedRecord();
  auto edit = testing::PersonalSupervision();
  edit.set_record_id(record.record_id());
  edit.set_notes("Rewritten after signing");
  auto updated = recorder_->Update(Who("manager-1"), edit);
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kFailedPrecondition) << updated.status();
  auto head = store_->Head("devon", record.record_id());
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->version(), record.version());
  EXPECT_EQ(head->content_hash(), record.content_hash());
}

TEST_F(RecorderTest, AmendmentKeepsTheOriginalReadable) {
  const v1::Record original = SignedRecord();
  clock_.Advance(absl::Hours(24));
  auto amended = recorder_->Amend(Who("manager-1"), "devon", original.record_id(),
                                  "Training course was misnamed", "Corrected notes.", nullptr);
  ASSERT_TRUE(amended.ok()) << amended.status();
  EXPECT_EQ(amended->version(), original.version() + 1);
  EXPECT_EQ(amended->amendment().amends_version(), original.version());
  auto latest = recorder_->Get(Who("worker-1"), "devon", original.record_id(), 0, "");
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->notes(), "Corrected notes.");
  auto as_signed =
      recorder_->Get(Who("worker-1"), "devon", original.record_id(), original.version(), "");
  ASSERT_TRUE(as_signed.ok()) << as_signed.status();
  EXPECT_EQ(as_signed->notes(), original.notes());
  EXPECT_EQ(as_signed->status(), v1::RECORD_STATUS_SIGNED);
  EXPECT_EQ(as_signed->content_hash(), original.content_hash());
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.RecordAmended"), 1);
  auto verified = recorder_->Verify(Who("manager-1"), "devon", original.record_id());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact) << verified->detail;
}

TEST_F(RecorderTest, TamperingInStorageIsDetected) {
  const v1::Record record = SignedRecord();
  // Someone with Redis access rewrites version 2 in place, keeping its old hash.
  const std::string key = "ovs:{devon}:rec:record:" + record.record_id() + ":v:2";
  v1::Record stored;
  ASSERT_TRUE(stored.ParseFromString(c_->Command({"GET", key})->str()));
  stored.set_notes("Nothing of concern was discussed.");
  ASSERT_TRUE(c_->Command({"SET", key, stored.SerializeAsString()}).ok());
  auto verified = recorder_->Verify(Who("manager-1"), "devon", record.record_id());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_FALSE(verified->intact);
  EXPECT_NE(verified->detail.find("version 2"), std::string::npos) << verified->detail;

  // Re-sealing the altered version does not help: the next version's link breaks.
  Seal(stored, stored.previous_hash());
  ASSERT_TRUE(c_->Command({"SET", key, stored.SerializeAsString()}).ok());
  verified = recorder_->Verify(Who("manager-1"), "devon", record.record_id());
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->intact);
  EXPECT_NE(verified->detail.find("version 3: previous_hash"), std::string::npos)
      << verified->detail;
}

TEST_F(RecorderTest, AnotherWorkerCannotReadPersonalSupervisionAndTheRefusalIsAudited) {
  const v1::Record record = SignedRecord("havering");
  auto read = recorder_->Get(Who("worker-2"), "havering", record.record_id(), 0, "curious");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(read.status().message().find("H16"), std::string::npos) << read.status();
  auto chain = recorder_->Get(Who("head-1"), "havering", record.record_id(), 0, "audit");
  EXPECT_TRUE(chain.ok()) << chain.status();
  const auto audits = Audits("havering");
  ASSERT_GE(audits.size(), 2u);
  const auto& refused = audits[audits.size() - 2];
  EXPECT_EQ(refused.actor_id(), "worker-2");
  EXPECT_EQ(refused.action(), audit::v1::ACCESS_ACTION_READ);
  EXPECT_FALSE(refused.allowed());
  EXPECT_NE(refused.reason().find("purpose: curious"), std::string::npos);
  EXPECT_TRUE(audits.back().allowed());
  EXPECT_NE(audits.back().reason().find("line manager chain"), std::string::npos);
}

TEST_F(RecorderTest, InspectorGrantExpires) {
  const v1::Record record = SignedRecord("havering");
  const auto inspector = Who("ofsted-1", {"inspector"});
  EXPECT_EQ(recorder_->Get(inspector, "havering", record.record_id(), 0, "").status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::GrantAccessRequest grant;
  grant.set_authority_id("havering");
  grant.set_subject_id("ofsted-1");
  grant.set_kind(v1::GRANT_KIND_INSPECTOR);
  events::ToTimestamp(clock_.Now() + absl::Hours(48), grant.mutable_expires_at());
  EXPECT_EQ(recorder_->Grant(Who("worker-1"), grant).code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(recorder_->Grant(Who("sm-1", {"senior_manager"}), grant).ok());
  EXPECT_TRUE(recorder_->Get(inspector, "havering", record.record_id(), 0, "inspection").ok());
  clock_.Advance(absl::Hours(49));
  auto expired = recorder_->Get(inspector, "havering", record.record_id(), 0, "inspection");
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos) << expired.status();
}

TEST_F(RecorderTest, InvalidRequestsChangeNothing) {
  auto no_owner = testing::PersonalSupervision();
  no_owner.mutable_actions(0)->clear_owner_id();
  auto refused = recorder_->Create(Who("manager-1"), no_owner, false);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("actions[0].owner_id"), std::string::npos);
  auto not_supervisor = recorder_->Create(Who("worker-2"), testing::PersonalSupervision(), false);
  EXPECT_EQ(not_supervisor.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(c_->Command({"EXISTS", "ovs:{devon}:rec:record:rec-1:head"})->integer(), 0);
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.SessionHeld"), 0);
  EXPECT_EQ(Audits("devon").size(), 1u);  // the refused write is audited, nothing else

  const v1::Record record = SignedRecord();  // rec-1 now exists
  auto duplicate = recorder_->Create(Who("manager-1"), testing::PersonalSupervision(), false);
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kAlreadyExists);
  auto stranger_signs =
      recorder_->Sign(Who("worker-2"), "devon", record.record_id(), v1::PARTY_SUPERVISEE);
  EXPECT_EQ(stranger_signs.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->Head("devon", record.record_id())->version(), record.version());
}

TEST_F(RecorderTest, ActionsStayOnTheAgendaUntilCompleted) {
  auto created = recorder_->Create(Who("manager-1"), testing::CaseSupervision("devon"), false);
  ASSERT_TRUE(created.ok()) << created.status();
  auto agenda = recorder_->Agenda(Who("manager-1"), "devon", "worker-1", "");
  ASSERT_TRUE(agenda.ok()) << agenda.status();
  ASSERT_EQ(agenda->size(), 1u);
  EXPECT_EQ((*agenda)[0].child_id(), "child-1");
  EXPECT_EQ(recorder_->Agenda(Who("manager-1"), "devon", "worker-1", "child-2")->size(), 0u);
  EXPECT_EQ(recorder_->Agenda(Who("worker-2"), "devon", "worker-1", "").status().code(),
            absl::StatusCode::kPermissionDenied);
  auto done = recorder_->CompleteAction(Who("worker-1"), "devon", (*agenda)[0].action_id());
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(done->completed());
  EXPECT_EQ(done->completed_by(), "worker-1");
  EXPECT_EQ(recorder_->Agenda(Who("worker-1"), "devon", "worker-1", "")->size(), 0u);
  EXPECT_EQ(CountType("devon", "oversight.recording.v1.ActionCompleted"), 1);
  EXPECT_EQ(
      recorder_->CompleteAction(Who("worker-1"), "devon", (*agenda)[0].action_id()).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(RecorderTest, DisagreementIsReferredToTheSupervisorsLineManager) {
  auto created = recorder_->Create(Who("manager-1"), testing::PersonalSupervision(), false);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(recorder_->Circulate(Who("manager-1"), "devon", created->record_id()).ok());
  auto disagreed = recorder_->Disagree(Who("worker-1"), "devon", created->record_id(),
                                       "The workload discussion is not recorded", true);
  ASSERT_TRUE(disagreed.ok()) << disagreed.status();
  ASSERT_EQ(disagreed->disagreements_size(), 1);
  EXPECT_EQ(disagreed->disagreements(0).line_manager_id(), "head-1");
}

TEST_F(RecorderTest, ListShowsOnlyReadableRecords) {
  ASSERT_TRUE(recorder_->Create(Who("manager-1"), testing::PersonalSupervision(), false).ok());
  auto other = testing::PersonalSupervision();
  other.set_record_id("rec-2");
  other.set_supervisor_id("manager-2");
  other.set_supervisee_ids(0, "worker-2");
  ASSERT_TRUE(recorder_->Create(Who("manager-2"), other, false).ok());
  v1::ListRecordsRequest request;
  request.set_authority_id("devon");
  request.set_supervisee_id("worker-2");
  auto as_worker1 = recorder_->List(Who("worker-1"), request);
  ASSERT_TRUE(as_worker1.ok()) << as_worker1.status();
  EXPECT_EQ(as_worker1->records_size(), 0);
  auto as_worker2 = recorder_->List(Who("worker-2"), request);
  ASSERT_TRUE(as_worker2.ok());
  ASSERT_EQ(as_worker2->records_size(), 1);
  EXPECT_EQ(as_worker2->records(0).record_id(), "rec-2");
}

TEST_F(RecorderTest, PurgeAfterRetentionLeavesATombstoneAndAnAuditEvent) {
  const v1::Record personal = SignedRecord("havering");
  auto case_record = testing::CaseSupervision("havering");
  case_record.set_record_id("rec-case");
  ASSERT_TRUE(recorder_->Create(Who("manager-1"), case_record, false).ok());
  const auto officer = Who("ro-1", {"records_officer"});

  EXPECT_EQ(recorder_->PurgeWorkerRecords(officer, "havering", "worker-1").status().code(),
            absl::StatusCode::kFailedPrecondition);  // has not left
  workforce::v1::WorkerLeft left;
  left.set_worker_id("worker-1");
  *left.mutable_left_on() = testing::Day(2026, 3, 31);
  left.set_left_childrens_services(true);
  ASSERT_TRUE(store_->DirectoryChange("havering", left)
                  .Apply(*c_, "havering", kServiceName, "left-worker-1")
                  .ok());
  auto early = recorder_->PurgeWorkerRecords(officer, "havering", "worker-1");
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("kept until 2029-03-31"), std::string::npos)
      << early.status();
  EXPECT_EQ(recorder_->PurgeWorkerRecords(Who("worker-2"), "havering", "worker-1").status().code(),
            absl::StatusCode::kPermissionDenied);

  clock_.Set(Utc("2029-04-01T12:00:00Z"));
  auto purged = recorder_->PurgeWorkerRecords(officer, "havering", "worker-1");
  ASSERT_TRUE(purged.ok()) << purged.status();
  ASSERT_EQ(purged->purged_record_ids_size(), 1);
  EXPECT_EQ(purged->purged_record_ids(0), personal.record_id());

  auto tombstone = recorder_->Get(Who("manager-1"), "havering", personal.record_id(), 0, "");
  ASSERT_TRUE(tombstone.ok()) << tombstone.status();
  EXPECT_EQ(tombstone->status(), v1::RECORD_STATUS_PURGED);
  EXPECT_EQ(tombstone->actions_size(), 0);
  EXPECT_EQ(tombstone->previous_hash(), personal.content_hash());
  EXPECT_EQ(
      recorder_->Get(Who("manager-1"), "havering", personal.record_id(), 1, "").status().code(),
      absl::StatusCode::kNotFound);  // the content is gone
  auto verified = recorder_->Verify(Who("manager-1"), "havering", personal.record_id());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact) << verified->detail;
  EXPECT_NE(verified->detail.find("purged"), std::string::npos);
  // The case supervision is part of the child's file: kept.
  EXPECT_EQ(recorder_->Get(Who("manager-1"), "havering", "rec-case", 0, "")->status(),
            v1::RECORD_STATUS_RECORDED);
  bool audited = false;
  for (const auto& a : Audits("havering")) {
    if (a.action() == audit::v1::ACCESS_ACTION_PURGE) {
      audited = a.record_id() == personal.record_id() && a.reason().find("H8") == 0;
    }
  }
  EXPECT_TRUE(audited);
  // A tombstone refuses every step.
  EXPECT_EQ(recorder_->Amend(Who("manager-1"), "havering", personal.record_id(), "x", "y", nullptr)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RecorderTest, RecordsFollowAWorkerWhoMovesTeamToTheNewSupervisor) {
  const v1::Record record = SignedRecord("havering");
  EXPECT_EQ(recorder_->Get(Who("manager-5"), "havering", record.record_id(), 0, "").status().code(),
            absl::StatusCode::kPermissionDenied);
  workforce::v1::SupervisorChanged moved;
  moved.set_worker_id("worker-1");
  moved.set_supervisor_id("manager-5");
  moved.set_previous_supervisor_id("manager-1");
  moved.set_team_id("team-b");
  ASSERT_TRUE(store_->DirectoryChange("havering", moved)
                  .Apply(*c_, "havering", kServiceName, "moved-worker-1")
                  .ok());
  auto read = recorder_->Get(Who("manager-5"), "havering", record.record_id(), 0, "handover");
  ASSERT_TRUE(read.ok()) << read.status();  // H9: the new supervisor reads the worker's records
  auto agenda = recorder_->Agenda(Who("manager-5"), "havering", "worker-1", "");
  ASSERT_TRUE(agenda.ok()) << agenda.status();
  EXPECT_EQ(agenda->size(), 1u);  // the open action follows the worker to the next session
}

TEST_F(RecorderTest, ConcurrentWritersOfTheSameVersionOneWinsOneIsAborted) {
  auto created = recorder_->Create(Who("manager-1"), testing::PersonalSupervision(), false);
  ASSERT_TRUE(created.ok());
  // Two writers read version 1 and each make a version 2.
  auto a = Circulate(*created, Step{"manager-1", clock_.Now()});
  auto b = Sign(*created, v1::PARTY_SUPERVISOR, Step{"manager-1", clock_.Now()});
  ASSERT_TRUE(a.ok() && b.ok());
  const AuditEntry audit{
      Who("manager-1"), audit::v1::ACCESS_ACTION_WRITE, {true, "test"}, "", clock_.Now()};
  ASSERT_TRUE(store_->SaveVersion(&*created, *a, audit).ok());
  EXPECT_EQ(store_->SaveVersion(&*created, *b, audit).code(), absl::StatusCode::kAborted);
  auto head = store_->Head("devon", created->record_id());
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status(), v1::RECORD_STATUS_CIRCULATED);
  EXPECT_EQ(head->signatures_size(), 0);
}

}  // namespace
}  // namespace oversight::recording
