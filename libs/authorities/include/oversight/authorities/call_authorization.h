// The first check of every gRPC handler: who is calling, and may they act in this authority.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "oversight/authorities/authorities.h"
#include "oversight/runtime/auth.h"

namespace oversight::authorities {

// Authenticates the call (UNAUTHENTICATED with the reason), then checks `authority_id`
// (CheckCallerAuthority). Returns the caller. Thread-safe.
absl::StatusOr<runtime::Principal> AuthorizeCall(const runtime::Authenticator& authenticator,
                                                 const grpc::ServerContext& context,
                                                 const AuthorityRegistry& authorities,
                                                 const std::string& authority_id);

// AuthorizeCall, then runtime::CheckRequest(request) (ids, text and repeated sizes, enum values,
// timestamp ranges ...: INVALID_ARGUMENT naming the field), in that order, so a caller without a
// valid token or for another authority learns nothing about the request. What each handler calls
// first. Thread-safe.
absl::StatusOr<runtime::Principal> AuthorizeRequest(const runtime::Authenticator& authenticator,
                                                    const grpc::ServerContext& context,
                                                    const AuthorityRegistry& authorities,
                                                    const std::string& authority_id,
                                                    const google::protobuf::Message& request);

// For a caller already authenticated: `authority_id` is required and served by this deployment
// (INVALID_ARGUMENT naming it), and the token's own authority, when it names one, must be the
// same (PERMISSION_DENIED naming both). Pure; thread-safe.
absl::Status CheckCallerAuthority(const runtime::Principal& caller,
                                  const AuthorityRegistry& authorities,
                                  const std::string& authority_id);

}  // namespace oversight::authorities
