#include "oversight/redis/script.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"

namespace oversight::redis {
namespace {

std::string Sha1Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace

Script::Script(std::string source) : source_(std::move(source)), sha_(Sha1Hex(source_)) {}

absl::Status Script::Load(Connection& connection) const {
  absl::StatusOr<Reply> reply =
      CommandOrError(connection, {"SCRIPT", "LOAD", source_}, Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  if (reply->str() != sha_) {
    return absl::InternalError(
        absl::StrCat("redis SCRIPT LOAD returned sha ", reply->str(), ", expected ", sha_));
  }
  return absl::OkStatus();
}

absl::StatusOr<Reply> Script::Eval(Connection& connection, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args,
                                   Idempotency idempotency) const {
  std::vector<std::string> command;
  command.reserve(3 + keys.size() + args.size());
  command.push_back("EVALSHA");
  command.push_back(sha_);
  command.push_back(absl::StrCat(keys.size()));
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());

  absl::StatusOr<Reply> reply = connection.Command(command, idempotency);
  if (!reply.ok()) return reply.status();
  if (reply->is_error() && reply->str().rfind("NOSCRIPT", 0) == 0) {
    // Not run: safe to load and send again whatever the idempotency.
    absl::Status loaded = Load(connection);
    if (!loaded.ok()) return loaded;
    reply = connection.Command(command, idempotency);
    if (!reply.ok()) return reply.status();
  }
  absl::Status status = reply->ToStatus();
  if (!status.ok()) return status;
  return reply;
}

}  // namespace oversight::redis
