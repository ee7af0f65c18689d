#include "oversight/runtime/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oversight::runtime {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);
const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

KeyPair Generate(bool ec) {
  EVP_PKEY* key = ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
  EXPECT_NE(key, nullptr);
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub, key);
  auto read = [](BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(n));
  };
  KeyPair pair{read(priv), read(pub)};
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(key);
  return pair;
}

// A token signed with HS256 over arbitrary claims (to test what MintToken would never make).
std::string SignHs256(const std::string& payload_json) {
  const std::string signing_input = absl::WebSafeBase64Escape(R"({"alg":"HS256","typ":"JWT"})") +
                                    "." + absl::WebSafeBase64Escape(payload_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &length);
  return signing_input + "." +
         absl::WebSafeBase64Escape(std::string(reinterpret_cast<char*>(mac), length));
}

TokenClaims Claims() {
  TokenClaims claims;
  claims.subject = "worker-17";
  claims.roles = {"practitioner", "team_manager"};
  claims.team_id = "team-3";
  claims.authority_id = "la-801";
  claims.issuer = "oversight-idp";
  claims.audience = "oversight";
  claims.issued_at = kNow - absl::Minutes(5);
  claims.lifetime = absl::Hours(1);
  return claims;
}

class AuthTest : public ::testing::Test {
 protected:
  std::unique_ptr<Authenticator> Hs256() {
    AuthOptions options;
    options.key = kSecret;
    options.issuer = "oversight-idp";
    options.audience = "oversight";
    auto authenticator = Authenticator::Create(options, &clock_);
    EXPECT_TRUE(authenticator.ok());
    return std::move(*authenticator);
  }

  void ExpectRejected(const Authenticator& authenticator, const std::string& token,
                      const std::string& reason) {
    auto principal = authenticator.Verify(token);
    ASSERT_FALSE(principal.ok()) << "accepted: " << reason;
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(principal.status().message(), HasSubstr(reason));
  }

  ManualClock clock_{kNow};
};

TEST_F(AuthTest, ValidTokenGivesThePrincipal) {
  auto token = MintToken(Claims(), JwtAlgorithm::kHS256, kSecret);
  ASSERT_TRUE(token.ok()) << token.status();
  auto principal = Hs256()->Verify(*token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "worker-17");
  EXPECT_EQ(principal->roles, (std::vector<std::string>{"practitioner", "team_manager"}));
  EXPECT_TRUE(principal->HasRole("team_manager"));
  EXPECT_FALSE(principal->HasRole("admin"));
  EXPECT_EQ(principal->team_id, "team-3");
  EXPECT_EQ(principal->authority_id, "la-801");
}

TEST_F(AuthTest, ExpiryAndNotBeforeFollowTheInjectedClock) {
  auto token = MintToken(Claims(), JwtAlgorithm::kHS256, kSecret);
  ASSERT_TRUE(token.ok());
  auto authenticator = Hs256();
  clock_.Set(kNow + absl::Hours(1));  // 65 min after issue: past exp + 30s leeway
  ExpectRejected(*authenticator, *token, "token expired");
  clock_.Set(kNow - absl::Minutes(10));  // before nbf - leeway
  ExpectRejected(*authenticator, *token, "token not yet valid");
  clock_.Set(kNow);
  EXPECT_TRUE(authenticator->Verify(*token).ok());
}

