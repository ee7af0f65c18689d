// Every RPC of every service refuses a call without a valid token (issue #10 point 3), found
// from what the binaries serve (server reflection), so a new RPC is covered without being
// listed: the four service binaries as processes (tests/support System: a real redis-server,
// the embedded broker), configured with auth.jwt.issuer and auth.jwt.audience. For each RPC,
// with an empty and with a plausible request: no token, another scheme, not a JWT, expired, not
// yet valid, a wrong signature, a wrong issuer, a wrong audience, "alg": "none" ->
// UNAUTHENTICATED naming the reason; a valid token for another authority -> PERMISSION_DENIED.
// Afterwards every Redis key and every topic is as before and every service is SERVING.
// Exempt by design (docs/security.md): grpc.health.v1, server reflection, and ClockControl,
// which is served only with clock.mode manual (checked here too).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "oversight/rpc_testing/request_variants.h"
#include "oversight/rpc_testing/served_system.h"
#include "oversight/rpc_testing/served_system_test.h"
#include "oversight/rpc_testing/system_state.h"
#include "oversight/rpc_testing/tokens.h"

namespace oversight::rpc_testing {
namespace {

struct BadToken {
  const char* name;
  std::vector<std::pair<std::string, std::string>> metadata;
  const char* message;  // what the refusal must say
};

std::vector<BadToken> BadTokens() {
  auto claims = [] {
    return ValidClaims(kManager, {"oversight_admin", "senior_manager", "notifications-admin"});
  };
  auto expired = claims();
  expired.issued_at = absl::Now() - absl::Hours(3);
  auto not_yet = claims();
  not_yet.issued_at = absl::Now() + absl::Hours(2);
  auto issuer = claims();
  issuer.issuer = "https://someone-else.test";
  auto audience = claims();
  audience.audience = "another-api";
  auto no_audience = claims();
  no_audience.audience = "";
  return {
      {"no token", {}, "missing authorization metadata"},
      {"another scheme", {{"authorization", "Basic bWFuYWdlci0xOnB3"}}, "not 'Bearer <token>'"},
      {"not a JWT", {Bearer("not-a-jwt")}, "not a JWT"},
      {"expired", {Bearer(Sign(expired, e2e::kTestJwtSecret))}, "token expired"},
      {"not yet valid", {Bearer(Sign(not_yet, e2e::kTestJwtSecret))}, "not yet valid"},
      {"wrong signature",
       {Bearer(Sign(claims(), "another-secret-that-is-long-enough-too"))},
       "bad signature"},
      {"wrong issuer", {Bearer(Sign(issuer, e2e::kTestJwtSecret))}, "wrong issuer"},
      {"wrong audience", {Bearer(Sign(audience, e2e::kTestJwtSecret))}, "wrong audience"},
      {"no audience", {Bearer(Sign(no_audience, e2e::kTestJwtSecret))}, "wrong audience"},
      {"alg none", {Bearer(UnsecuredToken(claims()))}, "algorithm none not accepted"},
  };
}

class AuthTest : public ServedSystemTest {
 protected:
};

// The services and RPCs the proto files declare ("service X {" and "rpc Y(" in
// proto/oversight/*/v1/*.proto): service full name -> method names.
std::map<std::string, std::set<std::string>> DeclaredServices() {
  std::map<std::string, std::set<std::string>> out;
  const std::filesystem::path root =
      std::filesystem::path(std::getenv("OVERSIGHT_SOURCE_DIR")) / "proto" / "oversight";
  const std::regex package(R"(^package\s+([\w.]+)\s*;)"), service(R"(^service\s+(\w+))"),
      rpc(R"(^\s*rpc\s+(\w+)\s*\()");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".proto") continue;
    std::ifstream in(entry.path());
    std::string line, name, current;
    std::smatch match;
    while (std::getline(in, line)) {
      if (std::regex_search(line, match, package)) name = match[1];
      if (std::regex_search(line, match, service)) out[current = name + "." + match[1].str()];
      if (std::regex_search(line, match, rpc) && !current.empty()) out[current].insert(match[1]);
    }
  }
  return out;
}

// The catalogues come from the binaries (reflection); this ties them to the source: a service or
// an RPC declared in proto/ that no binary serves, or that two serve, fails here.
TEST_F(AuthTest, EveryDeclaredServiceAndRpcIsServedByOneBinary) {
  const auto declared = DeclaredServices();
  ASSERT_GE(declared.size(), 5u);
  size_t rpcs = 0;
  for (const auto& [service, methods] : declared) {
    if (IsInfrastructureService(service)) continue;
    int serving = 0;
    for (Binary& binary : served_->binaries()) {
      const auto& names = binary.catalogue->services();
      if (std::count(names.begin(), names.end(), service) == 0) continue;
      ++serving;
      std::set<std::string> served;
      for (const Rpc& rpc : binary.catalogue->RpcsOf(service))
        served.insert(rpc.method);
      EXPECT_EQ(served, methods) << binary.name << " serves " << service
                                 << " with other RPCs than proto/ declares";
    }
    EXPECT_EQ(serving, 1) << service << " is declared in proto/ but served by " << serving
                          << " binaries";
    rpcs += methods.size();
  }
  EXPECT_GE(rpcs, 29u);
  // And nothing is served that is neither declared nor infrastructure.
  for (Binary& binary : served_->binaries()) {
    for (const std::string& service : binary.catalogue->services()) {
      EXPECT_TRUE(declared.count(service) || IsInfrastructureService(service))
          << binary.name << " serves " << service;
    }
  }
}

