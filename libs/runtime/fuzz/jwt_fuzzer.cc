// libFuzzer target: bearer-token verification (Authenticator::Verify) as configured for HS256
// (a shared secret, with issuer and audience), RS256 and ES256 (public keys in fuzz/keys/,
// written with the seed tokens by make_corpus.py). The clock stands at 2024-01-01T00:30:00Z, when
// the seed tokens are valid.
//
// Input, either:
// - a compact JWT "<header>.<claims>.<signature>" (anything not starting with '{'), verified by
//   all three authenticators; or
// - "<header JSON>\n<claims JSON>": the target signs it with the HS256 secret itself (what a
//   trusted but careless issuer could send) and verifies that with the HS256 authenticator.
//
// Contract checked on every input:
// - a refused token is UNAUTHENTICATED with a reason;
// - an accepted token is exactly three base64url parts; its header's alg is the configured one
//   (never "none"); its signature verifies, by OpenSSL directly, over the first two parts with
//   the configured key; the principal is what the signed claims say (sub, roles, team,
//   authority); exp is present and not passed; iss and aud match when configured.
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/clock.h"
#include "oversight/testing/fuzz_check.h"

namespace {

using oversight::runtime::Authenticator;
using oversight::runtime::JwtAlgorithm;
using oversight::runtime::Principal;

// Shared with make_corpus.py, which signs the HS256 seeds with it.
constexpr std::string_view kSecret = "fuzz-only-hs256-secret-0123456789abcdef";
constexpr std::string_view kIssuer = "https://idp.example";
constexpr std::string_view kAudience = "oversight";

// Debian's Abseil has its own string_view; the runtime's API takes std::string_view.
absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

std::string ReadKey(const char* name) {
  const std::string path = absl::StrCat(OVERSIGHT_JWT_FUZZ_KEYS_DIR, "/", name);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  OVERSIGHT_FUZZ_CHECK(in.good() || in.eof(), absl::StrCat("cannot read ", path));
  return text.str();
}

struct Verifier {
  JwtAlgorithm algorithm;
  std::string name;
  std::string key;  // secret or public PEM
  std::unique_ptr<Authenticator> authenticator;
};

const oversight::runtime::ManualClock& Clock() {
  static const auto* const clock = new oversight::runtime::ManualClock(
      absl::FromCivil(absl::CivilSecond(2024, 1, 1, 0, 30, 0), absl::UTCTimeZone()));
  return *clock;
}

std::vector<Verifier>& Verifiers() {
  static auto* const verifiers = [] {
    auto* out = new std::vector<Verifier>;
    auto add = [&](JwtAlgorithm algorithm, std::string name, std::string key, bool claims) {
      oversight::runtime::AuthOptions options;
      options.algorithm = algorithm;
      options.key = key;
      if (claims) {
        options.issuer = std::string(kIssuer);
        options.audience = std::string(kAudience);
      }
      auto authenticator = Authenticator::Create(options, &Clock());
      OVERSIGHT_FUZZ_CHECK(authenticator.ok(), authenticator.status().ToString());
      out->push_back({algorithm, std::move(name), std::move(key), *std::move(authenticator)});
    };
    add(JwtAlgorithm::kHS256, "HS256", std::string(kSecret), true);
    add(JwtAlgorithm::kRS256, "RS256", ReadKey("rs256_public.pem"), false);
    add(JwtAlgorithm::kES256, "ES256", ReadKey("es256_public.pem"), false);
    return out;
  }();
  return *verifiers;
}

bool IsBase64Url(absl::string_view part) {
  for (char c : part) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

// Verifies `signature` over `data` with the PEM public key, by OpenSSL alone (no libjwt).
bool PublicKeyVerifies(JwtAlgorithm algorithm, const std::string& pem, std::string_view data,
                       std::string signature) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (key == nullptr) return false;
  if (algorithm == JwtAlgorithm::kES256) {
    // JWS carries r || s (32 bytes each); OpenSSL verifies DER.
    if (signature.size() != 64) return false;
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr);
    BIGNUM* s =
        BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr);
    ECDSA_SIG_set0(sig.get(), r, s);
    unsigned char* der = nullptr;
    const int der_length = i2d_ECDSA_SIG(sig.get(), &der);
    if (der_length <= 0) return false;
    signature.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(der_length));
    OPENSSL_free(der);
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

std::string StringClaim(const nlohmann::json& claims, const char* name) {
  return claims.contains(name) && claims[name].is_string() ? claims[name].get<std::string>() : "";
}

