// The recording use cases against a real redis-server (one per suite): signed records cannot be
// edited, amendments keep the original readable, tampering in storage is detected, access
// follows H16/S14 with audit events for every read and write, and events go to the outbox in the
// same transaction as the change.
#include <gtest/gtest.h>

#include <map>

#include "content_hash.h"
#include "inbound_handler.h"
#include "lifecycle.h"
#include "oversight/audit/v1/audit_events.pb.h"
#include "oversight/authorities/authorities.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/kafka/event_record.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/runtime/clock.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "record_store.h"
#include "recorder.h"
#include "records_topic.h"
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
    store_ = std::make_unique<RecordStore>(*c_, "oversight.supervision-events.v1",
                                           "oversight.audit.v1", "oversight.records.v1");
    recorder_ = std::make_unique<Recorder>(*registry_, *store_, clock_);
    // Directory: worker-1 -> manager-1 -> head-1; worker-2 -> manager-2.
    Join("worker-1", "manager-1");
    Join("manager-1", "head-1");
    Join("worker-2", "manager-2");
    // Case events: child-1 and child-7 are allocated to worker-1 in team-a.
    Allocate("child-1", "worker-1");
    Allocate("child-7", "worker-1");
  }

  void Allocate(const char* child, const char* worker, const char* team = "team-a") {
    cases::v1::CaseAllocated allocated;
    allocated.set_child_id(child);
    allocated.set_worker_id(worker);
    allocated.set_team_id(team);
    for (const char* a : {"devon", "havering"}) {
      auto applied = store_->CaseChange(a, allocated)
                         .Apply(*c_, a, kServiceName, std::string("alloc-") + child + "-" + worker);
      ASSERT_TRUE(applied.ok()) << applied.status();
    }
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

  std::vector<audit::v1::AccessGranted> GrantAudits(const char* authority) {
    std::vector<audit::v1::AccessGranted> out;
    for (const auto& [t, r] : Outbox(authority)) {
      if (t != "oversight.audit.v1.AccessGranted") continue;
      audit::v1::AccessGranted a;
      EXPECT_TRUE(a.ParseFromString(r.value));
      out.push_back(a);
    }
    return out;
  }
  v1::GrantAccessRequest GrantOf(v1::GrantKind kind, const char* subject, const char* target,
                                 absl::Duration for_how_long) {
    v1::GrantAccessRequest grant;
    grant.set_authority_id("havering");
    grant.set_subject_id(subject);
    grant.set_kind(kind);
    if (kind == v1::GRANT_KIND_REGULATOR) {
      grant.set_worker_id(target);
    } else {
      grant.set_child_id(target);
    }
    events::ToTimestamp(clock_.Now() + for_how_long, grant.mutable_expires_at());
    return grant;
  }
  // An event as the Kafka consumer hands it to the InboundHandler.
  kafka::HandlerOutcome::Kind Consume(const std::string& topic, const std::string& key,
                                      const google::protobuf::Message& event) {
    auto out = kafka::MakeEventRecord(topic, key, event, kafka::ContentType::kProtobuf);
    EXPECT_TRUE(out.ok()) << out.status();
    kafka::ConsumedMessage message;
    message.topic = out->topic;
    message.key = out->key;
    message.value = out->value;
    for (const auto& h : out->headers)
      message.headers.Add(h.key, h.value);
    InboundHandler handler(*registry_, *store_, clock_);
    return handler.Handle(message).kind;
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
  // What the record left is destroyed too: its action, its agenda entry; and the records topic
  // gets a null value for every destroyed key (versions 1-4 and the action).
  for (const auto& action : AllActions(personal))
    EXPECT_TRUE(absl::IsNotFound(store_->GetAction("havering", action.action_id()).status()));
  const auto agenda = store_->Agenda("havering", "worker-1", "");
  ASSERT_TRUE(agenda.ok());
  for (const auto& open : *agenda)
    EXPECT_EQ(open.child_id(), "child-1");  // only the case supervision's action is left
  int tombstones = 0;
  for (const auto& [type, r] : Outbox("havering")) {
    if (!r.tombstone) continue;
    ++tombstones;
    const bool destroyed_version =
        r.key.find("/record/" + personal.record_id() + "/v") != std::string::npos;
    const bool destroyed_action = r.key.find("/action/") != std::string::npos;
    EXPECT_TRUE(destroyed_version || destroyed_action) << r.key;
  }
  EXPECT_EQ(tombstones, personal.version() + 1);
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

TEST_F(RecorderTest, AnUnknownChildIsRefusedNamingTheChildAndNothingChanges) {
  auto unknown = testing::CaseSupervision("havering");
  unknown.mutable_children(0)->set_child_id("child-99");
  auto refused = recorder_->Create(Who("manager-1"), unknown, false);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_NE(refused.status().message().find("children[0].child_id: child \"child-99\" is not "
                                            "known to havering"),
            std::string::npos)
      << refused.status();
  auto oversight = testing::Oversight("havering");
  oversight.mutable_oversight()->set_child_id("child-98");
  auto refused_oversight = recorder_->Create(Who("manager-1"), oversight, false);
  EXPECT_EQ(refused_oversight.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused_oversight.status().message().find("oversight.child_id"), std::string::npos)
      << refused_oversight.status();
  EXPECT_EQ(c_->Command({"EXISTS", "ovs:{havering}:rec:record:rec-1:head"})->integer(), 0);
  EXPECT_EQ(CountType("havering", "oversight.recording.v1.SessionHeld"), 0);

  // A draft may name the child before the case system has; submitting it may not.
  ASSERT_TRUE(recorder_->Create(Who("manager-1"), unknown, true).ok());
  auto submitted = recorder_->Submit(Who("manager-1"), "havering", "rec-1");
  EXPECT_EQ(submitted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Head("havering", "rec-1")->status(), v1::RECORD_STATUS_DRAFT);
  Allocate("child-99", "worker-1");
  ASSERT_TRUE(recorder_->Submit(Who("manager-1"), "havering", "rec-1").ok());

  // An edit that adds an unknown child is refused; the record stays as it was.
  auto edit = *store_->Head("havering", "rec-1");
  auto* second = edit.add_children();
  *second = edit.children(0);
  second->set_child_id("child-97");
  auto edited = recorder_->Update(Who("manager-1"), edit);
  EXPECT_EQ(edited.status().code(), absl::StatusCode::kInvalidArgument) << edited.status();
  EXPECT_NE(edited.status().message().find("children[1].child_id"), std::string::npos);
  EXPECT_EQ(store_->Head("havering", "rec-1")->version(), 2);

  // A closed case stays known: the oversight of the closure decision (D14.13) is recorded.
  cases::v1::CaseClosed closed;
  closed.set_child_id("child-7");
  ASSERT_TRUE(
      store_->CaseChange("havering", closed).Apply(*c_, "havering", kServiceName, "closed-7").ok());
  auto closure = testing::Oversight("havering");
  closure.set_record_id("rec-closure");
  EXPECT_TRUE(recorder_->Create(Who("manager-1"), closure, false).ok());
}

TEST_F(RecorderTest, ChildFileAccessFollowsTheAllocationFromCaseEvents) {
  auto record = testing::CaseSupervision("havering");
  ASSERT_TRUE(recorder_->Create(Who("manager-1"), record, false).ok());
  Join("worker-4", "manager-4");  // team-a, like child-1
  workforce::v1::WorkerJoined other_team;
  other_team.set_worker_id("worker-5");
  other_team.set_supervisor_id("manager-5");
  other_team.set_team_id("team-b");
  ASSERT_TRUE(store_->DirectoryChange("havering", other_team)
                  .Apply(*c_, "havering", kServiceName, "join-worker-5")
                  .ok());
  auto team_member = recorder_->Get(Who("worker-4"), "havering", "rec-1", 0, "case review");
  ASSERT_TRUE(team_member.ok()) << team_member.status();
  auto other = recorder_->Get(Who("worker-5"), "havering", "rec-1", 0, "");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(other.status().message().find("S14 (child: child_file_access"), std::string::npos)
      << other.status();

  // The case moves to team-b: the file's readers move with it.
  cases::v1::CaseTransferred moved;
  moved.set_child_id("child-1");
  moved.set_to_team_id("team-b");
  ASSERT_TRUE(
      store_->CaseChange("havering", moved).Apply(*c_, "havering", kServiceName, "moved-1").ok());
  EXPECT_TRUE(recorder_->Get(Who("worker-5"), "havering", "rec-1", 0, "").ok());
  EXPECT_EQ(recorder_->Get(Who("worker-4"), "havering", "rec-1", 0, "").status().code(),
            absl::StatusCode::kPermissionDenied);
  const auto audits = Audits("havering");
  ASSERT_GE(audits.size(), 2u);
  EXPECT_NE(audits[1].reason().find("member of team team-a, to which child child-1 is allocated"),
            std::string::npos)
      << audits[1].reason();
  EXPECT_NE(audits[1].reason().find("purpose: case review"), std::string::npos);
}

TEST_F(RecorderTest, SubjectAccessAndRegulatorGrantsAreTimeLimitedAndEveryStepIsAudited) {
  ASSERT_TRUE(
      recorder_->Create(Who("manager-1"), testing::CaseSupervision("havering"), false).ok());
  const v1::Record personal = [&] {
    auto p = testing::PersonalSupervision("havering");
    p.set_record_id("rec-personal");
    return *recorder_->Create(Who("manager-1"), p, false);
  }();
  const auto sm = Who("sm-1", {"senior_manager"});

  // Invalid or unauthorised grants are refused, audited, and change nothing.
  auto no_expiry = GrantOf(v1::GRANT_KIND_DATA_SUBJECT, "person-1", "child-1", absl::Hours(1));
  no_expiry.clear_expires_at();
  const absl::Status invalid = recorder_->Grant(sm, no_expiry);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument) << invalid;
  EXPECT_NE(invalid.message().find("expires_at"), std::string::npos) << invalid;
  auto no_worker = GrantOf(v1::GRANT_KIND_REGULATOR, "swe-1", "", absl::Hours(1));
  EXPECT_EQ(recorder_->Grant(sm, no_worker).code(), absl::StatusCode::kInvalidArgument);
  auto by_worker = GrantOf(v1::GRANT_KIND_DATA_SUBJECT, "person-1", "child-1", absl::Hours(1));
  EXPECT_EQ(recorder_->Grant(Who("worker-1"), by_worker).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(recorder_->Get(Who("person-1"), "havering", "rec-1", 0, "SAR-17").status().code(),
            absl::StatusCode::kPermissionDenied);
  auto grant_audits = GrantAudits("havering");
  ASSERT_EQ(grant_audits.size(), 3u);
  for (const auto& a : grant_audits)
    EXPECT_FALSE(a.allowed()) << a.reason();
  EXPECT_EQ(grant_audits[2].actor_id(), "worker-1");

  // S14 subject access: the data subject reads the child-specific record, not personal ones.
  auto subject = GrantOf(v1::GRANT_KIND_DATA_SUBJECT, "person-1", "child-1", absl::Hours(48));
  subject.set_reason("SAR-17");
  ASSERT_TRUE(recorder_->Grant(sm, subject).ok());
  auto read = recorder_->Get(Who("person-1"), "havering", "rec-1", 0, "SAR-17");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(
      recorder_->Get(Who("person-1"), "havering", personal.record_id(), 0, "").status().code(),
      absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(recorder_
                  ->Grant(sm, GrantOf(v1::GRANT_KIND_PARENTAL_RESPONSIBILITY, "parent-1", "child-1",
                                      absl::Hours(48)))
                  .ok());
  EXPECT_TRUE(recorder_->Get(Who("parent-1"), "havering", "rec-1", 0, "").ok());
  // S14 regulator: role and a grant for a party of the record.
  EXPECT_EQ(recorder_->Get(Who("swe-1", {"regulator"}), "havering", "rec-1", 0, "").status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(
      recorder_->Grant(sm, GrantOf(v1::GRANT_KIND_REGULATOR, "swe-1", "worker-1", absl::Hours(48)))
          .ok());
  EXPECT_TRUE(recorder_->Get(Who("swe-1", {"regulator"}), "havering", "rec-1", 0, "FtP-3").ok());

  grant_audits = GrantAudits("havering");
  ASSERT_EQ(grant_audits.size(), 6u);
  EXPECT_TRUE(grant_audits[3].allowed());
  EXPECT_EQ(grant_audits[3].kind(), "GRANT_KIND_DATA_SUBJECT");
  EXPECT_EQ(grant_audits[3].target_id(), "child-1");
  EXPECT_EQ(grant_audits[3].actor_id(), "sm-1");
  EXPECT_NE(grant_audits[3].reason().find("SAR-17"), std::string::npos);
  EXPECT_TRUE(grant_audits[3].has_expires_at());

  // After 48 hours every grant has expired: refused, with the rule and the expiry.
  clock_.Advance(absl::Hours(49));
  auto expired = recorder_->Get(Who("person-1"), "havering", "rec-1", 0, "SAR-17");
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(expired.status().message().find("S14"), std::string::npos) << expired.status();
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos) << expired.status();
  EXPECT_EQ(recorder_->Get(Who("parent-1"), "havering", "rec-1", 0, "").status().code(),
            absl::StatusCode::kPermissionDenied);
  auto regulator = recorder_->Get(Who("swe-1", {"regulator"}), "havering", "rec-1", 0, "");
  EXPECT_EQ(regulator.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(regulator.status().message().find("regulator grant for worker-1 expired"),
            std::string::npos)
      << regulator.status();

  // Every read above has its audit event: who, what, why allowed or refused.
  int allowed = 0, refused = 0;
  for (const auto& a : Audits("havering")) {
    if (a.action() != audit::v1::ACCESS_ACTION_READ) continue;
    a.allowed() ? ++allowed : ++refused;
    EXPECT_FALSE(a.reason().empty());
    EXPECT_TRUE(a.meta().has_occurred_at());
  }
  EXPECT_EQ(allowed, 3);
  EXPECT_EQ(refused, 6);
}

TEST_F(RecorderTest, SchedulingsRetentionItemPurgesWhenItsDayHasEnded) {
  const v1::Record personal = SignedRecord("havering");
  // scheduling's retention item for worker-1, who left on 31 Mar 2026 (H8: kept 3 years).
  scheduling::v1::ItemDue due;
  due.mutable_meta()->set_event_id("sch-retention-due");
  due.mutable_meta()->set_authority_id("havering");
  events::ToTimestamp(Utc("2029-03-31T00:00:00+01:00"), due.mutable_meta()->mutable_occurred_at());
  auto* item = due.mutable_item();
  item->set_item_id("retention:worker-1");
  item->set_authority_id("havering");
  item->set_kind(scheduling::v1::ITEM_KIND_RETENTION);
  item->set_worker_id("worker-1");
  item->mutable_explanation()->set_rule_id("H8");
  (*item->mutable_explanation()->mutable_facts())["left_on"] = "2026-03-31";
  events::ToTimestamp(Utc("2029-03-31T23:59:59+01:00"), item->mutable_due_at());

  // ItemDue fires at the start of the retention day: the records are still kept that day.
  clock_.Set(Utc("2029-03-31T00:00:01+01:00"));
  EXPECT_EQ(Consume("oversight.schedule-events.v1", "worker-1", due),
            kafka::HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(store_->Head("havering", personal.record_id())->status(), v1::RECORD_STATUS_SIGNED);

  // ItemOverdue, a second after the day ended: purged, audited as scheduling's trigger.
  scheduling::v1::ItemOverdue overdue;
  *overdue.mutable_item() = due.item();
  *overdue.mutable_meta() = due.meta();
  overdue.mutable_meta()->set_event_id("sch-retention-overdue");
  clock_.Set(Utc("2029-04-01T00:00:01+01:00"));
  EXPECT_EQ(Consume("oversight.schedule-events.v1", "worker-1", overdue),
            kafka::HandlerOutcome::Kind::kProcessed);
  auto head = store_->Head("havering", personal.record_id());
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status(), v1::RECORD_STATUS_PURGED);
  bool audited = false;
  for (const auto& a : Audits("havering")) {
    if (a.action() != audit::v1::ACCESS_ACTION_PURGE) continue;
    audited = a.actor_id() == Recorder::kRetentionActor &&
              a.reason().find("sch-retention-overdue") != std::string::npos &&
              a.reason().find("H8") == 0;
  }
  EXPECT_TRUE(audited);

  // Redelivered: nothing changes. Another kind of item: ignored.
  EXPECT_EQ(Consume("oversight.schedule-events.v1", "worker-1", overdue),
            kafka::HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(store_->Head("havering", personal.record_id())->version(), head->version());
  overdue.mutable_item()->set_kind(scheduling::v1::ITEM_KIND_PERSONAL_SUPERVISION);
  overdue.mutable_meta()->set_event_id("sch-ps-overdue");
  EXPECT_EQ(Consume("oversight.schedule-events.v1", "worker-2", overdue),
            kafka::HandlerOutcome::Kind::kProcessed);
  // A retention item with a leaving date that is not a date is a dead letter.
  (*overdue.mutable_item()->mutable_explanation()->mutable_facts())["left_on"] = "31/03/2026";
  overdue.mutable_item()->set_kind(scheduling::v1::ITEM_KIND_RETENTION);
  overdue.mutable_meta()->set_event_id("sch-bad");
  EXPECT_EQ(Consume("oversight.schedule-events.v1", "worker-1", overdue),
            kafka::HandlerOutcome::Kind::kDeadLetter);
}

TEST_F(RecorderTest, CaseAndWorkforceEventsFromKafkaKeepTheChildrenAndTheDirectory) {
  cases::v1::CaseAllocated allocated;
  allocated.mutable_meta()->set_event_id("lcs-alloc-50");
  allocated.mutable_meta()->set_authority_id("havering");
  events::ToTimestamp(clock_.Now(), allocated.mutable_meta()->mutable_occurred_at());
  allocated.set_child_id("child-50");
  allocated.set_worker_id("worker-1");
  EXPECT_EQ(Consume("oversight.case-events.v1", "child-50", allocated),
            kafka::HandlerOutcome::Kind::kProcessed);
  EXPECT_EQ(Consume("oversight.case-events.v1", "child-50", allocated),
            kafka::HandlerOutcome::Kind::kProcessed);  // redelivery: no effect
  EXPECT_TRUE(store_->UnknownChildren("havering", {"child-50", "child-51"})->size() == 1);
  allocated.mutable_meta()->set_authority_id("nowhere");
  allocated.mutable_meta()->set_event_id("lcs-alloc-51");
  EXPECT_EQ(
      Consume("oversight.case-events.v1", "child-51", allocated),
      kafka::HandlerOutcome::Kind::kDeadLetter);  // an authority this deployment does not serve
}

}  // namespace
}  // namespace oversight::recording
