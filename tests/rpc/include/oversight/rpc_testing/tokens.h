// Bearer tokens for the gRPC hardening tests: valid ones for a deployment that checks issuer and
// audience, and every kind of bad one a service must refuse (expired, wrong signature, wrong
// issuer or audience, "alg": "none", not a JWT at all).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "oversight/runtime/auth.h"

namespace oversight::rpc_testing {

// What the services in these tests are configured with (auth.jwt.*).
inline constexpr char kIssuer[] = "https://idp.oversight.test";
inline constexpr char kAudience[] = "oversight-api";

// The auth.jwt.* settings above, with `secret`, as OVERSIGHT_* variables.
std::vector<std::pair<std::string, std::string>> AuthEnv(const std::string& secret);

// Claims valid now for kIssuer/kAudience.
runtime::TokenClaims ValidClaims(const std::string& subject, std::vector<std::string> roles = {},
                                 const std::string& authority = "");

// An HS256 token for `claims` signed with `secret` ("" if minting failed).
std::string Sign(const runtime::TokenClaims& claims, const std::string& secret);

// The same claims with header {"alg":"none","typ":"JWT"} and an empty signature (RFC 7519
// "unsecured JWT"), which must never be accepted.
std::string UnsecuredToken(const runtime::TokenClaims& claims);

// {"authorization", "Bearer <token>"}.
std::pair<std::string, std::string> Bearer(const std::string& token);

}  // namespace oversight::rpc_testing