// The oracle for an accepted token, independent of libjwt.
void CheckAccepted(const Verifier& verifier, std::string_view token, const Principal& principal) {
  const std::vector<absl::string_view> parts = absl::StrSplit(Absl(token), '.');
  OVERSIGHT_FUZZ_CHECK(parts.size() == 3 && !parts[0].empty() && !parts[1].empty() &&
                           IsBase64Url(parts[0]) && IsBase64Url(parts[1]) && IsBase64Url(parts[2]),
                       absl::StrCat(verifier.name,
                                    " accepted a token that is not three base64url "
                                    "parts: '",
                                    absl::CHexEscape(Absl(token)), "'"));
  std::string header_text, claims_text, signature;
  OVERSIGHT_FUZZ_CHECK(absl::WebSafeBase64Unescape(parts[0], &header_text) &&
                           absl::WebSafeBase64Unescape(parts[1], &claims_text) &&
                           absl::WebSafeBase64Unescape(parts[2], &signature),
                       "accepted a token whose parts do not decode");
  const nlohmann::json header = nlohmann::json::parse(header_text, nullptr, false);
  OVERSIGHT_FUZZ_CHECK(header.is_object() && header.contains("alg") && header["alg"].is_string() &&
                           header["alg"] == verifier.name,
                       absl::StrCat(verifier.name, " accepted header ", header_text));

  const std::string signing_input = absl::StrCat(parts[0], ".", parts[1]);
  const bool signed_ok =
      verifier.algorithm == JwtAlgorithm::kHS256
          ? HmacSha256(verifier.key, signing_input) == signature
          : PublicKeyVerifies(verifier.algorithm, verifier.key, signing_input, signature);
  OVERSIGHT_FUZZ_CHECK(signed_ok, absl::StrCat(verifier.name, " accepted a bad signature: '",
                                               absl::CHexEscape(Absl(token)), "'"));

  const nlohmann::json claims = nlohmann::json::parse(claims_text, nullptr, false);
  OVERSIGHT_FUZZ_CHECK(claims.is_object(), "accepted claims that are not a JSON object");
  OVERSIGHT_FUZZ_CHECK(
      !principal.subject.empty() && principal.subject == StringClaim(claims, "sub"),
      absl::StrCat("subject '", principal.subject, "' but claims ", claims_text));
  std::vector<std::string> roles;
  if (claims.contains("roles")) {
    for (const auto& role : claims["roles"])
      roles.push_back(role.get<std::string>());
  }
  OVERSIGHT_FUZZ_CHECK(principal.roles == roles, absl::StrCat("roles differ from ", claims_text));
  OVERSIGHT_FUZZ_CHECK(principal.team_id == StringClaim(claims, "team") &&
                           principal.authority_id == StringClaim(claims, "authority"),
                       absl::StrCat("team or authority differ from ", claims_text));
  OVERSIGHT_FUZZ_CHECK(claims.contains("exp") && claims["exp"].is_number(), "accepted without exp");
  const double exp = claims["exp"].get<double>();
  const double now = absl::ToDoubleSeconds(Clock().Now() - absl::UnixEpoch());
  OVERSIGHT_FUZZ_CHECK(now < exp + 30, absl::StrCat("accepted an expired token: exp ", exp));
  if (claims.contains("nbf")) {
    OVERSIGHT_FUZZ_CHECK(claims["nbf"].is_number() && claims["nbf"].get<double>() <= now + 30,
                         absl::StrCat("accepted before nbf: ", claims_text));
  }
  if (verifier.algorithm == JwtAlgorithm::kHS256) {
    OVERSIGHT_FUZZ_CHECK(StringClaim(claims, "iss") == kIssuer, "accepted a wrong issuer");
    const nlohmann::json& aud = claims.contains("aud") ? claims["aud"] : nlohmann::json();
    bool audience = aud.is_string() && aud.get<std::string>() == kAudience;
    for (const auto& a : aud.is_array() ? aud : nlohmann::json::array()) {
      audience = audience || (a.is_string() && a.get<std::string>() == kAudience);
    }
    OVERSIGHT_FUZZ_CHECK(audience, absl::StrCat("accepted audience ", aud.dump()));
  }
}

void Check(const Verifier& verifier, std::string_view token) {
  const absl::StatusOr<Principal> principal = verifier.authenticator->Verify(token);
  // OVERSIGHT_FUZZ_VERBOSE=1 (when replaying inputs): what each verifier decided.
  static const bool verbose = std::getenv("OVERSIGHT_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%s: %s\n", verifier.name.c_str(),
                 principal.ok() ? ("accepted " + principal->subject).c_str()
                                : principal.status().ToString().c_str());
  }
  if (!principal.ok()) {
    OVERSIGHT_FUZZ_CHECK(principal.status().code() == absl::StatusCode::kUnauthenticated,
                         principal.status().ToString());
    OVERSIGHT_FUZZ_CHECK(!principal.status().message().empty(), "refused without a reason");
    return;
  }
  CheckAccepted(verifier, token, *principal);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<Verifier>& verifiers = Verifiers();
  if (!input.starts_with('{')) {
    for (const Verifier& verifier : verifiers)
      Check(verifier, input);
    return 0;
  }
  // Header and claims signed here with the HS256 secret.
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string signing_input =
      absl::StrCat(absl::WebSafeBase64Escape(Absl(input.substr(0, newline))), ".",
                   absl::WebSafeBase64Escape(Absl(input.substr(newline + 1))));
  const std::string token = absl::StrCat(
      signing_input, ".", absl::WebSafeBase64Escape(HmacSha256(kSecret, signing_input)));
  Check(verifiers.front(), token);
  return 0;
}
