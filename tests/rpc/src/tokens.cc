#include "oversight/rpc_testing/tokens.h"

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"

namespace oversight::rpc_testing {

std::vector<std::pair<std::string, std::string>> AuthEnv(const std::string& secret) {
  return {{"OVERSIGHT_AUTH_JWT_SECRET", secret},
          {"OVERSIGHT_AUTH_JWT_ISSUER", kIssuer},
          {"OVERSIGHT_AUTH_JWT_AUDIENCE", kAudience}};
}

runtime::TokenClaims ValidClaims(const std::string& subject, std::vector<std::string> roles,
                                 const std::string& authority) {
  runtime::TokenClaims claims;
  claims.subject = subject;
  claims.roles = std::move(roles);
  claims.authority_id = authority;
  claims.issuer = kIssuer;
  claims.audience = kAudience;
  claims.issued_at = absl::Now();
  claims.lifetime = absl::Hours(1);
  return claims;
}

std::string Sign(const runtime::TokenClaims& claims, const std::string& secret) {
  auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, secret);
  return token.ok() ? *token : "";
}

std::string UnsecuredToken(const runtime::TokenClaims& claims) {
  nlohmann::json body = {{"sub", claims.subject},
                         {"roles", claims.roles},
                         {"iss", claims.issuer},
                         {"aud", claims.audience},
                         {"iat", absl::ToUnixSeconds(claims.issued_at)},
                         {"nbf", absl::ToUnixSeconds(claims.issued_at)},
                         {"exp", absl::ToUnixSeconds(claims.issued_at + claims.lifetime)}};
  if (!claims.authority_id.empty()) body["authority"] = claims.authority_id;
  const std::string header = R"({"alg":"none","typ":"JWT"})";
  return absl::WebSafeBase64Escape(header) + "." + absl::WebSafeBase64Escape(body.dump()) + ".";
}

std::pair<std::string, std::string> Bearer(const std::string& token) {
  return {"authorization", "Bearer " + token};
}

}  // namespace oversight::rpc_testing
