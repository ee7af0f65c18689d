// The oversight-recording binary as a process (tests/support System: a real redis-server, the
// embedded Kafka broker, a manual clock moved over gRPC), driven as a front end, an HR system, a
// case system and scheduling would drive it: records written over gRPC with real JWTs, the
// supervision events read off the supervision-events topic, the audit events off the audit
// topic, a purge triggered by scheduling's retention item, Kafka tombstones on the records topic;
// then `oversight-recording rebuild` restores an empty Redis from the topics, key for key.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "keyspace.h"
#include "oversight/audit/v1/audit_events.pb.h"
#include "oversight/e2e/sample_events.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/recording/v1/recording_service.grpc.pb.h"
#include "oversight/redis/outbox.h"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/wait_until.h"
#include "records_topic.h"
#include "supervision_events.h"
#include "test_records.h"

namespace oversight::recording {
namespace {

using e2e::System;
using testing::Utc;
namespace rec = oversight::recording::v1;

constexpr char kAuthority[] = "havering";

class RecordingProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto system = System::Create(kafka::testing::BrokerKind::kEmbedded);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = *std::move(system);
    auto started =
        system_->StartService(e2e::kRecording, {
                                                   {"OVERSIGHT_CLOCK_MODE", "manual"},
                                                   {"OVERSIGHT_CLOCK_START", kStart},
                                                   {"OVERSIGHT_POLICY_AUTHORITIES", kAuthority},
                                               });
    ASSERT_TRUE(started.ok()) << started.status();
    service_ = *started;
    stub_ = rec::RecordingService::NewStub(service_->Channel());
    auto connection = redis::Connection::Connect(system_->redis().connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    redis_ = *std::move(connection);
  }

