#include "oversight/runtime/auth.h"

#include <grpcpp/server_context.h>
#include <jwt.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace oversight::runtime {
namespace {

jwt_alg_t ToLibjwt(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::kHS256:
      return JWT_ALG_HS256;
    case JwtAlgorithm::kRS256:
      return JWT_ALG_RS256;
    case JwtAlgorithm::kES256:
      return JWT_ALG_ES256;
  }
  return JWT_ALG_INVAL;
}

std::string_view AlgorithmName(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::kHS256:
      return "HS256";
    case JwtAlgorithm::kRS256:
      return "RS256";
    case JwtAlgorithm::kES256:
      return "ES256";
  }
  return "?";
}

absl::Status Unauthenticated(std::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid bearer token: ", std::string(why)));
}

// Decodes base64url without verifying anything (only to read the header's alg).
std::string Base64UrlDecode(std::string_view in) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) break;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

// A NumericDate claim (RFC 7519: seconds since the epoch, possibly fractional), or nullopt when
// it is not a number or lies outside 0001-01-01..9999-12-31. Reading such a number as an integer
// would be undefined (1e300 does not fit), and no issuer means it.
std::optional<absl::Time> NumericDate(const nlohmann::json& value) {
  if (!value.is_number()) return std::nullopt;
  constexpr double kFirst = -62135596800.0;  // 0001-01-01T00:00:00Z
  constexpr double kLast = 253402300799.0;   // 9999-12-31T23:59:59Z
  const double seconds = value.get<double>();
  if (!(seconds >= kFirst && seconds <= kLast)) return std::nullopt;
  return absl::UnixEpoch() + absl::Seconds(seconds);
}

// "<header>.<claims>.<signature>", each part base64url without padding, header and claims
// non-empty (the signature is empty only for alg none, refused later with its own reason).
bool IsCompactJws(std::string_view token) {
  int dots = 0;
  size_t part_length = 0;
  for (char c : token) {
    if (c == '.') {
      if (part_length == 0 || ++dots > 2) return false;
      part_length = 0;
    } else if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      ++part_length;
    } else {
      return false;
    }
  }
  return dots == 2;
}

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

}  // namespace

bool Principal::HasRole(std::string_view role) const {
  for (const std::string& r : roles) {
    if (r == role) return true;
  }
  return false;
}

