// Malformed requests to every RPC (issue #10 point 2), through the four service binaries as
// processes (tests/support System: a real redis-server, the embedded broker), called by name
// from the descriptors the binaries serve (server reflection), with a valid token holding every
// role, so nothing stops a request before its validation:
//  - generated from the descriptors, one field at a time from a valid request of the RPC:
//    every string set to 1 MiB, every id to 1 MiB, every enum to 9999, every Timestamp out of
//    range (year 10000, before year 1, bad nanos), every Duration beyond 10,000 years, a
//    garbage page token, and the whole request over the 4 MiB limit -> INVALID_ARGUMENT (or
//    OUT_OF_RANGE; RESOURCE_EXHAUSTED for the over-sized request) with a message under 1 KiB
//    that names the field; then every Redis key and topic is as before;
//  - every integer set to -1 and to its maximum: never INTERNAL, UNKNOWN or a crash (these may
//    be valid: the server caps page sizes);
//  - by hand, per RPC, the required fields and cross-field rules, each with the message a
//    person can act on (every RPC must have at least one: a new RPC fails until it has);
// and every service is still SERVING.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "oversight/rpc_testing/request_variants.h"
#include "oversight/rpc_testing/served_system.h"
#include "oversight/rpc_testing/served_system_test.h"
#include "oversight/rpc_testing/system_state.h"
#include "oversight/rpc_testing/tokens.h"

