#include "oversight/authorities/call_authorization.h"

namespace oversight::authorities {

absl::StatusOr<runtime::Principal> AuthorizeCall(const runtime::Authenticator& authenticator,
                                                 const grpc::ServerContext& context,
                                                 const AuthorityRegistry& authorities,
                                                 const std::string& authority_id) {
  auto principal = authenticator.Authenticate(context);
  if (!principal.ok()) return principal.status();
  if (authority_id.empty()) return absl::InvalidArgumentError("authority_id is required");
  if (authority_id.size() > 128) return absl::InvalidArgumentError("authority_id is too long");
  if (authorities.Find(authority_id) == nullptr) {
    return absl::InvalidArgumentError("authority \"" + authority_id +
                                      "\" is not served by this deployment");
  }
  if (!principal->authority_id.empty() && principal->authority_id != authority_id) {
    return absl::PermissionDeniedError("the token is for authority \"" + principal->authority_id +
                                       "\", not \"" + authority_id + "\"");
  }
  return principal;
}

}  // namespace oversight::authorities
