#include "content_hash.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace oversight::recording {
namespace {

std::string Canonical(const v1::Record& record) {
  v1::Record copy = record;
  copy.clear_content_hash();
  copy.clear_previous_hash();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return bytes;
}

std::string Sha256Hex(const std::string& a, const std::string& b) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  EVP_DigestUpdate(context, a.data(), a.size());
  EVP_DigestUpdate(context, b.data(), b.size());
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace

std::string ContentHash(const v1::Record& record, const std::string& previous_hash) {
  return Sha256Hex(Canonical(record), previous_hash);
}

void Seal(v1::Record& record, const std::string& previous_hash) {
  record.set_previous_hash(previous_hash);
  record.set_content_hash(ContentHash(record, previous_hash));
}

Verification VerifyChain(const std::vector<v1::Record>& versions) {
  if (versions.empty()) return {false, "no versions stored"};
  std::string previous;
  for (size_t i = 0; i < versions.size(); ++i) {
    const v1::Record& v = versions[i];
    const int expected = static_cast<int>(i) + 1;
    if (v.version() != expected) {
      return {false, absl::StrCat("version ", expected, " is missing or misnumbered (found ",
                                  v.version(), ")")};
    }
    if (v.previous_hash() != previous) {
      return {false, absl::StrCat("version ", expected, ": previous_hash does not match version ",
                                  expected - 1, " (a version was replaced or removed)")};
    }
    if (ContentHash(v, previous) != v.content_hash()) {
      return {false, absl::StrCat("version ", expected,
                                  ": content does not match its hash (altered in storage)")};
    }
    previous = v.content_hash();
  }
  return {true, absl::StrCat(versions.size(), " version(s), hash chain intact")};
}

}  // namespace oversight::recording