namespace oversight::rpc_testing {
namespace {

const std::vector<std::string> kAllRoles = {"oversight_admin", "senior_manager",
                                            "notifications-admin", "records_officer",
                                            "access_administrator"};

// A valid request of each RPC in text format; {NOW}, {HOUR_AGO}, {NEXT_YEAR} (Unix seconds),
// {TASK}, {OWNER}, {ITEM}, {NOTIFICATION}, {ACTION} are filled from the seed. An RPC missing
// here is probed from PlausibleRequest.
const std::map<std::string, std::string>& ValidRequests() {
  static const auto* requests = new std::map<std::string, std::string>{
      {"SchedulingService.GetWorkerSchedule", R"(authority_id: "devon" worker_id: "worker-1")"},
      {"SchedulingService.GetChildSchedule", R"(authority_id: "devon" child_id: "child-1")"},
      {"SchedulingService.ListDueItems",
       R"(authority_id: "devon" supervisor_id: "manager-1" window_start { seconds: {HOUR_AGO} }
          window_end { seconds: {NEXT_YEAR} } page { page_size: 10 })"},
      {"SchedulingService.GetCompliance",
       R"(authority_id: "devon" team_id: "team-a" period_start { seconds: {HOUR_AGO} }
          period_end { seconds: {NEXT_YEAR} })"},
      {"SchedulingService.ExplainItem", R"(authority_id: "devon" item_id: "{ITEM}")"},
      {"RecordingService.CreateRecord",
       R"(record { record_id: "rec-malformed" authority_id: "devon"
                   kind: RECORD_KIND_PERSONAL_SUPERVISION supervisor_id: "manager-1"
                   supervisee_ids: "worker-1" held_at { seconds: {HOUR_AGO} }
                   notes: "Workload discussed." })"},
      {"RecordingService.GetRecord",
       R"(authority_id: "devon" record_id: "rec-seeded" purpose: "malformed test")"},
      {"RecordingService.SignRecord",
       R"(authority_id: "devon" record_id: "rec-seeded" party: PARTY_SUPERVISOR)"},
      {"RecordingService.AmendRecord",
       R"(authority_id: "devon" record_id: "rec-seeded" reason: "Typo" notes: "Workload.")"},
      {"RecordingService.VerifyRecord", R"(authority_id: "devon" record_id: "rec-seeded")"},
      {"RecordingService.GetAgenda", R"(authority_id: "devon" supervisee_id: "worker-1")"},
      {"RecordingService.SubmitRecord", R"(authority_id: "devon" record_id: "rec-seeded")"},
      {"RecordingService.UpdateRecord",
       R"(record { record_id: "rec-seeded" authority_id: "devon"
                   kind: RECORD_KIND_PERSONAL_SUPERVISION supervisor_id: "manager-1"
                   supervisee_ids: "worker-1" held_at { seconds: {HOUR_AGO} }
                   notes: "Workload and wellbeing discussed again." })"},
      {"RecordingService.CirculateRecord", R"(authority_id: "devon" record_id: "rec-seeded")"},
      {"RecordingService.RecordDisagreement",
       R"(authority_id: "devon" record_id: "rec-seeded" text: "Not what was said.")"},
      {"RecordingService.CompleteAction", R"(authority_id: "devon" action_id: "{ACTION}")"},
      {"RecordingService.ListRecords",
       R"(authority_id: "devon" supervisee_id: "worker-1" page { page_size: 10 })"},
      {"RecordingService.GrantAccess",
       R"(authority_id: "devon" subject_id: "ofsted-1" kind: GRANT_KIND_INSPECTOR
          expires_at { seconds: {NEXT_YEAR} } reason: "Inspection")"},
      {"RecordingService.PurgeWorkerRecords", R"(authority_id: "devon" worker_id: "worker-1")"},
      {"OversightTriggersService.IngestCaseEvent",
       R"(event { case_allocated {
            meta { event_id: "lcs-malformed" authority_id: "devon" subject: "child-1"
                   occurred_at { seconds: {HOUR_AGO} } }
            child_id: "child-1" worker_id: "worker-1" team_id: "team-a"
            case_type: CASE_TYPE_CHILD_IN_NEED } })"},
      {"OversightTriggersService.ListTasks",
       R"(authority_id: "devon" owner_id: "{OWNER}" status: TASK_STATUS_REQUESTED
          page { page_size: 10 })"},
      {"OversightTriggersService.GetTask", R"(authority_id: "devon" task_id: "{TASK}")"},
      {"OversightTriggersService.ReassignTask",
       R"(authority_id: "devon" task_id: "{TASK}" owner_id: "manager-1" reason: "Cover")"},
      {"OversightTriggersService.GetTeamSummary", R"(authority_id: "devon" team_id: "team-a")"},
      {"NotificationsService.ListNotifications",
       R"(authority_id: "devon" recipient_id: "{OWNER}" page { page_size: 10 })"},
      {"NotificationsService.Acknowledge",
       R"(authority_id: "devon" recipient_id: "{OWNER}" notification_id: "{NOTIFICATION}")"},
      {"NotificationsService.StreamNotifications",
       R"(authority_id: "devon" recipient_id: "{OWNER}")"},
      {"NotificationsService.GetPreferences", R"(authority_id: "devon" recipient_id: "{OWNER}")"},
      {"NotificationsService.SetPreferences",
       R"(authority_id: "devon" recipient_id: "{OWNER}" channels: CHANNEL_EMAIL digest_hour: 9
          quiet_start_hour: 18 quiet_end_hour: 8)"},
  };
  return *requests;
}

// A request the RPC must refuse, in text format (placeholders as above), and what it must say;
// called as kManager with every role, or as `caller` without roles where only a party may make
// the call at all (a refused write is audited, H16: the call must get past access to be about
// the request).
struct BadRequest {
  const char* rpc;
  const char* request;
  grpc::StatusCode code;
  const char* message;
  const char* caller = nullptr;
};