TEST_F(AuthTest, WrongSignatureIssuerAudienceAreRefused) {
  auto authenticator = Hs256();
  ExpectRejected(*authenticator,
                 *MintToken(Claims(), JwtAlgorithm::kHS256, "another-secret-another-secret-xx"),
                 "bad signature");
  TokenClaims claims = Claims();
  claims.audience = "someone-else";
  ExpectRejected(*authenticator, *MintToken(claims, JwtAlgorithm::kHS256, kSecret),
                 "wrong audience");
  claims = Claims();
  claims.issuer = "evil-idp";
  ExpectRejected(*authenticator, *MintToken(claims, JwtAlgorithm::kHS256, kSecret), "wrong issuer");
  claims = Claims();
  claims.audience.clear();
  ExpectRejected(*authenticator, *MintToken(claims, JwtAlgorithm::kHS256, kSecret),
                 "wrong audience");

  // A tampered payload breaks the signature.
  std::string token = *MintToken(Claims(), JwtAlgorithm::kHS256, kSecret);
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token.substr(first + 1, second - first - 1), &payload));
  size_t at = payload.find("worker-17");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 9, "worker-99");
  std::string forged =
      token.substr(0, first + 1) + absl::WebSafeBase64Escape(payload) + token.substr(second);
  ExpectRejected(*authenticator, forged, "bad signature");
}

TEST_F(AuthTest, AlgNoneIsRefused) {
  const std::string header = absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})");
  const std::string payload = absl::WebSafeBase64Escape(absl::StrCat(
      R"({"sub":"admin","roles":["admin"],"iss":"oversight-idp","aud":"oversight","exp":)",
      absl::ToUnixSeconds(kNow + absl::Hours(1)), "}"));
  ExpectRejected(*Hs256(), header + "." + payload + ".", "algorithm none not accepted");
}

// Found by the JWT fuzzer (libs/runtime/fuzz): exp 1e300 was read as an int64_t (undefined
// behaviour; UBSan stopped it). Dates outside years 1-9999 are malformed; fractions are fine.
TEST_F(AuthTest, NumericDatesOutOfRangeAreMalformed) {
  auto authenticator = Hs256();
  const std::string iss_aud = R"("iss":"oversight-idp","aud":"oversight")";
  auto token = [&](const std::string& dates) {
    return SignHs256("{\"sub\":\"w\"," + iss_aud + "," + dates + "}");
  };
  for (const char* exp : {"1e300", "-1e300", "253402300800", "9223372036854775807"}) {
    ExpectRejected(*authenticator, token(absl::StrCat("\"exp\":", exp)), "malformed exp");
  }
  // Beyond int64: libjwt's JSON parser refuses the claims before we see them.
  EXPECT_FALSE(authenticator->Verify(token("\"exp\":18446744073709551615")).ok());
  const std::string exp = absl::StrCat("\"exp\":", absl::ToUnixSeconds(kNow), ".5");
  EXPECT_TRUE(authenticator->Verify(token(exp)).ok());
  ExpectRejected(*authenticator, token(exp + ",\"nbf\":-1e20"), "malformed nbf");
  ExpectRejected(*authenticator, token(exp + ",\"nbf\":\"soon\""), "malformed nbf");
  clock_.Set(kNow + absl::Seconds(30));  // before exp + 30 s leeway, thanks to the half second
  EXPECT_TRUE(authenticator->Verify(token(exp)).ok());
  clock_.Set(kNow + absl::Seconds(31));
  ExpectRejected(*authenticator, token(exp), "token expired");
}

// Found by the JWT fuzzer: libjwt's base64 decoder skips characters outside the alphabet, so a
// valid token with a '!' inserted into its signature was accepted too.
TEST_F(AuthTest, OnlyTheCompactSerializationIsAccepted) {
  auto authenticator = Hs256();
  const std::string token = *MintToken(Claims(), JwtAlgorithm::kHS256, kSecret);
  ASSERT_TRUE(authenticator->Verify(token).ok());
  const size_t signature = token.rfind('.') + 1;
  for (const std::string& respelled :
       {token.substr(0, signature + 3) + "!" + token.substr(signature + 3), token + "=",
        token + " ", token + std::string(1, '\0') + "junk", " " + token,
        token.substr(0, signature) + "." + token.substr(signature), "." + token}) {
    ExpectRejected(*authenticator, respelled, "not three base64url parts");
  }
}