  // A context with a bearer token minted for the service's (manual) clock.
  std::unique_ptr<grpc::ClientContext> As(const std::string& subject,
                                          std::vector<std::string> roles = {}) {
    runtime::TokenClaims claims;
    claims.subject = subject;
    claims.roles = std::move(roles);
    claims.authority_id = kAuthority;
    claims.issued_at = now_;
    auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, e2e::kTestJwtSecret);
    EXPECT_TRUE(token.ok()) << token.status();
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + *token);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  void SetTime(absl::Time now) {
    now_ = now;
    auto stub = runtime::v1::ClockControl::NewStub(service_->Channel());
    runtime::v1::SetTimeRequest request;
    events::ToTimestamp(now, request.mutable_now());
    runtime::v1::TimeResponse response;
    grpc::Status status = stub->SetTime(As("test").get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Publishes an event as an HR / case system (or scheduling) would, for Havering.
  template <typename Event>
  void Publish(const std::string& topic, const std::string& key, Event event) {
    event.mutable_meta()->set_authority_id(kAuthority);
    events::ToTimestamp(now_, event.mutable_meta()->mutable_occurred_at());
    ASSERT_TRUE(system_->Publish(topic, key, event).ok());
  }

  bool Exists(const std::string& key) {
    auto reply = redis_->Command({"EXISTS", key});
    return reply.ok() && reply->integer() == 1;
  }

  rec::Record Create(const rec::Record& record, const std::string& as) {
    rec::CreateRecordRequest request;
    *request.mutable_record() = record;
    rec::Record created;
    grpc::Status status = stub_->CreateRecord(As(as).get(), request, &created);
    EXPECT_TRUE(status.ok()) << record.record_id() << ": " << status.error_message();
    return created;
  }
  grpc::Status Circulate(const std::string& id, const std::string& as) {
    rec::CirculateRecordRequest request;
    request.set_authority_id(kAuthority);
    request.set_record_id(id);
    rec::Record out;
    return stub_->CirculateRecord(As(as).get(), request, &out);
  }
  grpc::Status Sign(const std::string& id, const std::string& as, rec::Party party) {
    rec::SignRecordRequest request;
    request.set_authority_id(kAuthority);
    request.set_record_id(id);
    request.set_party(party);
    rec::Record out;
    return stub_->SignRecord(As(as).get(), request, &out);
  }
  absl::StatusOr<rec::Record> Get(const std::string& id, const std::string& as,
                                  std::vector<std::string> roles = {}) {
    rec::GetRecordRequest request;
    request.set_authority_id(kAuthority);
    request.set_record_id(id);
    request.set_purpose("process test");
    rec::Record out;
    grpc::Status status = stub_->GetRecord(As(as, std::move(roles)).get(), request, &out);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return out;
  }

  // Every record of a topic of this System, read from the start until `done`.
  std::vector<kafka::ConsumedMessage> Collect(
      const std::string& topic,
      const std::function<bool(const std::vector<kafka::ConsumedMessage>&)>& done) {
    kafka::testing::TopicCollector collector(system_->broker().client_config(),
                                             system_->Topic(topic));
    auto records = collector.CollectUntil(done, absl::Seconds(60));
    EXPECT_TRUE(records.ok()) << topic << ": " << records.status();
    return records.ok() ? *records : std::vector<kafka::ConsumedMessage>{};
  }

  static std::string TypeOf(const kafka::ConsumedMessage& m) {
    return std::string(m.headers.Get("ce_type").value_or(""));
  }

  static constexpr char kStart[] = "2026-03-09T12:00:00Z";  // Monday
  absl::Time now_ = Utc(kStart);
  std::unique_ptr<System> system_;
  e2e::ServiceProcess* service_ = nullptr;
  std::unique_ptr<rec::RecordingService::Stub> stub_;
  std::unique_ptr<redis::Connection> redis_;
};

TEST_F(RecordingProcessTest, RecordsOverGrpcPublishSupervisionAndAuditEventsAndRebuildFromKafka) {
  // The HR system: worker-1 and worker-3 report to manager-1 (head-1 above), worker-2 elsewhere.
  for (const auto& [worker, supervisor] :
       std::vector<std::pair<const char*, const char*>>{{"manager-1", "head-1"},
                                                        {"worker-1", "manager-1"},
                                                        {"worker-2", "manager-2"},
                                                        {"worker-3", "manager-1"}}) {
    auto joined = e2e::WorkerJoinedEvent(worker, supervisor);
    Publish("workforce_events", worker, joined);
  }
  // The case system: child-1 and child-7 are allocated to worker-1.
  for (const char* child : {"child-1", "child-7"}) {
    Publish("case_events", child,
            e2e::CaseAllocatedEvent(child, "worker-1", std::string("lcs-alloc-") + child));
  }
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] {
        return Exists("ovs:{havering}:rec:case:child-7") &&
               Exists("ovs:{havering}:rec:dir:worker-3");
      },
      absl::Seconds(60)))
      << service_->ReadLog();

  // A personal supervision session: create, circulate, signed by both, then amended.
  auto personal = testing::PersonalSupervision(kAuthority, "2026-03-09T10:00:00Z");
  personal.set_record_id("rec-ps");
  Create(personal, "manager-1");
  ASSERT_TRUE(Circulate("rec-ps", "manager-1").ok());
  ASSERT_TRUE(Sign("rec-ps", "worker-1", rec::PARTY_SUPERVISEE).ok());
  ASSERT_TRUE(Sign("rec-ps", "manager-1", rec::PARTY_SUPERVISOR).ok());
  rec::AmendRecordRequest amend;
  amend.set_authority_id(kAuthority);
  amend.set_record_id("rec-ps");
  amend.set_reason("The training course was misnamed");
  amend.set_notes("Workload, wellbeing and the ASYE training plan discussed.");
  rec::Record amended;
  ASSERT_TRUE(stub_->AmendRecord(As("manager-1").get(), amend, &amended).ok());
  // A missed session (sickness), an agreement signed by both, a late case supervision (H11: two
  // working days; held a week ago) whose action is completed, and an oversight record that
  // answers task-9 for child-7.
  auto missed =
      testing::Base(rec::RECORD_KIND_PERSONAL_SUPERVISION, kAuthority, "2026-03-06T10:00:00Z");
  missed.set_record_id("rec-missed");
  missed.add_supervisee_ids("worker-1");
  missed.mutable_missed()->set_reason("Supervisee off sick");
  missed.mutable_missed()->set_sickness(true);
  Create(missed, "manager-1");
  auto agreement =
      testing::Base(rec::RECORD_KIND_SUPERVISION_AGREEMENT, kAuthority, "2026-03-09T09:00:00Z");
  agreement.set_record_id("rec-agreement");
  agreement.add_supervisee_ids("worker-1");
  agreement.mutable_agreement()->set_frequency("monthly, 90 minutes");
  agreement.mutable_agreement()->set_terms("Uninterrupted, recorded within 2 working days.");
  Create(agreement, "manager-1");
  ASSERT_TRUE(Circulate("rec-agreement", "manager-1").ok());
  ASSERT_TRUE(Sign("rec-agreement", "worker-1", rec::PARTY_SUPERVISEE).ok());
  ASSERT_TRUE(Sign("rec-agreement", "manager-1", rec::PARTY_SUPERVISOR).ok());
  auto case_record = testing::CaseSupervision(kAuthority, "2026-03-02T10:00:00Z");
  case_record.set_record_id("rec-case");
  const rec::Record created_case = Create(case_record, "manager-1");
  EXPECT_TRUE(created_case.late());
  EXPECT_EQ(created_case.record_deadline_rule(), "H11");
  rec::GetAgendaRequest agenda;
  agenda.set_authority_id(kAuthority);
  agenda.set_supervisee_id("worker-1");
  agenda.set_child_id("child-1");
  rec::GetAgendaResponse open;
  ASSERT_TRUE(stub_->GetAgenda(As("manager-1").get(), agenda, &open).ok());
  ASSERT_EQ(open.open_actions_size(), 1);
  rec::CompleteActionRequest complete;
  complete.set_authority_id(kAuthority);
  complete.set_action_id(open.open_actions(0).action_id());
  rec::SmartAction done;
  ASSERT_TRUE(stub_->CompleteAction(As("worker-1").get(), complete, &done).ok());
  auto oversight = testing::Oversight(kAuthority, "2026-03-09T11:00:00Z");
  oversight.set_record_id("rec-oversight");
  Create(oversight, "manager-1");
  ASSERT_TRUE(Sign("rec-oversight", "manager-1", rec::PARTY_SUPERVISOR).ok());

  // Invalid requests: a clear error, nothing stored.
  rec::CreateRecordRequest bad;
  rec::Record out;
  *bad.mutable_record() = testing::CaseSupervision(kAuthority, "2026-03-09T10:00:00Z");
  bad.mutable_record()->set_record_id("rec-bad");
  bad.mutable_record()->mutable_children(0)->set_child_id("child-404");
  grpc::Status status = stub_->CreateRecord(As("manager-1").get(), bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("children[0].child_id: child \"child-404\" is not known"),
            std::string::npos)
      << status.error_message();
  *bad.mutable_record() = testing::Oversight(kAuthority, "2026-03-09T10:00:00Z");
  bad.mutable_record()->set_record_id("rec-bad");
  bad.mutable_record()->mutable_oversight()->clear_decision_and_rationale();
  status = stub_->CreateRecord(As("manager-1").get(), bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("oversight.decision_and_rationale"), std::string::npos)
      << status.error_message();
  *bad.mutable_record() = testing::PersonalSupervision(kAuthority, "2026-03-09T10:00:00Z");
  bad.mutable_record()->set_record_id("rec-bad");
  bad.mutable_record()->mutable_actions(0)->clear_due_on();
  status = stub_->CreateRecord(As("manager-1").get(), bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("actions[0].due_on"), std::string::npos);
  EXPECT_FALSE(Exists("ovs:{havering}:rec:record:rec-bad:head"));
  status = Sign("rec-case", "worker-2", rec::PARTY_SUPERVISEE);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("not a party"), std::string::npos)
      << status.error_message();
  auto other = Get("rec-ps", "worker-2");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(other.status().message().find("H16"), std::string::npos) << other.status();
  grpc::ClientContext anonymous;
  rec::GetRecordRequest get;
  get.set_authority_id(kAuthority);
  get.set_record_id("rec-ps");
  EXPECT_EQ(stub_->GetRecord(&anonymous, get, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Subject access (S14): a holder of parental responsibility, for 7 days.
  rec::GrantAccessRequest grant;
  grant.set_authority_id(kAuthority);
  grant.set_subject_id("parent-1");
  grant.set_kind(rec::GRANT_KIND_PARENTAL_RESPONSIBILITY);
  grant.set_child_id("child-1");
  grant.set_reason("SAR-2026-001");
  events::ToTimestamp(now_ + absl::Hours(24 * 7), grant.mutable_expires_at());
  rec::GrantAccessResponse granted;
  ASSERT_TRUE(stub_->GrantAccess(As("sm-1", {"senior_manager"}).get(), grant, &granted).ok());
  EXPECT_TRUE(Get("rec-case", "parent-1").ok());
  EXPECT_EQ(Get("rec-ps", "parent-1").status().code(), absl::StatusCode::kPermissionDenied);

  // Retention (H8): worker-3 leaves; three years later scheduling's retention item is overdue.
  auto leaver = testing::PersonalSupervision(kAuthority, "2026-03-09T10:00:00Z");
  leaver.set_record_id("rec-leaver");
  leaver.set_supervisee_ids(0, "worker-3");
  leaver.set_notes("The leaver's own wellbeing plan.");
  Create(leaver, "manager-1");
  workforce::v1::WorkerLeft left;
  left.mutable_meta()->set_event_id("hr-left-worker-3");
  left.set_worker_id("worker-3");
  *left.mutable_left_on() = testing::Day(2026, 3, 31);
  left.set_left_childrens_services(true);
  Publish("workforce_events", "worker-3", left);
  SetTime(Utc("2029-04-01T00:00:01+01:00"));
  scheduling::v1::ItemOverdue overdue;
  overdue.mutable_meta()->set_event_id("sch-retention-worker-3-overdue");
  auto* item = overdue.mutable_item();
  item->set_item_id("retention:worker-3");
  item->set_authority_id(kAuthority);
  item->set_kind(scheduling::v1::ITEM_KIND_RETENTION);
  item->set_worker_id("worker-3");
  item->mutable_explanation()->set_rule_id("H8");
  (*item->mutable_explanation()->mutable_facts())["left_on"] = "2026-03-31";
  Publish("schedule_events", "worker-3", overdue);
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] {
        auto head = Get("rec-leaver", "manager-1");
        return head.ok() && head->status() == rec::RECORD_STATUS_PURGED;
      },
      absl::Seconds(60)))
      << service_->ReadLog();
  // The parental-responsibility grant expired long ago.
  EXPECT_EQ(Get("rec-case", "parent-1").status().code(), absl::StatusCode::kPermissionDenied);

  // The supervision events, off the supervision-events topic.
  const std::set<std::string> wanted = {
      "SessionHeld",   "RecordRecorded",    "RecordCirculated", "RecordSigned",  "RecordAmended",
      "SessionMissed", "OversightRecorded", "AgreementSigned",  "ActionCreated", "ActionCompleted"};
  std::set<std::string> seen;
  const auto supervision = Collect("supervision_events", [&](const auto& got) {
    seen.clear();
    for (const auto& m : got)
      seen.insert(TypeOf(m).substr(std::string("oversight.recording.v1.").size()));
    return std::includes(seen.begin(), seen.end(), wanted.begin(), wanted.end());
  });
  EXPECT_TRUE(std::includes(seen.begin(), seen.end(), wanted.begin(), wanted.end()));
  for (const auto& m : supervision) {
    if (TypeOf(m) == "oversight.recording.v1.OversightRecorded") {
      rec::OversightRecorded e;
      ASSERT_TRUE(e.ParseFromString(m.value));
      EXPECT_EQ(e.task_id(), "task-9");
      EXPECT_EQ(e.child_id(), "child-7");
    } else if (TypeOf(m) == "oversight.recording.v1.SessionMissed") {
      rec::SessionMissed e;
      ASSERT_TRUE(e.ParseFromString(m.value));
      EXPECT_TRUE(e.cancelled_for_sickness());
      EXPECT_EQ(m.key, "worker-1");
    } else if (TypeOf(m) == "oversight.recording.v1.RecordRecorded") {
      rec::RecordRecorded e;
      ASSERT_TRUE(e.ParseFromString(m.value));
      EXPECT_EQ(e.late(), e.record_id() == "rec-case") << e.record_id();
    }
  }

  // The audit events, off the audit topic: allowed and refused reads and writes, the grant, the
  // purge by scheduling's trigger.
  bool refused_read = false, refused_sign = false, grant_audited = false, purge_audited = false;
  Collect("audit", [&](const auto& got) {
    for (const auto& m : got) {
      if (TypeOf(m) == "oversight.audit.v1.AccessGranted") {
        audit::v1::AccessGranted a;
        grant_audited |= a.ParseFromString(m.value) && a.allowed() &&
                         a.subject_id() == "parent-1" &&
                         a.reason().find("SAR-2026-001") != std::string::npos;
        continue;
      }
      audit::v1::RecordAccessed a;
      if (!a.ParseFromString(m.value)) continue;
      refused_read |= a.action() == audit::v1::ACCESS_ACTION_READ && !a.allowed() &&
                      a.actor_id() == "worker-2" && a.reason().find("H16") != std::string::npos;
      refused_sign |=
          a.action() == audit::v1::ACCESS_ACTION_SIGN && !a.allowed() && a.actor_id() == "worker-2";
      purge_audited |= a.action() == audit::v1::ACCESS_ACTION_PURGE &&
                       a.record_id() == "rec-leaver" &&
                       a.reason().find("sch-retention-worker-3-overdue") != std::string::npos;
    }
    return refused_read && refused_sign && grant_audited && purge_audited;
  });
  EXPECT_TRUE(refused_read);
  EXPECT_TRUE(refused_sign);
  EXPECT_TRUE(grant_audited);
  EXPECT_TRUE(purge_audited);

  // The records topic: a null value after the destroyed version of the purged record (created,
  // then purged: version 2 is the tombstone).
  std::map<std::string, std::vector<bool>> tombstones;
  Collect("records", [&](const auto& got) {
    tombstones.clear();
    for (const auto& m : got)
      tombstones[m.key].push_back(m.tombstone);
    const auto& v1 = tombstones[RecordVersionTopicKey(kAuthority, "rec-leaver", 1)];
    return v1.size() == 2 && v1[1] &&
           tombstones.count(RecordVersionTopicKey(kAuthority, "rec-leaver", 2));
  });
  EXPECT_EQ(tombstones[RecordVersionTopicKey(kAuthority, "rec-leaver", 1)],
            (std::vector<bool>{false, true}));
  EXPECT_EQ(tombstones[RecordVersionTopicKey(kAuthority, "rec-leaver", 2)],
            (std::vector<bool>{false}));  // the tombstone version (no content) stays

  // Rebuild: wait until the outbox is relayed, stop the service, restore an empty Redis.
  ASSERT_TRUE(oversight::testing::WaitUntil(
      [&] {
        auto length = redis_->Command({"XLEN", redis::OutboxKey(kAuthority, kServiceName)});
        return length.ok() && length->integer() == 0;
      },
      absl::Seconds(30)));
  const auto original = testing::Keyspace(*redis_, "ovs:{havering}:rec:*");
  ASSERT_GT(original.size(), 30u);
  ASSERT_TRUE(original.count("ovs:{havering}:rec:case:child-1"));
  ASSERT_TRUE(original.count("ovs:{havering}:rec:grant:parental:parent-1"));
  auto exit_code = service_->Terminate();
  ASSERT_TRUE(exit_code.ok() && *exit_code == 0) << service_->ReadLog();

  auto empty = redis::testing::RedisServer::Launch();
  ASSERT_TRUE(empty.ok()) << empty.status();
  std::map<std::string, std::string> env = system_->ServiceEnv(e2e::kRecording);
  env["OVERSIGHT_REDIS_PORT"] = std::to_string((*empty)->Port());
  env["OVERSIGHT_POLICY_AUTHORITIES"] = kAuthority;
  const std::string binary = e2e::ServiceBinary("recording", "oversight-recording");
  auto run = [&](std::vector<std::string> args) -> std::pair<int, std::string> {
    args.insert(args.begin(), {binary, "rebuild"});
    auto process = oversight::testing::ChildProcess::Start(args, env);
    EXPECT_TRUE(process.ok()) << process.status();
    auto code = (*process)->Wait(absl::Seconds(120));
    EXPECT_TRUE(code.ok()) << code.status();
    return {code.ok() ? *code : -1, (*process)->ReadLog()};
  };
  auto [code, log] = run({});
  ASSERT_EQ(code, 0) << log;
  EXPECT_NE(log.find("\"rebuilt\""), std::string::npos) << log;
  auto rebuilt_connection = redis::Connection::Connect((*empty)->connection_options());
  ASSERT_TRUE(rebuilt_connection.ok());
  const auto rebuilt = testing::Keyspace(**rebuilt_connection, "ovs:{havering}:rec:*");
  EXPECT_EQ(testing::Differences(original, rebuilt), std::vector<std::string>{});
  for (const char* id : {"rec-ps", "rec-case", "rec-oversight", "rec-agreement"}) {
    const std::string head = "ovs:{havering}:rec:record:" + std::string(id) + ":head";
    ASSERT_TRUE(rebuilt.count(head)) << id;
  }

  // Into a Redis that already holds records it refuses (exit 2) unless told to resume.
  std::tie(code, log) = run({});
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find("already holds records"), std::string::npos) << log;
  std::tie(code, log) = run({"--set", "rebuild.allow_existing=true"});
  EXPECT_EQ(code, 0) << log;
  EXPECT_EQ(testing::Differences(original,
                                 testing::Keyspace(**rebuilt_connection, "ovs:{havering}:rec:*")),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace oversight::recording