std::vector<BadRequest> BadRequests() {
  using C = grpc::StatusCode;
  const C invalid = C::INVALID_ARGUMENT;
  return {
      {"SchedulingService.GetWorkerSchedule", R"(authority_id: "devon")", invalid,
       "worker_id is required"},
      {"SchedulingService.GetWorkerSchedule", R"(worker_id: "worker-1")", invalid,
       "authority_id is required"},
      {"SchedulingService.GetChildSchedule", R"(authority_id: "devon")", invalid,
       "child_id is required"},
      {"SchedulingService.ListDueItems", R"(authority_id: "devon" supervisor_id: "m" team_id: "t")",
       invalid, "set supervisor_id or team_id, not both"},
      {"SchedulingService.ListDueItems",
       R"(authority_id: "devon" window_start { seconds: {NOW} } window_end { seconds: {HOUR_AGO} })",
       invalid, "window_end is before window_start"},
      {"SchedulingService.GetCompliance",
       R"(authority_id: "devon" period_start { seconds: {NOW} } period_end { seconds: {HOUR_AGO} })",
       invalid, "period_end is before period_start"},
      {"SchedulingService.ExplainItem", R"(authority_id: "devon")", invalid, "item_id is required"},
      {"SchedulingService.ExplainItem", R"(authority_id: "atlantis" item_id: "x")", invalid,
       "authority \"atlantis\" is not served by this deployment"},

      {"RecordingService.CreateRecord", R"()", invalid, "authority_id is required"},
      {"RecordingService.CreateRecord",
       R"(record { authority_id: "devon" supervisor_id: "manager-1" held_at { seconds: {HOUR_AGO} } })",
       invalid, "kind: say which kind of record this is"},
      {"RecordingService.CreateRecord",
       R"(record { authority_id: "devon" kind: RECORD_KIND_PERSONAL_SUPERVISION
                   supervisor_id: "manager-1" supervisee_ids: "worker-1" notes: "x" })",
       invalid, "held_at: say when the session happened"},
      {"RecordingService.CreateRecord",
       R"(record { authority_id: "devon" kind: RECORD_KIND_PERSONAL_SUPERVISION
                   supervisor_id: "manager-1" supervisee_ids: "worker-1"
                   held_at { seconds: {NEXT_YEAR} } notes: "x" })",
       invalid, "held_at: is in the future"},
      {"RecordingService.GetRecord", R"(authority_id: "devon")", invalid, "record_id is required"},
      {"RecordingService.GetRecord", R"(authority_id: "devon" record_id: "rec-seeded" version: -1)",
       invalid, "version must not be negative"},
      {"RecordingService.SignRecord", R"(authority_id: "devon")", invalid, "record_id is required"},
      {"RecordingService.SignRecord", R"(authority_id: "devon" record_id: "rec-seeded")", invalid,
       "party"},
      {"RecordingService.AmendRecord", R"(authority_id: "devon" record_id: "rec-seeded")", invalid,
       "reason"},
      {"RecordingService.VerifyRecord", R"(authority_id: "devon")", invalid,
       "record_id is required"},
      {"RecordingService.GetAgenda", R"(authority_id: "devon")", invalid, "supervisee_id"},
      {"RecordingService.SubmitRecord", R"(authority_id: "devon")", invalid,
       "record_id is required"},
      {"RecordingService.UpdateRecord", R"(record { authority_id: "devon" })", invalid,
       "record_id is required"},
      {"RecordingService.CirculateRecord", R"(authority_id: "devon")", invalid,
       "record_id is required"},
      {"RecordingService.RecordDisagreement", R"(authority_id: "devon" record_id: "rec-seeded")",
       invalid, "text", kWorker},
      {"RecordingService.CompleteAction", R"(authority_id: "devon")", invalid, "action_id"},
      {"RecordingService.ListRecords", R"(authority_id: "devon")", invalid,
       "give exactly one of supervisee_id and child_id"},
      {"RecordingService.ListRecords",
       R"(authority_id: "devon" supervisee_id: "worker-1" child_id: "child-1")", invalid,
       "give exactly one of supervisee_id and child_id"},
      {"RecordingService.GrantAccess",
       R"(authority_id: "devon" subject_id: "ofsted-1" kind: GRANT_KIND_INSPECTOR)", invalid,
       "expires_at"},
      {"RecordingService.GrantAccess",
       R"(authority_id: "devon" subject_id: "m-3" kind: GRANT_KIND_COVER)", invalid, "manager_id"},
      {"RecordingService.GrantAccess", R"(authority_id: "devon" subject_id: "x")", invalid, "kind"},
      {"RecordingService.PurgeWorkerRecords", R"(authority_id: "devon")", invalid, "worker_id"},

      {"OversightTriggersService.IngestCaseEvent", R"()", invalid,
       "event: one case event must be set"},
      {"OversightTriggersService.IngestCaseEvent",
       R"(event { case_allocated { meta { authority_id: "devon" occurred_at { seconds: {NOW} } }
                                   child_id: "child-1" } })",
       invalid, "event.meta.event_id is required"},
      {"OversightTriggersService.IngestCaseEvent",
       R"(event { case_allocated { meta { authority_id: "devon" event_id: "e" } child_id: "c" } })",
       invalid, "event.meta.occurred_at is required"},
      {"OversightTriggersService.IngestCaseEvent",
       R"(event { case_allocated { meta { authority_id: "devon" event_id: "e"
                                          occurred_at { seconds: {NOW} } } } })",
       invalid, "event.child_id is required"},
      {"OversightTriggersService.IngestCaseEvent",
       R"(event { case_allocated { meta { event_id: "e" occurred_at { seconds: {NOW} } }
                                   child_id: "c" } })",
       invalid, "authority_id is required"},
      {"OversightTriggersService.ListTasks", R"()", invalid, "authority_id is required"},
      {"OversightTriggersService.ListTasks", R"(authority_id: "devon" page { page_token: "x" })",
       invalid, "page.page_token"},
      {"OversightTriggersService.GetTask", R"(authority_id: "devon")", invalid,
       "task_id is required"},
      {"OversightTriggersService.ReassignTask", R"(authority_id: "devon" task_id: "{TASK}")",
       invalid, "owner_id is required (the new owner)"},
      {"OversightTriggersService.ReassignTask",
       R"(authority_id: "devon" task_id: "{TASK}" owner_id: "nobody-at-all")", invalid,
       "nobody-at-all"},
      {"OversightTriggersService.GetTeamSummary", R"(authority_id: "devon")", invalid,
       "team_id is required"},

      {"NotificationsService.ListNotifications", R"(authority_id: "devon")", invalid,
       "recipient_id is required"},
      {"NotificationsService.Acknowledge", R"(authority_id: "devon" recipient_id: "{OWNER}")",
       invalid, "notification_id is required"},
      {"NotificationsService.StreamNotifications", R"(authority_id: "devon")", invalid,
       "recipient_id is required"},
      {"NotificationsService.GetPreferences", R"(authority_id: "devon")", invalid,
       "recipient_id is required"},
      {"NotificationsService.SetPreferences",
       R"(authority_id: "devon" recipient_id: "{OWNER}" digest_hour: 24)", invalid,
       "digest_hour must be -1 (no digest) or 0-23"},
      {"NotificationsService.SetPreferences",
       R"(authority_id: "devon" recipient_id: "{OWNER}" quiet_start_hour: -1)", invalid,
       "quiet_start_hour and quiet_end_hour must be 0-23"},
      {"NotificationsService.SetPreferences",
       R"(authority_id: "devon" recipient_id: "{OWNER}" channels: CHANNEL_UNSPECIFIED)", invalid,
       "channels: unknown channel 0"},
  };
}

