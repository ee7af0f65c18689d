#include "oversight/authorities/call_authorization.h"

#include "oversight/runtime/request_checks.h"

namespace oversight::authorities {

absl::Status CheckCallerAuthority(const runtime::Principal& caller,
                                  const AuthorityRegistry& authorities,
                                  const std::string& authority_id) {
  if (authority_id.empty()) return absl::InvalidArgumentError("authority_id is required");
  if (authority_id.size() > 128) return absl::InvalidArgumentError("authority_id is too long");
  if (authorities.Find(authority_id) == nullptr) {
    return absl::InvalidArgumentError("authority \"" + authority_id +
                                      "\" is not served by this deployment");
  }
  if (!caller.authority_id.empty() && caller.authority_id != authority_id) {
    return absl::PermissionDeniedError("the token is for authority \"" + caller.authority_id +
                                       "\", not \"" + authority_id + "\"");
  }
  return absl::OkStatus();
}

absl::StatusOr<runtime::Principal> AuthorizeCall(const runtime::Authenticator& authenticator,
                                                 const grpc::ServerContext& context,
                                                 const AuthorityRegistry& authorities,
                                                 const std::string& authority_id) {
  auto principal = authenticator.Authenticate(context);
  if (!principal.ok()) return principal.status();
  if (auto s = CheckCallerAuthority(*principal, authorities, authority_id); !s.ok()) return s;
  return principal;
}

absl::StatusOr<runtime::Principal> AuthorizeRequest(const runtime::Authenticator& authenticator,
                                                    const grpc::ServerContext& context,
                                                    const AuthorityRegistry& authorities,
                                                    const std::string& authority_id,
                                                    const google::protobuf::Message& request) {
  auto principal = AuthorizeCall(authenticator, context, authorities, authority_id);
  if (!principal.ok()) return principal.status();
  if (auto s = runtime::CheckRequest(request); !s.ok()) return s;
  return principal;
}

}  // namespace oversight::authorities
