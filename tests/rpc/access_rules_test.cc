// Who may read a supervision record, through the real binaries (issue #10 point 3; RULES.md H16,
// S14): recording as a process (tests/support System: a real redis-server, the embedded broker,
// the other three services), its relationships learnt from workforce and case events, grants made
// over GrantAccess, each decision asked over GetRecord with a signed token. Devon's pack has no
// access rules of its own, so the defaults apply: H16's readers for worker-specific records (the
// seeded personal supervision of worker-1 by manager-1) and S14's for child-specific records (a
// case supervision of worker-1 about child-1, made here, is both: either list opens it). One test
// per rule; a reader by a child-record rule is also shown not to reach the personal supervision.
// The access decision itself is unit-tested row by row in services/recording/src/access_test.cc.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "oversight/events/outbound.h"
#include "oversight/recording/v1/recording_service.grpc.pb.h"
#include "oversight/rpc_testing/served_system.h"
#include "oversight/rpc_testing/served_system_test.h"
#include "oversight/rpc_testing/system_state.h"
#include "oversight/rpc_testing/tokens.h"
#include "oversight/testing/wait_until.h"

namespace oversight::rpc_testing {
namespace {

namespace v1 = recording::v1;

constexpr char kCaseRecord[] = "rec-case-child-1";

class AccessRulesTest : public ServedSystemTest {
 protected:
  static void SetUpTestSuite() {
    ServedSystemTest::SetUpTestSuite();
    if (state_ == nullptr) return;
    stub_ = v1::RecordingService::NewStub(served_->system().service(e2e::kRecording)->Channel())
                .release();
    // A case supervision of worker-1 by manager-1 about child-1 (allocated to worker-1 by the
    // seed's case event).
    v1::CreateRecordRequest create;
    v1::Record* record = create.mutable_record();
    record->set_record_id(kCaseRecord);
    record->set_authority_id(kAuthority);
    record->set_kind(v1::RECORD_KIND_CASE_SUPERVISION);
    record->set_supervisor_id(kManager);
    record->add_supervisee_ids(kWorker);
    events::ToTimestamp(absl::Now() - absl::Hours(2), record->mutable_held_at());
    v1::ChildDiscussion* child = record->add_children();
    child->set_child_id(kChild);
    child->set_summary("Placement stable; school attendance improving.");
    child->set_childs_views("Wants more contact with her brother.");
    child->set_rag_rating("AMBER");
    auto date = [](absl::Time at, common::v1::Date* out) {
      const absl::CivilDay day = absl::ToCivilDay(at, absl::UTCTimeZone());
      out->set_year(static_cast<int>(day.year()));
      out->set_month(day.month());
      out->set_day(day.day());
    };
    date(absl::Now() - absl::Hours(24), child->mutable_last_seen_alone());
    date(absl::Now() + absl::Hours(24 * 7), child->mutable_next_visit_planned());
    grpc::Status created;
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          v1::Record response;
          created = Call(kManager, {}, [&](grpc::ClientContext* c) {
            return stub_->CreateRecord(c, create, &response);
          });
          // Until recording has the child from the seed's case event.
          return created.error_code() != grpc::StatusCode::NOT_FOUND &&
                 created.error_code() != grpc::StatusCode::FAILED_PRECONDITION;
        },
        absl::Seconds(30), absl::Milliseconds(200)))
        << Describe(created);
    ASSERT_TRUE(created.ok() || created.error_code() == grpc::StatusCode::ALREADY_EXISTS)
        << Describe(created);
  }
  static void TearDownTestSuite() {
    delete stub_;
    stub_ = nullptr;
    ServedSystemTest::TearDownTestSuite();
  }

  template <typename Fn>
  static grpc::Status Call(const std::string& subject, std::vector<std::string> roles, Fn fn) {
    grpc::ClientContext context;
    const auto [key, value] = Bearer(ServedSystem::Token(subject, std::move(roles)));
    context.AddMetadata(key, value);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return fn(&context);
  }

  // GetRecord of `record_id` as `subject` with `roles`.
  static grpc::Status Read(const std::string& subject, std::vector<std::string> roles,
                           const std::string& record_id) {
    v1::GetRecordRequest request;
    request.set_authority_id(kAuthority);
    request.set_record_id(record_id);
    request.set_purpose("access rules test");
    v1::Record response;
    return Call(subject, std::move(roles),
                [&](grpc::ClientContext* c) { return stub_->GetRecord(c, request, &response); });
  }

  // A grant made by a senior manager, valid for a year.
  static void Grant(v1::GrantAccessRequest request) {
    request.set_authority_id(kAuthority);
    events::ToTimestamp(absl::Now() + absl::Hours(24 * 365), request.mutable_expires_at());
    request.set_reason("access rules test");
    v1::GrantAccessResponse response;
    const grpc::Status granted = Call("sm-1", {"senior_manager"}, [&](grpc::ClientContext* c) {
      return stub_->GrantAccess(c, request, &response);
    });
    ASSERT_TRUE(granted.ok()) << Describe(granted);
  }

  static inline v1::RecordingService::Stub* stub_ = nullptr;
};

