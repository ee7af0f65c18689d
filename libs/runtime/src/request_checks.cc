#include "oversight/runtime/request_checks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace oversight::runtime {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
// google.protobuf.Duration: about +-10,000 years.
constexpr int64_t kMaxDurationSeconds = 315576000000;
constexpr int32_t kMaxNanos = 999999999;

bool IsIdField(const FieldDescriptor* field) {
  const std::string& name = field->name();
  return name == "id" || absl::EndsWith(name, "_id") || absl::EndsWith(name, "_ids");
}

absl::Status Invalid(const std::string& path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

class Checker {
 public:
  explicit Checker(const RequestLimits& limits) : limits_(limits) {}

  absl::Status Check(const Message& message, const std::string& prefix) {
    const Descriptor* type = message.GetDescriptor();
    if (type->full_name() == "google.protobuf.Timestamp") return CheckTimestamp(message, prefix);
    if (type->full_name() == "google.protobuf.Duration") return CheckDuration(message, prefix);
    const Reflection* r = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(message, &fields);
    for (const FieldDescriptor* field : fields) {
      const std::string path = prefix.empty() ? field->name() : prefix + "." + field->name();
      if (field->is_repeated()) {
        const int size = r->FieldSize(message, field);
        if (static_cast<size_t>(size) > limits_.max_repeated) {
          return Invalid(
              path, absl::StrCat("at most ", limits_.max_repeated, " elements (got ", size, ")"));
        }
        for (int i = 0; i < size; ++i) {
          if (auto s = CheckElement(message, field, i, absl::StrCat(path, "[", i, "]")); !s.ok()) {
            return s;
          }
        }
      } else if (auto s = CheckElement(message, field, -1, path); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

 private:
  // One value of `field` (element `index` of a repeated field, or the field itself for -1).
  absl::Status CheckElement(const Message& message, const FieldDescriptor* field, int index,
                            const std::string& path) {
    const Reflection* r = message.GetReflection();
    const bool repeated = index >= 0;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& value =
            repeated ? r->GetRepeatedStringReference(message, field, index, &scratch)
                     : r->GetStringReference(message, field, &scratch);
        const size_t limit = IsIdField(field) ? limits_.max_id_length : limits_.max_text_length;
        if (value.size() > limit) {
          return Invalid(path,
                         absl::StrCat("at most ", limit, " characters (got ", value.size(), ")"));
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int number = repeated ? r->GetRepeatedEnumValue(message, field, index)
                                    : r->GetEnumValue(message, field);
        if (field->enum_type()->FindValueByNumber(number) == nullptr) {
          return Invalid(
              path, absl::StrCat(number, " is not a ", field->enum_type()->full_name(), " value"));
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64: {
        if (repeated || field->name() != "page_size") return absl::OkStatus();
        const int64_t value = field->cpp_type() == FieldDescriptor::CPPTYPE_INT32
                                  ? r->GetInt32(message, field)
                                  : r->GetInt64(message, field);
        if (value < 0) return Invalid(path, "must not be negative (0 means the default)");
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Check(
            repeated ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field),
            path);
      default:
        return absl::OkStatus();
    }
  }

  static std::pair<int64_t, int32_t> SecondsNanos(const Message& message) {
    const Descriptor* d = message.GetDescriptor();
    const Reflection* r = message.GetReflection();
    return {r->GetInt64(message, d->FindFieldByName("seconds")),
            r->GetInt32(message, d->FindFieldByName("nanos"))};
  }

  static absl::Status CheckTimestamp(const Message& message, const std::string& path) {
    const auto [seconds, nanos] = SecondsNanos(message);
    if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds || nanos < 0 ||
        nanos > kMaxNanos) {
      return Invalid(path, "not a valid timestamp (years 0001 to 9999, nanos 0 to 999999999)");
    }
    return absl::OkStatus();
  }

  static absl::Status CheckDuration(const Message& message, const std::string& path) {
    const auto [seconds, nanos] = SecondsNanos(message);
    if (seconds < -kMaxDurationSeconds || seconds > kMaxDurationSeconds || nanos < -kMaxNanos ||
        nanos > kMaxNanos || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
      return Invalid(path,
                     "not a valid duration (at most 10000 years, nanos of the seconds' sign)");
    }
    return absl::OkStatus();
  }

  const RequestLimits& limits_;
};

}  // namespace

absl::Status CheckRequest(const google::protobuf::Message& request, const RequestLimits& limits) {
  return Checker(limits).Check(request, "");
}

absl::StatusOr<size_t> ParseOffsetPageToken(absl::string_view token) {
  if (token.empty()) return 0;
  uint64_t offset = 0;
  if (token.size() > 18 || !std::all_of(token.begin(), token.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(token, &offset)) {
    return absl::InvalidArgumentError(
        "page.page_token: not a token this call issued; pass the previous page's "
        "next_page_token, or nothing for the first page");
  }
  return static_cast<size_t>(offset);
}

}  // namespace oversight::runtime
