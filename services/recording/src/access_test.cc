// The access decision: one table row per rule of H16 (Havering) and S14 (Stoke-on-Trent), plus
// the default lists for packs without access rules (Devon) and the write rules.
#include "access.h"

#include <gtest/gtest.h>

#include "oversight/authorities/authorities.h"
#include "test_records.h"

namespace oversight::recording {
namespace {

using testing::Utc;

const absl::Time kNow = Utc("2026-03-10T09:00:00Z");

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                         policy::DefaultCalendarPath(),
                                                         {"devon", "havering", "stoke-on-trent"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry).release();
  }
  static const policy::Pack& Pack(const char* id) { return registry_->Find(id)->pack; }

  static Relationships Rel() {
    Relationships rel;
    rel.line_manager["worker-1"] = "manager-1";
    rel.line_manager["worker-2"] = "manager-2";
    rel.line_manager["manager-1"] = "head-1";
    rel.line_manager["head-1"] = "director-1";
    rel.covering["manager-3"]["manager-1"] = Utc("2026-04-01T00:00:00Z");
    rel.covering["manager-4"]["manager-1"] = Utc("2026-03-01T00:00:00Z");  // ended
    rel.inspector_until["ofsted-1"] = Utc("2026-03-20T00:00:00Z");
    rel.inspector_until["ofsted-2"] = Utc("2026-03-09T00:00:00Z");  // expired yesterday
    rel.child_file["worker-9"]["child-1"] = absl::InfiniteFuture();
    rel.child_file["worker-8"]["child-1"] = Utc("2026-03-01T00:00:00Z");  // ended
    // S14 regulators: fitness to practise of worker-1 (the records' supervisee).
    rel.regulator["swe-1"]["worker-1"] = Utc("2026-04-01T00:00:00Z");
    rel.regulator["swe-2"]["worker-1"] = Utc("2026-03-01T00:00:00Z");  // expired
    rel.regulator["swe-4"]["worker-8"] = Utc("2026-04-01T00:00:00Z");  // another registrant
    rel.regulator["swe-5"]["worker-1"] = Utc("2026-04-01T00:00:00Z");  // granted, no role
    // S14 subject access to child-1's records.
    rel.data_subject["person-1"]["child-1"] = Utc("2026-04-01T00:00:00Z");
    rel.data_subject["person-2"]["child-1"] = Utc("2026-03-01T00:00:00Z");  // expired
    rel.data_subject["person-3"]["child-2"] = Utc("2026-04-01T00:00:00Z");  // another child
    rel.parental_responsibility["parent-1"]["child-1"] = Utc("2026-04-01T00:00:00Z");
    // child-1 is allocated to worker-5 (manager-5) in team-c (case events).
    rel.child_cases["child-1"] = {"worker-5", "team-c"};
    rel.line_manager["worker-5"] = "manager-5";
    rel.team["worker-6"] = "team-c";
    rel.team["worker-7"] = "team-d";
    return rel;
  }

  static inline authorities::AuthorityRegistry* registry_ = nullptr;
};

runtime::Principal Who(const char* subject, std::vector<std::string> roles = {},
                       const char* authority = "") {
  runtime::Principal p;
  p.subject = subject;
  p.roles = std::move(roles);
  p.authority_id = authority;
  return p;
}

struct Row {
  const char* name;
  runtime::Principal principal;
  const char* record;  // "personal" or "case" or "oversight"
  const char* authority;
  bool allowed;
  const char* reason_contains;
};