// A refusal: PERMISSION_DENIED citing the rule.
::testing::AssertionResult Refused(const grpc::Status& status, const std::string& rule) {
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED &&
      status.error_message().find(rule) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "not refused citing " << rule << ": " << Describe(status);
}

::testing::AssertionResult Allowed(const grpc::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Describe(status);
}

TEST_F(AccessRulesTest, TheTwoPartiesReadTheirRecords) {  // H16, S14 "the two parties"
  for (const char* party : {kManager, kWorker}) {
    EXPECT_TRUE(Allowed(Read(party, {}, kRecordId))) << party;
    EXPECT_TRUE(Allowed(Read(party, {}, kCaseRecord))) << party;
  }
}

TEST_F(AccessRulesTest, TheSupervisorsLineManagerReads) {  // from workforce events
  EXPECT_TRUE(Allowed(Read("head-1", {}, kRecordId)));
}

TEST_F(AccessRulesTest, AnotherWorkerIsRefusedAndOnlyTheRefusalIsRecorded) {  // H16
  auto before = state_->Read();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(Refused(Read("worker-2", {}, kRecordId), "H16"));
  EXPECT_TRUE(Refused(Read("worker-2", {}, kCaseRecord), "S14"));
  auto after = state_->Read();
  ASSERT_TRUE(after.ok()) << after.status();
  // Each refusal is one RecordAccessed event on the audit topic, and nothing else changed.
  EXPECT_EQ(after->topics["audit"] - before->topics["audit"], 2);
  before->topics.erase("audit");
  after->topics.erase("audit");
  EXPECT_EQ(Differences(*before, *after), std::vector<std::string>{});
}

TEST_F(AccessRulesTest, SeniorManagersRead) {  // H16, S14 quality assurance
  EXPECT_TRUE(Allowed(Read("sm-1", {"senior_manager"}, kRecordId)));
  EXPECT_TRUE(Allowed(Read("sm-1", {"senior_manager"}, kCaseRecord)));
}

TEST_F(AccessRulesTest, InvestigatingOfficersRead) {  // H16 investigation officers, S14 (s15)
  EXPECT_TRUE(Allowed(Read("io-1", {"investigating_officer"}, kRecordId)));
  EXPECT_TRUE(Allowed(Read("io-1", {"investigating_officer"}, kCaseRecord)));
}

TEST_F(AccessRulesTest, QualityAssuranceOfficersRead) {  // H16 audits, S14 performance and QA
  EXPECT_TRUE(Allowed(Read("qa-1", {"quality_assurance"}, kRecordId)));
  EXPECT_TRUE(Allowed(Read("qa-1", {"quality_assurance"}, kCaseRecord)));
}

TEST_F(AccessRulesTest, WorkforceDevelopmentReadsWorkerSpecificRecords) {  // H16 (s6i)
  // A case supervision is worker-specific too (it has a supervisee), so H16's list opens it.
  EXPECT_TRUE(Allowed(Read("wd-1", {"workforce_development"}, kRecordId)));
  EXPECT_TRUE(Allowed(Read("wd-1", {"workforce_development"}, kCaseRecord)));
  EXPECT_TRUE(Refused(Read("wd-1", {}, kRecordId), "H16"));
}

TEST_F(AccessRulesTest, InspectorsReadOnlyWithAnInspectorGrant) {  // H16 Ofsted inspectors, S14
  EXPECT_TRUE(Refused(Read("ofsted-1", {"inspector"}, kRecordId), "H16"));
  v1::GrantAccessRequest grant;
  grant.set_subject_id("ofsted-1");
  grant.set_kind(v1::GRANT_KIND_INSPECTOR);
  Grant(grant);
  EXPECT_TRUE(Allowed(Read("ofsted-1", {"inspector"}, kRecordId)));
  EXPECT_TRUE(Allowed(Read("ofsted-1", {"inspector"}, kCaseRecord)));
  // The grant without the role opens nothing.
  EXPECT_TRUE(Refused(Read("ofsted-1", {}, kRecordId), "H16"));
}

