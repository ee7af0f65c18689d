#ifndef OVERSIGHT_RUNTIME_AUTH_H_
#define OVERSIGHT_RUNTIME_AUTH_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/runtime/clock.h"
#include "oversight/runtime/config.h"

namespace grpc {
class ServerContext;
}

namespace oversight::runtime {

// Who is calling, from a verified bearer token.
struct Principal {
  std::string subject;             // "sub"
  std::vector<std::string> roles;  // "roles" (array of strings; may be empty)
  std::string team_id;             // "team" (optional)
  std::string authority_id;        // "authority" (optional; the tenant the caller belongs to)

  bool HasRole(std::string_view role) const;
};

// Signing algorithms accepted. A verifier accepts exactly one; tokens signed with any other
// (including "none") are refused.
enum class JwtAlgorithm { kHS256, kRS256, kES256 };

// "HS256" / "RS256" / "ES256" -> JwtAlgorithm; INVALID_ARGUMENT otherwise.
absl::StatusOr<JwtAlgorithm> ParseJwtAlgorithm(std::string_view name);

struct AuthOptions {
  JwtAlgorithm algorithm = JwtAlgorithm::kHS256;
  // HS256: the shared secret. RS256/ES256: the PEM public key.
  std::string key;
  // Required "iss" / "aud" values; empty: not checked. "aud" may be a string or an array.
  std::string issuer;
  std::string audience;
  // Tolerance for clock skew when checking exp and nbf.
  absl::Duration leeway = absl::Seconds(30);
};

// Verifies bearer JWTs (libjwt) and turns their claims into a Principal.
//
// A token is accepted only if: it is exactly three base64url parts separated by '.' (RFC 7515
// compact serialization); its header algorithm is the configured one; the signature verifies
// with the configured key; it has "sub" and "exp" (exp and nbf are dates in years 1-9999); now
// (from the injected Clock) is before exp + leeway and not before nbf - leeway; "iss" and "aud"
// match when configured.
// Immutable after creation; thread-safe.
class Authenticator {
 public:
  // INVALID_ARGUMENT for an empty key. `clock` must outlive the authenticator.
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(AuthOptions options,
                                                               const Clock* clock);

  // From config: auth.jwt.algorithm (HS256|RS256|ES256, default HS256 with a secret, RS256
  // with a key file), auth.jwt.secret or auth.jwt.public_key_file, auth.jwt.issuer,
  // auth.jwt.audience, auth.jwt.leeway. Problems are recorded in `config` (see
  // Config::Validate); returns nullptr then, or when neither secret nor key file is set.
  static std::unique_ptr<Authenticator> FromConfig(const Config& config, const Clock* clock);

  // An authenticator for `auth.required: false` deployments (local runs, some tests): every
  // call, with or without a token, is the principal {subject: "anonymous", no roles}. Tokens
  // are not verified, so role checks in services refuse anything that needs a role.
  static std::unique_ptr<Authenticator> Anonymous();
  bool anonymous() const { return anonymous_; }

  // Verifies a compact JWT. UNAUTHENTICATED with the reason ("token expired", "wrong
  // audience", ...) on any failure.
  absl::StatusOr<Principal> Verify(std::string_view token) const;

  // Reads "authorization: Bearer <token>" from the call's metadata and verifies it.
  // UNAUTHENTICATED if missing, malformed or invalid.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context) const;

  const AuthOptions& options() const { return options_; }

 private:
  Authenticator(AuthOptions options, const Clock* clock)
      : options_(std::move(options)), clock_(clock) {}

  AuthOptions options_;
  const Clock* clock_;
  bool anonymous_ = false;
};

// What to put in a token made by MintToken.
struct TokenClaims {
  std::string subject;
  std::vector<std::string> roles;
  std::string team_id;       // omitted when empty
  std::string authority_id;  // omitted when empty
  std::string issuer;        // omitted when empty
  std::string audience;      // omitted when empty
  absl::Time issued_at;      // also used as nbf
  absl::Duration lifetime = absl::Hours(1);
};

// Signs a token (for tests, the demo and CLI tools). `key` is the HS256 secret or the PEM
// private key for RS256/ES256. INVALID_ARGUMENT for an empty subject or key, INTERNAL if
// libjwt refuses the key.
absl::StatusOr<std::string> MintToken(const TokenClaims& claims, JwtAlgorithm algorithm,
                                      std::string_view key);

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_AUTH_H_