TEST_F(AccessTest, ReadRulesOneRowPerRule) {
  const std::vector<Row> rows = {
      {"supervisee (party)", Who("worker-1"), "personal", "havering", true, "supervisee"},
      {"supervisor (party)", Who("manager-1"), "personal", "havering", true, "supervisor"},
      {"another worker cannot read personal supervision", Who("worker-2"), "personal", "havering",
       false, "H16"},
      {"another team's manager cannot", Who("manager-2"), "personal", "havering", false, "H16"},
      {"line manager chain (head)", Who("head-1"), "personal", "havering", true,
       "line manager chain"},
      {"line manager chain (director)", Who("director-1"), "personal", "havering", true,
       "line manager chain"},
      {"covering manager, Stoke lists them", Who("manager-3"), "personal", "stoke-on-trent", true,
       "S14: covering_manager"},
      {"covering manager, Havering H16 does not list them", Who("manager-3"), "personal",
       "havering", false, "H16"},
      {"covering grant ended", Who("manager-4"), "personal", "stoke-on-trent", false, "S14"},
      {"senior manager (H16)", Who("sm-1", {"senior_manager"}), "personal", "havering", true,
       "H16: senior_manager"},
      {"QA officer (H16)", Who("qa-1", {"quality_assurance"}), "personal", "havering", true,
       "H16: quality_assurance_officer"},
      {"QA on Stoke worker records: not listed", Who("qa-1", {"quality_assurance"}), "personal",
       "stoke-on-trent", false, "S14"},
      {"investigating officer (S14)", Who("io-1", {"investigating_officer"}), "personal",
       "stoke-on-trent", true, "investigating_officer"},
      {"inspector with grant (H16)", Who("ofsted-1", {"inspector"}), "personal", "havering", true,
       "ofsted_inspector"},
      {"inspector grant expired", Who("ofsted-2", {"inspector"}), "personal", "havering", false,
       "inspector grant expired"},
      {"inspector role without grant", Who("ofsted-3", {"inspector"}), "personal", "havering",
       false, "without an inspector grant"},
      {"workforce development on worker records (H16)", Who("wd-1", {"workforce_development"}),
       "personal", "havering", true, "workforce_development"},
      {"workforce development on child oversight: not listed",
       Who("wd-1", {"workforce_development"}), "oversight", "stoke-on-trent", false, "S14"},
      {"child file access on case supervision (S14)", Who("worker-9"), "case", "stoke-on-trent",
       true, "child_file_access"},
      {"child file access does not open personal supervision", Who("worker-9"), "personal",
       "stoke-on-trent", false, "S14"},
      {"child file grant ended", Who("worker-8"), "case", "stoke-on-trent", false,
       "access to the file of child child-1 expired"},
      {"allocated worker of the child (S14 child file)", Who("worker-5"), "case", "stoke-on-trent",
       true, "allocated worker of child child-1"},
      {"allocated worker of the oversight's child", Who("worker-5"), "oversight", "stoke-on-trent",
       true, "allocated worker of child child-1"},
      {"line manager of the allocated worker", Who("manager-5"), "case", "stoke-on-trent", true,
       "line manager chain of worker-5"},
      {"member of the child's team", Who("worker-6"), "case", "stoke-on-trent", true,
       "member of team team-c"},
      {"member of another team", Who("worker-7"), "case", "stoke-on-trent", false, "S14"},
      {"allocated worker does not open personal supervision", Who("worker-5"), "personal",
       "stoke-on-trent", false, "S14"},
      {"regulator with a grant for a party (S14)", Who("swe-1", {"regulator"}), "case",
       "stoke-on-trent", true,
       "regulator may read child-specific records (fitness to practise "
       "of worker-1"},
      {"regulator grant expired", Who("swe-2", {"regulator"}), "case", "stoke-on-trent", false,
       "regulator grant for worker-1 expired"},
      {"regulator without a grant", Who("swe-3", {"regulator"}), "case", "stoke-on-trent", false,
       "role regulator without a grant for a party"},
      {"regulator granted for another registrant", Who("swe-4", {"regulator"}), "case",
       "stoke-on-trent", false, "without a grant for a party"},
      {"regulator grant without the role", Who("swe-5"), "case", "stoke-on-trent", false, "S14"},
      {"regulator on worker records: not listed", Who("swe-1", {"regulator"}), "personal",
       "stoke-on-trent", false, "S14"},
      {"data subject (S14 subject access)", Who("person-1"), "case", "stoke-on-trent", true,
       "S14: data_subject"},
      {"data subject grant expired", Who("person-2"), "case", "stoke-on-trent", false,
       "subject access to the records of child child-1 expired"},
      {"data subject of another child", Who("person-3"), "case", "stoke-on-trent", false, "S14"},
      {"data subject cannot read personal supervision", Who("person-1"), "personal",
       "stoke-on-trent", false, "S14"},
      {"holder of parental responsibility (S14)", Who("parent-1"), "oversight", "stoke-on-trent",
       true, "S14: parental_responsibility"},
      {"subject access under the default S14 list (Havering)", Who("person-1"), "case", "havering",
       true, "data_subject may read child-specific records"},
      {"pack without access rules uses the H16 default", Who("sm-1", {"senior_manager"}),
       "personal", "devon", true, "default list"},
      {"other authority's token", Who("worker-1", {}, "havering"), "personal", "devon", false,
       "authority"},
  };
  const Relationships rel = Rel();
  for (const auto& row : rows) {
    v1::Record record = std::string(row.record) == "personal" ? testing::PersonalSupervision()
                        : std::string(row.record) == "case"   ? testing::CaseSupervision()
                                                              : testing::Oversight();
    record.set_authority_id(row.authority);
    if (std::string(row.record) == "oversight") record.mutable_oversight()->set_child_id("child-1");
    const auto decision =
        DecideRead(row.principal, PartiesOf(record), rel, Pack(row.authority), kNow);
    EXPECT_EQ(decision.allowed, row.allowed) << row.name << ": " << decision.reason;
    EXPECT_NE(decision.reason.find(row.reason_contains), std::string::npos)
        << row.name << ": " << decision.reason;
  }
}