bool MustBeRefused(VariantKind kind) {
  return kind != VariantKind::kNegativeNumber && kind != VariantKind::kHugeNumber;
}

bool IsServerFault(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DATA_LOSS ||
         code == grpc::StatusCode::UNIMPLEMENTED;
}

class MalformedTest : public ServedSystemTest {
 protected:
  static std::string Fill(const std::string& text) {
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    const Seeded& seed = served_->seeded();
    return absl::StrReplaceAll(text, {{"{NOW}", absl::StrCat(now)},
                                      {"{HOUR_AGO}", absl::StrCat(now - 3600)},
                                      {"{NEXT_YEAR}", absl::StrCat(now + 365 * 86400)},
                                      {"{TASK}", seed.task_id},
                                      {"{OWNER}", seed.task_owner},
                                      {"{ITEM}", seed.item_id},
                                      {"{NOTIFICATION}", seed.notification_id},
                                      {"{ACTION}", seed.action_id}});
  }

  // The valid request of `rpc` (ValidRequests, else PlausibleRequest).
  static std::unique_ptr<google::protobuf::Message> Valid(const Binary& binary, const Rpc& rpc) {
    auto it = ValidRequests().find(rpc.name());
    if (it == ValidRequests().end()) return PlausibleRequest(*binary.catalogue, rpc, kAuthority);
    auto parsed = binary.catalogue->ParseMessage(rpc.input(), Fill(it->second));
    EXPECT_TRUE(parsed.ok()) << rpc.name() << ": " << parsed.status();
    return parsed.ok() ? *std::move(parsed) : binary.catalogue->NewMessage(rpc.input());
  }