absl::StatusOr<JwtAlgorithm> ParseJwtAlgorithm(std::string_view name) {
  const std::string upper = absl::AsciiStrToUpper(std::string(name));
  if (upper == "HS256") return JwtAlgorithm::kHS256;
  if (upper == "RS256") return JwtAlgorithm::kRS256;
  if (upper == "ES256") return JwtAlgorithm::kES256;
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported JWT algorithm '", std::string(name), "' (HS256, RS256, ES256)"));
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(AuthOptions options,
                                                                     const Clock* clock) {
  if (options.key.empty()) return absl::InvalidArgumentError("auth: empty JWT key");
  if (clock == nullptr) return absl::InvalidArgumentError("auth: no clock");
  return std::unique_ptr<Authenticator>(new Authenticator(std::move(options), clock));
}

std::unique_ptr<Authenticator> Authenticator::FromConfig(const Config& config, const Clock* clock) {
  const std::string secret = config.GetString("auth.jwt.secret");
  const std::string key_file = config.GetString("auth.jwt.public_key_file");
  if (secret.empty() && key_file.empty()) return nullptr;
  AuthOptions options;
  const std::string algorithm = config.GetEnum(
      "auth.jwt.algorithm", secret.empty() ? "RS256" : "HS256", {"HS256", "RS256", "ES256"});
  options.algorithm = *ParseJwtAlgorithm(algorithm);
  options.issuer = config.GetString("auth.jwt.issuer");
  options.audience = config.GetString("auth.jwt.audience");
  options.leeway = config.GetDuration("auth.jwt.leeway", absl::Seconds(30));
  if (!secret.empty() && !key_file.empty()) {
    config.AddError("auth.jwt.secret",
                    "set either auth.jwt.secret or auth.jwt.public_key_file, not both");
    return nullptr;
  }
  if (!secret.empty()) {
    if (options.algorithm != JwtAlgorithm::kHS256) {
      config.AddError("auth.jwt.algorithm", "a shared secret needs HS256");
      return nullptr;
    }
    if (secret.size() < 32) {
      config.AddError("auth.jwt.secret", "must be at least 32 bytes for HS256");
      return nullptr;
    }
    options.key = secret;
  } else {
    if (options.algorithm == JwtAlgorithm::kHS256) {
      config.AddError("auth.jwt.algorithm", "a public key file needs RS256 or ES256");
      return nullptr;
    }
    std::ifstream in(key_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || text.str().find("-----BEGIN") == std::string::npos) {
      config.AddError("auth.jwt.public_key_file",
                      absl::StrCat("cannot read a PEM public key from ", key_file));
      return nullptr;
    }
    options.key = text.str();
  }
  auto authenticator = Create(std::move(options), clock);
  if (!authenticator.ok()) {
    config.AddError("auth.jwt", std::string(authenticator.status().message()));
    return nullptr;
  }
  return std::move(*authenticator);
}

std::unique_ptr<Authenticator> Authenticator::Anonymous() {
  std::unique_ptr<Authenticator> authenticator(new Authenticator(AuthOptions{}, nullptr));
  authenticator->anonymous_ = true;
  return authenticator;
}

absl::StatusOr<Principal> Authenticator::Verify(std::string_view token) const {
  if (anonymous_) return Principal{"anonymous", {}, "", ""};
  const std::string text(token);
  const size_t dot = text.find('.');
  if (dot == std::string::npos) return Unauthenticated("not a JWT");
  // Exactly the compact serialization (RFC 7515 7.1): libjwt skips characters outside the
  // base64url alphabet and stops at a NUL, so it would accept other spellings of a token.
  if (!IsCompactJws(text)) {
    return Unauthenticated("not three base64url parts separated by '.'");
  }
  // Check the header's algorithm before letting libjwt choose how to verify: this refuses
  // "none" and algorithm confusion (an HS256 token "signed" with our RSA public key).
  nlohmann::json header =
      nlohmann::json::parse(Base64UrlDecode(std::string_view(text).substr(0, dot)), nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("alg") ||
      !header["alg"].is_string()) {
    return Unauthenticated("malformed header");
  }
  const std::string alg = header["alg"];
  if (alg != AlgorithmName(options_.algorithm)) {
    return Unauthenticated(absl::StrCat("algorithm ", alg, " not accepted (want ",
                                        std::string(AlgorithmName(options_.algorithm)), ")"));
  }

  jwt_t* raw = nullptr;
  const int rc =
      jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(options_.key.data()),
                 static_cast<int>(options_.key.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || jwt == nullptr) return Unauthenticated("bad signature or encoding");
  if (jwt_get_alg(jwt.get()) != ToLibjwt(options_.algorithm)) {
    return Unauthenticated("algorithm mismatch");
  }

  char* grants_text = jwt_get_grants_json(jwt.get(), nullptr);
  if (grants_text == nullptr) return Unauthenticated("no claims");
  nlohmann::json claims = nlohmann::json::parse(grants_text, nullptr, false);
  std::free(grants_text);
  if (claims.is_discarded() || !claims.is_object()) return Unauthenticated("malformed claims");

  const absl::Time now = clock_->Now();
  if (!claims.contains("exp") || !claims["exp"].is_number()) return Unauthenticated("missing exp");
  const std::optional<absl::Time> exp = NumericDate(claims["exp"]);
  if (!exp.has_value()) return Unauthenticated("malformed exp (not a date from year 1 to 9999)");
  if (now >= *exp + options_.leeway) return Unauthenticated("token expired");
  if (claims.contains("nbf")) {
    const std::optional<absl::Time> nbf = NumericDate(claims["nbf"]);
    if (!nbf.has_value()) return Unauthenticated("malformed nbf");
    if (now + options_.leeway < *nbf) return Unauthenticated("token not yet valid");
  }
  if (!options_.issuer.empty()) {
    if (!claims.contains("iss") || !claims["iss"].is_string() || claims["iss"] != options_.issuer) {
      return Unauthenticated("wrong issuer");
    }
  }
  if (!options_.audience.empty()) {
    bool match = false;
    if (claims.contains("aud")) {
      const nlohmann::json& aud = claims["aud"];
      if (aud.is_string()) match = aud == options_.audience;
      if (aud.is_array()) {
        for (const auto& a : aud)
          match = match || (a.is_string() && a == options_.audience);
      }
    }
    if (!match) return Unauthenticated("wrong audience");
  }
  if (!claims.contains("sub") || !claims["sub"].is_string() ||
      claims["sub"].get<std::string>().empty()) {
    return Unauthenticated("missing sub");
  }

  Principal principal;
  principal.subject = claims["sub"];
  if (claims.contains("roles")) {
    if (!claims["roles"].is_array()) return Unauthenticated("roles must be an array");
    for (const auto& role : claims["roles"]) {
      if (!role.is_string()) return Unauthenticated("roles must be strings");
      principal.roles.push_back(role);
    }
  }
  if (claims.contains("team") && claims["team"].is_string()) principal.team_id = claims["team"];
  if (claims.contains("authority") && claims["authority"].is_string()) {
    principal.authority_id = claims["authority"];
  }
  return principal;
}

absl::StatusOr<Principal> Authenticator::Authenticate(const grpc::ServerContext& context) const {
  if (anonymous_) return Principal{"anonymous", {}, "", ""};
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError("missing authorization metadata (Bearer token)");
  }
  const std::string value(it->second.data(), it->second.size());
  constexpr std::string_view kBearer = "bearer ";
  if (value.size() <= kBearer.size() ||
      absl::AsciiStrToLower(value.substr(0, kBearer.size())) != kBearer) {
    return absl::UnauthenticatedError("authorization metadata is not 'Bearer <token>'");
  }
  return Verify(std::string_view(value).substr(kBearer.size()));
}

