#include "oversight/redis/reply.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace oversight::redis {

Reply Reply::Integer(int64_t value) {
  Reply r;
  r.type_ = Type::kInteger;
  r.integer_ = value;
  return r;
}

Reply Reply::String(std::string value) {
  Reply r;
  r.type_ = Type::kString;
  r.str_ = std::move(value);
  return r;
}

Reply Reply::Status(std::string value) {
  Reply r;
  r.type_ = Type::kStatus;
  r.str_ = std::move(value);
  return r;
}

Reply Reply::Error(std::string message) {
  Reply r;
  r.type_ = Type::kError;
  r.str_ = std::move(message);
  return r;
}

Reply Reply::Array(std::vector<Reply> elements) {
  Reply r;
  r.type_ = Type::kArray;
  r.elements_ = std::move(elements);
  return r;
}

absl::Status Reply::ToStatus() const {
  if (type_ != Type::kError) return absl::OkStatus();
  static const std::pair<const char*, absl::StatusCode> kCodes[] = {
      {"INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument},
      {"FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition},
      {"NOT_FOUND", absl::StatusCode::kNotFound},
      {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
      {"ABORTED", absl::StatusCode::kAborted},
      {"OUT_OF_RANGE", absl::StatusCode::kOutOfRange},
      {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
      {"UNAVAILABLE", absl::StatusCode::kUnavailable},
      {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
  };
  for (const auto& [name, code] : kCodes) {
    const std::string prefix = std::string(name) + " ";
    if (str_.rfind(prefix, 0) == 0) return absl::Status(code, str_.substr(prefix.size()));
  }
  // Redis's own errors that pass: a server still loading its AOF or RDB after a restart, a
  // script running too long, a replica without its master. Worth a retry, not a dead letter.
  for (const char* transient : {"LOADING ", "BUSY ", "TRYAGAIN ", "MASTERDOWN "}) {
    if (str_.rfind(transient, 0) == 0) return absl::UnavailableError(absl::StrCat("redis: ", str_));
  }
  return absl::InternalError(absl::StrCat("redis: ", str_));
}

std::string Reply::DebugString() const {
  switch (type_) {
    case Type::kNil:
      return "(nil)";
    case Type::kInteger:
      return absl::StrCat(integer_);
    case Type::kString:
      return absl::StrCat("\"", str_, "\"");
    case Type::kStatus:
      return str_;
    case Type::kError:
      return absl::StrCat("(error) ", str_);
    case Type::kArray:
      return absl::StrCat(
          "[",
          absl::StrJoin(elements_, ", ",
                        [](std::string* out, const Reply& r) { out->append(r.DebugString()); }),
          "]");
  }
  return "?";
}

}  // namespace oversight::redis
