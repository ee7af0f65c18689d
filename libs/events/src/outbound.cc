#include "oversight/events/outbound.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace oversight::events {

namespace {

// SHA-256 fetched once (an implicit fetch per digest costs more than the digest of a few short
// parts) and one digest context per thread, reset for each id.
const EVP_MD* Sha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

EVP_MD_CTX* ThreadDigestContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  return ctx.get();
}

}  // namespace

std::string DeriveId(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = ThreadDigestContext();
  EVP_DigestInit_ex(ctx, Sha256(), nullptr);
  for (std::string_view part : parts) {
    // Length-prefix each part so ("ab","c") and ("a","bc") differ.
    const uint64_t size = part.size();
    EVP_DigestUpdate(ctx, &size, sizeof(size));
    EVP_DigestUpdate(ctx, part.data(), part.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  return absl::BytesToHexString(std::string(reinterpret_cast<const char*>(digest), 16));
}

common::v1::EventMeta DerivedMeta(std::string_view service, std::string_view authority_id,
                                  std::string_view subject, std::string_view cause_event_id,
                                  std::string_view discriminator, absl::Time occurred_at,
                                  absl::Time now) {
  common::v1::EventMeta meta;
  const std::string source = "oversight/" + std::string(service);
  meta.set_event_id(DeriveId({source, cause_event_id, discriminator}));
  meta.set_authority_id(std::string(authority_id));
  meta.set_subject(std::string(subject));
  ToTimestamp(occurred_at, meta.mutable_occurred_at());
  ToTimestamp(now, meta.mutable_recorded_at());
  meta.set_source(source);
  meta.set_causation_id(std::string(cause_event_id));
  return meta;
}

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

}  // namespace oversight::events