absl::StatusOr<std::string> MintToken(const TokenClaims& claims, JwtAlgorithm algorithm,
                                      std::string_view key) {
  if (claims.subject.empty()) return absl::InvalidArgumentError("MintToken: empty subject");
  if (key.empty()) return absl::InvalidArgumentError("MintToken: empty key");
  nlohmann::json grants;
  grants["sub"] = claims.subject;
  grants["roles"] = claims.roles;
  if (!claims.team_id.empty()) grants["team"] = claims.team_id;
  if (!claims.authority_id.empty()) grants["authority"] = claims.authority_id;
  if (!claims.issuer.empty()) grants["iss"] = claims.issuer;
  if (!claims.audience.empty()) grants["aud"] = claims.audience;
  grants["iat"] = absl::ToUnixSeconds(claims.issued_at);
  grants["nbf"] = absl::ToUnixSeconds(claims.issued_at);
  grants["exp"] = absl::ToUnixSeconds(claims.issued_at + claims.lifetime);

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("MintToken: jwt_new failed");
  JwtPtr jwt(raw);
  if (jwt_add_grants_json(jwt.get(), grants.dump().c_str()) != 0) {
    return absl::InternalError("MintToken: cannot add claims");
  }
  const std::string key_copy(key);
  if (jwt_set_alg(jwt.get(), ToLibjwt(algorithm),
                  reinterpret_cast<const unsigned char*>(key_copy.data()),
                  static_cast<int>(key_copy.size())) != 0) {
    return absl::InternalError("MintToken: libjwt refused the algorithm or key");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("MintToken: cannot sign (bad key?)");
  std::string token(encoded);
  std::free(encoded);
  return token;
}

}  // namespace oversight::runtime