TEST_F(AuthTest, MissingClaimsAreRefused) {
  auto authenticator = Hs256();
  TokenClaims claims = Claims();
  claims.subject = "";
  EXPECT_EQ(MintToken(claims, JwtAlgorithm::kHS256, kSecret).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string exp = absl::StrCat(absl::ToUnixSeconds(kNow + absl::Hours(1)));
  const std::string iss_aud = R"("iss":"oversight-idp","aud":"oversight")";
  // The hand-signed token is accepted when complete, so the rejections below are about claims.
  EXPECT_TRUE(
      authenticator->Verify(SignHs256("{\"sub\":\"w\"," + iss_aud + ",\"exp\":" + exp + "}")).ok());
  ExpectRejected(*authenticator, SignHs256("{" + iss_aud + ",\"exp\":" + exp + "}"), "missing sub");
  ExpectRejected(*authenticator, SignHs256("{\"sub\":\"w\"," + iss_aud + "}"), "missing exp");
  ExpectRejected(
      *authenticator,
      SignHs256("{\"sub\":\"w\",\"roles\":\"admin\"," + iss_aud + ",\"exp\":" + exp + "}"),
      "roles must be an array");
  ExpectRejected(*authenticator, "not-a-token", "not a JWT");
  ExpectRejected(*authenticator, "e30.e30.", "malformed header");
}

TEST_F(AuthTest, Rs256AndEs256WithPublicKeys) {
  for (bool ec : {false, true}) {
    const KeyPair keys = Generate(ec);
    const JwtAlgorithm algorithm = ec ? JwtAlgorithm::kES256 : JwtAlgorithm::kRS256;
    AuthOptions options;
    options.algorithm = algorithm;
    options.key = keys.public_pem;
    auto authenticator = Authenticator::Create(options, &clock_);
    ASSERT_TRUE(authenticator.ok());
    auto token = MintToken(Claims(), algorithm, keys.private_pem);
    ASSERT_TRUE(token.ok()) << token.status();
    auto principal = (*authenticator)->Verify(*token);
    ASSERT_TRUE(principal.ok()) << principal.status();
    EXPECT_EQ(principal->subject, "worker-17");

    // Algorithm confusion: an HS256 token keyed with the public key text is refused.
    auto confused = MintToken(Claims(), JwtAlgorithm::kHS256, keys.public_pem);
    ASSERT_TRUE(confused.ok());
    ExpectRejected(**authenticator, *confused, "algorithm HS256 not accepted");

    // Signed by another key pair.
    const KeyPair other = Generate(ec);
    ExpectRejected(**authenticator, *MintToken(Claims(), algorithm, other.private_pem),
                   "bad signature");
  }
}

TEST_F(AuthTest, FromConfigReportsProblems) {
  Config short_secret = Config::FromYaml("auth:\n  jwt:\n    secret: short\n");
  EXPECT_EQ(Authenticator::FromConfig(short_secret, &clock_), nullptr);
  EXPECT_THAT(short_secret.Validate().message(), HasSubstr("'auth.jwt.secret'"));

  Config missing_file = Config::FromYaml("auth:\n  jwt:\n    public_key_file: /nonexistent.pem\n");
  EXPECT_EQ(Authenticator::FromConfig(missing_file, &clock_), nullptr);
  EXPECT_THAT(missing_file.Validate().message(), HasSubstr("cannot read a PEM public key"));

  Config good = Config::FromYaml("auth:\n  jwt:\n    issuer: oversight-idp\n",
                                 {{"OVERSIGHT_AUTH_JWT_SECRET", kSecret}});
  auto authenticator = Authenticator::FromConfig(good, &clock_);
  ASSERT_NE(authenticator, nullptr);
  EXPECT_TRUE(good.Validate().ok()) << good.Validate();
  EXPECT_TRUE(authenticator->Verify(*MintToken(Claims(), JwtAlgorithm::kHS256, kSecret)).ok());

  Config none = Config::FromYaml("");
  EXPECT_EQ(Authenticator::FromConfig(none, &clock_), nullptr);
  EXPECT_TRUE(none.Validate().ok());
}

}  // namespace
}  // namespace oversight::runtime
