// libFuzzer target: decoding record values (DecodePayload) as protobuf and as proto3 JSON, for
// any message type. Input:
//
//   <full message name, e.g. oversight.cases.v1.ChildEnteredCare>\n
//   <content-type header value, e.g. application/json>\n
//   <payload: every remaining byte>
//
// Contract checked on every input:
// - an unknown type is NOT_FOUND, undecodable bytes INVALID_ARGUMENT, both with a message;
// - a decoded message has the type asked for, re-encodes in the content type it came in and
//   decodes back to the same message; JSON re-encodes as protobuf and back unchanged;
// - a message decoded from protobuf either encodes as JSON (and that JSON decodes back to it,
//   unknown fields aside) or is refused with INTERNAL and a message, never a crash.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/message_differencer.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/testing/fuzz_check.h"

namespace {

using google::protobuf::Message;
using oversight::kafka::ContentType;

std::string_view NextLine(std::string_view& text) {
  const size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  return line;
}

// Field-by-field equality; NaN equals NaN (a double field such as WorkerJoined.fte may hold one,
// and both encodings carry it).
bool Same(const Message& a, const Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

// Encodes `message` as `content_type` and decodes the result; the copy must equal `expected`.
void CheckRoundTrip(const Message& message, ContentType content_type, const Message& expected) {
  const std::string name = message.GetDescriptor()->full_name();
  const auto encoded = oversight::kafka::EncodePayload(message, content_type);
  OVERSIGHT_FUZZ_CHECK(encoded.ok(), absl::StrCat("decoded ", name, " does not re-encode as ",
                                                  std::string(ContentTypeName(content_type)), ": ",
                                                  encoded.status().ToString()));
  const auto decoded = oversight::kafka::DecodePayload(name, content_type, *encoded);
  OVERSIGHT_FUZZ_CHECK(decoded.ok(), absl::StrCat("re-encoded ", name, " does not decode from ",
                                                  std::string(ContentTypeName(content_type)), ": ",
                                                  decoded.status().ToString()));
  OVERSIGHT_FUZZ_CHECK(Same(**decoded, expected),
                       absl::StrCat(name, " changed in a ",
                                    std::string(ContentTypeName(content_type)), " round trip:\n",
                                    expected.DebugString(), "became\n", (*decoded)->DebugString()));
}

}  // namespace

// Protobuf logs every invalid UTF-8 string it refuses; that is expected here and slows fuzzing.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string type(NextLine(input));
  const auto content_type = oversight::kafka::ParseContentType(NextLine(input));
  if (!content_type.ok()) return 0;  // the header fuzzer covers bad content types
  const std::string_view payload = input;

  const auto decoded = oversight::kafka::DecodePayload(type, *content_type, payload);
  if (!decoded.ok()) {
    const bool known = oversight::kafka::FindEventDescriptor(type) != nullptr;
    OVERSIGHT_FUZZ_CHECK(decoded.status().code() == (known ? absl::StatusCode::kInvalidArgument
                                                           : absl::StatusCode::kNotFound),
                         decoded.status().ToString());
    OVERSIGHT_FUZZ_CHECK(!decoded.status().message().empty(), "empty error message");
    return 0;
  }
  const Message& message = **decoded;
  OVERSIGHT_FUZZ_CHECK(message.GetDescriptor()->full_name() == type,
                       absl::StrCat("asked for ", type, ", got ", message.GetTypeName()));

  CheckRoundTrip(message, *content_type, message);
  if (*content_type == ContentType::kJson) {
    CheckRoundTrip(message, ContentType::kProtobuf, message);
    return 0;
  }
  const auto json = oversight::kafka::EncodePayload(message, ContentType::kJson);
  if (!json.ok()) {
    OVERSIGHT_FUZZ_CHECK(
        json.status().code() == absl::StatusCode::kInternal && !json.status().message().empty(),
        json.status().ToString());
    return 0;
  }
  std::unique_ptr<Message> known_fields(message.New());
  known_fields->CopyFrom(message);
  known_fields->DiscardUnknownFields();
  CheckRoundTrip(message, ContentType::kJson, *known_fields);
  return 0;
}