TEST_F(AccessTest, InspectorGrantExpiresWithTime) {
  const auto parties = PartiesOf(testing::PersonalSupervision("havering"));
  const auto p = Who("ofsted-1", {"inspector"});
  EXPECT_TRUE(DecideRead(p, parties, Rel(), Pack("havering"), Utc("2026-03-19T23:59:59Z")).allowed);
  EXPECT_FALSE(
      DecideRead(p, parties, Rel(), Pack("havering"), Utc("2026-03-20T00:00:00Z")).allowed);
}

TEST_F(AccessTest, WriteRules) {
  const auto parties = PartiesOf(testing::PersonalSupervision("stoke-on-trent"));
  const Relationships rel = Rel();
  struct W {
    const char* who;
    WriteKind kind;
    bool allowed;
  };
  const std::vector<W> rows = {
      {"manager-1", WriteKind::kCreate, true},
      {"manager-3", WriteKind::kCreate, true},
      {"worker-1", WriteKind::kCreate, false},
      {"head-1", WriteKind::kCreate, false},
      {"worker-1", WriteKind::kSign, true},
      {"worker-2", WriteKind::kSign, false},
      {"worker-1", WriteKind::kAmend, true},
      {"worker-2", WriteKind::kAmend, false},
      {"worker-1", WriteKind::kDisagree, true},
      {"head-1", WriteKind::kCompleteAction, true},
      {"worker-2", WriteKind::kCompleteAction, false},
  };
  for (const auto& row : rows) {
    const auto d = DecideWrite(Who(row.who, {"senior_manager"}), parties, row.kind, rel, kNow);
    EXPECT_EQ(d.allowed, row.allowed)
        << row.who << " " << static_cast<int>(row.kind) << ": " << d.reason;
  }
}

TEST(LineManagerChainTest, StopsAtCycles) {
  Relationships rel;
  rel.line_manager["a"] = "b";
  rel.line_manager["b"] = "c";
  rel.line_manager["c"] = "a";
  EXPECT_EQ(LineManagerChain(rel, "a"), (std::vector<std::string>{"b", "c"}));
}

TEST(GrantTargetTest, EachKindNeedsItsTargetAndTheTimeLimitedOnesAnExpiry) {
  auto request = [](v1::GrantKind kind, bool expires) {
    v1::GrantAccessRequest r;
    r.set_authority_id("stoke-on-trent");
    r.set_subject_id("someone");
    r.set_kind(kind);
    r.set_manager_id("manager-1");
    r.set_child_id("child-1");
    r.set_worker_id("worker-1");
    if (expires) events::ToTimestamp(kNow + absl::Hours(24), r.mutable_expires_at());
    return r;
  };
  struct G {
    v1::GrantKind kind;
    bool expires;
    const char* target_or_field;  // the target, or the field an INVALID_ARGUMENT names
    bool ok;
  };
  const std::vector<G> rows = {
      {v1::GRANT_KIND_INSPECTOR, true, "", true},
      {v1::GRANT_KIND_INSPECTOR, false, "expires_at", false},
      {v1::GRANT_KIND_COVER, false, "manager-1", true},
      {v1::GRANT_KIND_CHILD_FILE, false, "child-1", true},
      {v1::GRANT_KIND_DATA_SUBJECT, true, "child-1", true},
      {v1::GRANT_KIND_DATA_SUBJECT, false, "expires_at", false},
      {v1::GRANT_KIND_PARENTAL_RESPONSIBILITY, true, "child-1", true},
      {v1::GRANT_KIND_PARENTAL_RESPONSIBILITY, false, "expires_at", false},
      {v1::GRANT_KIND_REGULATOR, true, "worker-1", true},
      {v1::GRANT_KIND_REGULATOR, false, "expires_at", false},
      {v1::GRANT_KIND_UNSPECIFIED, true, "kind", false},
  };
  for (const auto& row : rows) {
    auto target = GrantTarget(request(row.kind, row.expires), kNow);
    EXPECT_EQ(target.ok(), row.ok) << v1::GrantKind_Name(row.kind) << ": " << target.status();
    if (target.ok()) {
      EXPECT_EQ(*target, row.target_or_field);
    } else {
      EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(target.status().message().find(row.target_or_field), 0u) << target.status();
    }
  }
  auto no_child = request(v1::GRANT_KIND_DATA_SUBJECT, true);
  no_child.clear_child_id();
  EXPECT_EQ(GrantTarget(no_child, kNow).status().message().find("child_id"), 0u);
  auto no_registrant = request(v1::GRANT_KIND_REGULATOR, true);
  no_registrant.clear_worker_id();
  EXPECT_EQ(GrantTarget(no_registrant, kNow).status().message().find("worker_id"), 0u);
  auto past = request(v1::GRANT_KIND_INSPECTOR, false);
  events::ToTimestamp(kNow - absl::Hours(1), past.mutable_expires_at());
  EXPECT_NE(GrantTarget(past, kNow).status().message().find("already passed"), std::string::npos);
}

}  // namespace
}  // namespace oversight::recording