TEST_F(AuthTest, EveryRpcRefusesACallWithoutAValidToken) {
  auto before = state_->Read();
  ASSERT_TRUE(before.ok()) << before.status();
  const std::vector<BadToken> tokens = BadTokens();
  std::vector<std::string> failures;
  int calls = 0, rpcs = 0;
  for (Binary& binary : served_->binaries()) {
    auto channel = binary.process->Channel();
    for (const Rpc& rpc : binary.catalogue->ApplicationRpcs()) {
      ++rpcs;
      auto empty = binary.catalogue->NewMessage(rpc.input());
      auto plausible = PlausibleRequest(*binary.catalogue, rpc, kAuthority, kWorker);
      for (const google::protobuf::Message* request : {empty.get(), plausible.get()}) {
        for (const BadToken& token : tokens) {
          CallOptions options;
          options.metadata = token.metadata;
          options.deadline = absl::Seconds(5);
          const CallResult result = Call(*channel, rpc, *request, options);
          ++calls;
          if (result.status.error_code() != grpc::StatusCode::UNAUTHENTICATED ||
              result.status.error_message().find(token.message) == std::string::npos) {
            failures.push_back(absl::StrCat(rpc.name(), " (", token.name,
                                            request == empty.get() ? ", empty request" : "",
                                            "): ", Describe(result.status)));
          }
        }
      }
    }
  }
  EXPECT_GE(rpcs, 29) << "fewer RPCs than the APIs had when this test was written";
  EXPECT_EQ(failures, std::vector<std::string>{});
  std::cout << "refused " << calls << " calls to " << rpcs << " RPCs with " << tokens.size()
            << " kinds of bad token\n";
  EXPECT_EQ(served_->NotServing(), std::vector<std::string>{});
  auto after = state_->Read();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Differences(*before, *after), std::vector<std::string>{});
}

TEST_F(AuthTest, ATokenForAnotherAuthorityIsPermissionDenied) {
  auto before = state_->Read();
  ASSERT_TRUE(before.ok()) << before.status();
  // A valid token, with every role the APIs know, for Havering, calling about Devon.
  const std::string token =
      ServedSystem::Token(kManager,
                          {"oversight_admin", "senior_manager", "notifications-admin",
                           "records_officer", "access_administrator"},
                          "havering");
  std::vector<std::string> failures;
  for (Binary& binary : served_->binaries()) {
    auto channel = binary.process->Channel();
    for (const Rpc& rpc : binary.catalogue->ApplicationRpcs()) {
      auto request = PlausibleRequest(*binary.catalogue, rpc, kAuthority, kWorker);
      CallOptions options;
      options.metadata = {Bearer(token)};
      options.deadline = absl::Seconds(5);
      const CallResult result = Call(*channel, rpc, *request, options);
      if (result.status.error_code() != grpc::StatusCode::PERMISSION_DENIED ||
          result.status.error_message().find("havering") == std::string::npos) {
        failures.push_back(absl::StrCat(rpc.name(), ": ", Describe(result.status)));
      }
    }
  }
  EXPECT_EQ(failures, std::vector<std::string>{});
  EXPECT_EQ(served_->NotServing(), std::vector<std::string>{});
  auto after = state_->Read({"audit"});
  ASSERT_TRUE(after.ok()) << after.status();
  before->topics.erase("audit");
  EXPECT_EQ(Differences(*before, *after), std::vector<std::string>{});
}

TEST_F(AuthTest, ClockControlIsServedOnlyWithAManualClock) {
  const Rpc get_time{"oversight.runtime.v1.ClockControl", "GetTime", nullptr};
  for (Binary& binary : served_->binaries()) {
    const auto& names = binary.catalogue->services();
    EXPECT_EQ(std::count(names.begin(), names.end(), get_time.service), 0) << binary.name;
  }
  auto channel = served_->binaries().front().process->Channel();
  // A replica of notifications on a manual clock serves it, without a token.
  auto manual = served_->system().StartReplica(e2e::kNotifications, "manual-clock",
                                               {{"OVERSIGHT_CLOCK_MODE", "manual"},
                                                {"OVERSIGHT_CLOCK_START", "2026-03-09T12:00:00Z"},
                                                {"OVERSIGHT_AUTH_JWT_ISSUER", kIssuer},
                                                {"OVERSIGHT_AUTH_JWT_AUDIENCE", kAudience}});
  ASSERT_TRUE(manual.ok()) << manual.status();
  auto catalogue = RpcCatalogue::FromServer((*manual)->Channel());
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  const auto& names = (*catalogue)->services();
  EXPECT_EQ(std::count(names.begin(), names.end(), get_time.service), 1);
  auto rpcs = (*catalogue)->RpcsOf(get_time.service);
  ASSERT_FALSE(rpcs.empty());
  for (const Rpc& rpc : rpcs) {
    if (rpc.method != "GetTime") continue;
    auto request = (*catalogue)->NewMessage(rpc.input());
    EXPECT_TRUE(Call(*(*manual)->Channel(), rpc, *request).status.ok());
    // The same call to a binary on the system clock is UNIMPLEMENTED.
    EXPECT_EQ(Call(*channel, rpc, *request).status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  EXPECT_TRUE((*manual)->Terminate().ok());
}

}  // namespace
}  // namespace oversight::rpc_testing