  static CallOptions AsEveryRole() {
    CallOptions options;
    options.metadata = {Bearer(ServedSystem::Token(kManager, kAllRoles))};
    options.deadline = absl::Seconds(5);
    return options;
  }
};

TEST_F(MalformedTest, GeneratedMalformedRequestsAreRefusedNamingTheFieldAndChangeNothing) {
  auto before = state_->Read();
  ASSERT_TRUE(before.ok()) << before.status();
  std::map<VariantKind, int> tried;
  std::vector<std::string> failures;
  int rpcs = 0;
  for (Binary& binary : served_->binaries()) {
    auto channel = binary.process->Channel();
    for (const Rpc& rpc : binary.catalogue->ApplicationRpcs()) {
      ++rpcs;
      auto base = Valid(binary, rpc);
      for (const Variant& variant : MalformedVariants(*base)) {
        if (!MustBeRefused(variant.kind)) continue;
        ++tried[variant.kind];
        const CallResult result = Call(*channel, rpc, variant.bytes, AsEveryRole());
        const grpc::StatusCode code = result.status.error_code();
        const std::string& message = result.status.error_message();
        const bool refused = variant.kind == VariantKind::kOverMaxMessage
                                 ? code == grpc::StatusCode::RESOURCE_EXHAUSTED
                                 : code == grpc::StatusCode::INVALID_ARGUMENT ||
                                       code == grpc::StatusCode::OUT_OF_RANGE;
        // The message names the field changed (its last part), except for the over-sized request
        // that gRPC refuses before any handler, and a page token, named as page.page_token.
        const std::string leaf = variant.field.substr(variant.field.rfind('.') + 1);
        const std::string named = leaf.substr(0, leaf.find_first_of("[ "));
        const bool names_field = variant.kind == VariantKind::kOverMaxMessage ||
                                 message.find(named) != std::string::npos;
        if (!refused || message.size() > 1024 || message.empty() || !names_field) {
          failures.push_back(absl::StrCat(rpc.name(), " ", VariantKindName(variant.kind), " ",
                                          variant.field, ": ", Describe(result.status)));
        }
      }
    }
  }
  EXPECT_GE(rpcs, 29);
  EXPECT_EQ(failures, std::vector<std::string>{});
  std::cout << "refused, naming the field:";
  for (const auto& [kind, count] : tried)
    std::cout << " " << count << " " << VariantKindName(kind) << ";";
  std::cout << "\n";
  EXPECT_EQ(served_->NotServing(), std::vector<std::string>{});
  auto after = state_->Read();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Differences(*before, *after), std::vector<std::string>{});
}

