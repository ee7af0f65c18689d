// libFuzzer target: CheckInbound, what every service runs on a consumed record before anything
// else. Input: a record as text (oversight/kafka/testing/record_text.h): key line, CloudEvents
// header lines, a blank line, the value (protobuf or JSON payload).
//
// The record is checked as the services check theirs: against the type prefix "oversight."
// (scheduling, notifications) and "oversight.cases.v1." (oversight-triggers), serving only the
// authority "devon". Contract checked on every input:
// - a rejection has one of the documented reasons and a detail a person can act on;
// - an accepted event is of a known type under the prefix, the message is of that type and
//   meta points into it; meta.event_id equals ce_id; authority (served), occurred_at and
//   subject are set; the event re-encodes as protobuf and as JSON and decodes back unchanged
//   (services republish derived events and dead-letter records in either encoding).
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/message_differencer.h"
#include "oversight/events/inbound.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/kafka/testing/record_text.h"
#include "oversight/testing/fuzz_check.h"

namespace {

using google::protobuf::Message;
using oversight::events::InboundEvent;
using oversight::events::Rejection;
using oversight::kafka::ContentType;

bool Served(std::string_view authority) {
  return authority == "devon";
}

bool Same(const Message& a, const Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

void CheckRejection(const Rejection& rejection) {
  using namespace oversight::events;
  const std::string_view reason = rejection.reason;
  OVERSIGHT_FUZZ_CHECK(reason == kReasonBadHeaders || reason == kReasonUnknownType ||
                           reason == kReasonUndecodable || reason == kReasonMissingField ||
                           reason == kReasonUnknownAuthority || reason == kReasonContractViolation,
                       absl::StrCat("undocumented reason '", rejection.reason, "'"));
  OVERSIGHT_FUZZ_CHECK(!rejection.detail.empty(), absl::StrCat("no detail for ", rejection.reason));
}

void CheckAccepted(const oversight::kafka::ConsumedMessage& record, std::string_view prefix,
                   const InboundEvent& event) {
  const Message& message = *event.message;
  const std::string& type = event.cloud_event.type;
  OVERSIGHT_FUZZ_CHECK(std::string_view(type).starts_with(prefix),
                       absl::StrCat(type, " accepted under prefix ", std::string(prefix)));
  OVERSIGHT_FUZZ_CHECK(message.GetDescriptor()->full_name() == type && event.type == type,
                       absl::StrCat("ce_type ", type, " but message ", message.GetTypeName()));
  const auto* meta_field = message.GetDescriptor()->FindFieldByName("meta");
  OVERSIGHT_FUZZ_CHECK(meta_field != nullptr &&
                           event.meta == &message.GetReflection()->GetMessage(message, meta_field),
                       "meta does not point into the message");
  const auto& meta = *event.meta;
  OVERSIGHT_FUZZ_CHECK(
      !meta.event_id().empty() && meta.event_id() == event.cloud_event.id,
      absl::StrCat("event_id '", meta.event_id(), "' vs ce_id '", event.cloud_event.id, "'"));
  OVERSIGHT_FUZZ_CHECK(Served(meta.authority_id()),
                       absl::StrCat("authority ", meta.authority_id()));
  OVERSIGHT_FUZZ_CHECK(meta.has_occurred_at(), "no occurred_at");
  OVERSIGHT_FUZZ_CHECK(!meta.subject().empty(), "no subject");
  // The subject comes from the payload, else ce_subject, else the record key.
  const auto original =
      oversight::kafka::DecodePayload(type, event.cloud_event.content_type, record.value);
  OVERSIGHT_FUZZ_CHECK(original.ok(), original.status().ToString());
  const auto* original_meta = dynamic_cast<const oversight::common::v1::EventMeta*>(
      &(*original)->GetReflection()->GetMessage(**original, meta_field));
  OVERSIGHT_FUZZ_CHECK(original_meta != nullptr, "meta is not the generated EventMeta");
  const std::string& expected_subject = !original_meta->subject().empty() ? original_meta->subject()
                                        : !event.cloud_event.subject.empty()
                                            ? event.cloud_event.subject
                                            : record.key;
  OVERSIGHT_FUZZ_CHECK(
      meta.subject() == expected_subject,
      absl::StrCat("subject '", meta.subject(), "', expected '", expected_subject, "'"));

  for (ContentType content_type : {ContentType::kProtobuf, ContentType::kJson}) {
    const auto encoded = oversight::kafka::EncodePayload(message, content_type);
    OVERSIGHT_FUZZ_CHECK(encoded.ok(),
                         absl::StrCat("accepted ", type, " does not encode as ",
                                      std::string(ContentTypeName(content_type)), ": ",
                                      encoded.status().ToString(), "\n", message.DebugString()));
    const auto decoded = oversight::kafka::DecodePayload(type, content_type, *encoded);
    OVERSIGHT_FUZZ_CHECK(decoded.ok(), decoded.status().ToString());
    std::unique_ptr<Message> expected(message.New());
    expected->CopyFrom(message);
    if (content_type == ContentType::kJson) expected->DiscardUnknownFields();
    OVERSIGHT_FUZZ_CHECK(Same(**decoded, *expected),
                         absl::StrCat(type, " changed in a ",
                                      std::string(ContentTypeName(content_type)), " round trip"));
  }
}

}  // namespace

// Protobuf logs every invalid UTF-8 string it refuses; that is expected here and slows fuzzing.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto record = oversight::kafka::testing::RecordFromText(
      std::string_view(reinterpret_cast<const char*>(data), size));
  for (std::string_view prefix : {"oversight.", "oversight.cases.v1."}) {
    auto result = oversight::events::CheckInbound(record, prefix, Served);
    if (const auto* rejection = std::get_if<Rejection>(&result)) {
      CheckRejection(*rejection);
    } else {
      CheckAccepted(record, prefix, std::get<InboundEvent>(result));
    }
  }
  return 0;
}