TEST_F(AccessRulesTest, ACoveringManagerReadsOnlyWithACoverGrant) {  // S14 covering managers
  EXPECT_TRUE(Refused(Read("manager-3", {}, kRecordId), "H16"));
  v1::GrantAccessRequest grant;
  grant.set_subject_id("manager-3");
  grant.set_kind(v1::GRANT_KIND_COVER);
  grant.set_manager_id(kManager);
  Grant(grant);
  EXPECT_TRUE(Allowed(Read("manager-3", {}, kRecordId)));
  EXPECT_TRUE(Allowed(Read("manager-3", {}, kCaseRecord)));
}

TEST_F(AccessRulesTest, ChildFileAccessOpensTheChildsRecordsOnly) {  // S14 child's file
  EXPECT_TRUE(Refused(Read("worker-9", {}, kCaseRecord), "S14"));
  v1::GrantAccessRequest grant;
  grant.set_subject_id("worker-9");
  grant.set_kind(v1::GRANT_KIND_CHILD_FILE);
  grant.set_child_id(kChild);
  Grant(grant);
  EXPECT_TRUE(Allowed(Read("worker-9", {}, kCaseRecord)));
  EXPECT_TRUE(Refused(Read("worker-9", {}, kRecordId), "H16"));
}

TEST_F(AccessRulesTest, TheDataSubjectReadsTheirChildRecordsOnly) {  // S14 subject access
  EXPECT_TRUE(Refused(Read("person-1", {}, kCaseRecord), "S14"));
  v1::GrantAccessRequest grant;
  grant.set_subject_id("person-1");
  grant.set_kind(v1::GRANT_KIND_DATA_SUBJECT);
  grant.set_child_id(kChild);
  Grant(grant);
  EXPECT_TRUE(Allowed(Read("person-1", {}, kCaseRecord)));
  EXPECT_TRUE(Refused(Read("person-1", {}, kRecordId), "H16"));
}

TEST_F(AccessRulesTest, AHolderOfParentalResponsibilityReadsTheChildsRecordsOnly) {  // S14
  EXPECT_TRUE(Refused(Read("parent-1", {}, kCaseRecord), "S14"));
  v1::GrantAccessRequest grant;
  grant.set_subject_id("parent-1");
  grant.set_kind(v1::GRANT_KIND_PARENTAL_RESPONSIBILITY);
  grant.set_child_id(kChild);
  Grant(grant);
  EXPECT_TRUE(Allowed(Read("parent-1", {}, kCaseRecord)));
  EXPECT_TRUE(Refused(Read("parent-1", {}, kRecordId), "H16"));
}

TEST_F(AccessRulesTest, ARegulatorReadsChildRecordsOfTheRegistrantOnly) {  // S14 SWE/HCPC
  EXPECT_TRUE(Refused(Read("swe-1", {"regulator"}, kCaseRecord), "S14"));
  v1::GrantAccessRequest grant;
  grant.set_subject_id("swe-1");
  grant.set_kind(v1::GRANT_KIND_REGULATOR);
  grant.set_worker_id(kWorker);
  Grant(grant);
  EXPECT_TRUE(Allowed(Read("swe-1", {"regulator"}, kCaseRecord)));
  // Not worker-specific records (S14 lists regulators for child records), nor without the role.
  EXPECT_TRUE(Refused(Read("swe-1", {"regulator"}, kRecordId), "H16"));
  EXPECT_TRUE(Refused(Read("swe-1", {}, kCaseRecord), "S14"));
}

TEST_F(AccessRulesTest, OnlyASeniorManagerOrAnAccessAdministratorGrants) {  // H16/S14
  v1::GrantAccessRequest request;
  request.set_authority_id(kAuthority);
  request.set_subject_id("ofsted-9");
  request.set_kind(v1::GRANT_KIND_INSPECTOR);
  events::ToTimestamp(absl::Now() + absl::Hours(24), request.mutable_expires_at());
  v1::GrantAccessResponse response;
  const grpc::Status refused = Call(kManager, {}, [&](grpc::ClientContext* c) {
    return stub_->GrantAccess(c, request, &response);
  });
  EXPECT_TRUE(Refused(refused, "only a senior manager or an access administrator"));
  EXPECT_TRUE(Refused(Read("ofsted-9", {"inspector"}, kRecordId), "H16"));
  const grpc::Status granted =
      Call("admin-1", {"access_administrator"},
           [&](grpc::ClientContext* c) { return stub_->GrantAccess(c, request, &response); });
  EXPECT_TRUE(Allowed(granted));
  EXPECT_TRUE(Allowed(Read("ofsted-9", {"inspector"}, kRecordId)));
}

}  // namespace
}  // namespace oversight::rpc_testing