TEST_F(MalformedTest, HandWrittenBadRequestsGetTheMessageAPersonCanActOnAndChangeNothing) {
  auto before = state_->Read();
  ASSERT_TRUE(before.ok()) << before.status();
  std::set<std::string> covered;
  std::vector<std::string> failures;
  for (const BadRequest& bad : BadRequests()) {
    covered.insert(bad.rpc);
    bool found = false;
    for (Binary& binary : served_->binaries()) {
      for (const Rpc& rpc : binary.catalogue->ApplicationRpcs()) {
        if (rpc.name() != bad.rpc) continue;
        found = true;
        auto request = binary.catalogue->ParseMessage(rpc.input(), Fill(bad.request));
        ASSERT_TRUE(request.ok()) << bad.rpc << ": " << request.status();
        CallOptions options = AsEveryRole();
        if (bad.caller != nullptr) options.metadata = {Bearer(ServedSystem::Token(bad.caller))};
        const CallResult result = Call(*binary.process->Channel(), rpc, **request, options);
        if (result.status.error_code() != bad.code ||
            result.status.error_message().find(bad.message) == std::string::npos) {
          failures.push_back(
              absl::StrCat(bad.rpc, " {", bad.request, "}: ", Describe(result.status)));
        }
      }
    }
    EXPECT_TRUE(found) << bad.rpc << " is not served any more";
  }
  EXPECT_EQ(failures, std::vector<std::string>{});
  for (Binary& binary : served_->binaries()) {
    for (const Rpc& rpc : binary.catalogue->ApplicationRpcs()) {
      EXPECT_TRUE(covered.count(rpc.name()))
          << rpc.name() << " has no hand-written bad request in BadRequests(): add its required "
          << "fields and rules";
    }
  }
  EXPECT_EQ(served_->NotServing(), std::vector<std::string>{});
  auto after = state_->Read();
  ASSERT_TRUE(after.ok()) << after.status();
  // Recording audits every grant attempt, refused ones included (an AccessGranted event on the
  // audit topic, services/recording/README.md): those and nothing else.
  const std::vector<BadRequest> bad_requests = BadRequests();
  const int64_t refused_grants =
      std::count_if(bad_requests.begin(), bad_requests.end(), [](const BadRequest& bad) {
        return std::string_view(bad.rpc) == "RecordingService.GrantAccess";
      });
  EXPECT_EQ(after->topics["audit"] - before->topics["audit"], refused_grants);
  before->topics.erase("audit");
  after->topics.erase("audit");
  EXPECT_EQ(Differences(*before, *after), std::vector<std::string>{});
}

// Integers set to -1 and to their maximum may be valid (a page size is capped), but never make a
// service fail; then the valid request of every read is still answered.
TEST_F(MalformedTest, ExtremeNumbersNeverMakeAServiceFail) {
  std::vector<std::string> failures;
  int tried = 0;
  for (Binary& binary : served_->binaries()) {
    auto channel = binary.process->Channel();
    for (const Rpc& rpc : binary.catalogue->ApplicationRpcs()) {
      auto base = Valid(binary, rpc);
      for (const Variant& variant : MalformedVariants(*base)) {
        if (MustBeRefused(variant.kind)) continue;
        ++tried;
        CallOptions options = AsEveryRole();
        if (rpc.server_streaming()) options.deadline = absl::Milliseconds(500);
        const CallResult result = Call(*channel, rpc, variant.bytes, options);
        const grpc::StatusCode code = result.status.error_code();
        if (IsServerFault(code) || (!result.status.ok() && !result.stream_accepted &&
                                    result.status.error_message().empty())) {
          failures.push_back(absl::StrCat(rpc.name(), " ", VariantKindName(variant.kind), " ",
                                          variant.field, ": ", Describe(result.status)));
        }
      }
    }
  }
  EXPECT_EQ(failures, std::vector<std::string>{});
  std::cout << tried << " extreme numbers, no service failed\n";
  EXPECT_EQ(served_->NotServing(), std::vector<std::string>{});
}

}  // namespace
}  // namespace oversight::rpc_testing
