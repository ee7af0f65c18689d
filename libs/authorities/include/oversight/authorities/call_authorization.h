// The first check of every gRPC handler: who is calling, and may they act in this authority.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "oversight/authorities/authorities.h"
#include "oversight/runtime/auth.h"

namespace oversight::authorities {

// Authenticates the call (UNAUTHENTICATED with the reason), then checks `authority_id`: required
// and served by this deployment (INVALID_ARGUMENT naming it), and the token's own authority, when
// it names one, must be the same (PERMISSION_DENIED). Returns the caller. Thread-safe.
absl::StatusOr<runtime::Principal> AuthorizeCall(const runtime::Authenticator& authenticator,
                                                 const grpc::ServerContext& context,
                                                 const AuthorityRegistry& authorities,
                                                 const std::string& authority_id);

}  // namespace oversight::authorities
