#include "oversight/kafka/payload_codec.h"

#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "oversight/cases/v1/case_events.pb.h"

namespace oversight::kafka {
namespace {

using ::google::protobuf::util::MessageDifferencer;

cases::v1::CaseAllocated SampleCaseAllocated() {
  cases::v1::CaseAllocated event;
  event.mutable_meta()->set_event_id("evt-7");
  event.mutable_meta()->set_authority_id("devon");
  event.mutable_meta()->set_subject("child-9");
  event.mutable_meta()->mutable_occurred_at()->set_seconds(1764000000);
  event.set_child_id("child-9");
  event.set_worker_id("worker-3");
  event.set_case_type(common::v1::CASE_TYPE_CHILD_PROTECTION);
  event.mutable_placement()->set_long_term_matched(true);
  return event;
}

TEST(PayloadCodecTest, RoundTripsProtobufByTypeName) {
  const auto original = SampleCaseAllocated();
  auto bytes = EncodePayload(original, ContentType::kProtobuf);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto decoded = DecodePayload("oversight.cases.v1.CaseAllocated", ContentType::kProtobuf, *bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ((*decoded)->GetDescriptor(), cases::v1::CaseAllocated::descriptor());
  EXPECT_TRUE(MessageDifferencer::Equals(**decoded, original));
}

TEST(PayloadCodecTest, RoundTripsProto3Json) {
  const auto original = SampleCaseAllocated();
  auto json = EncodePayload(original, ContentType::kJson);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find("\"childId\":\"child-9\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"caseType\":\"CASE_TYPE_CHILD_PROTECTION\""), std::string::npos) << *json;
  auto decoded = DecodePayload("oversight.cases.v1.CaseAllocated", ContentType::kJson, *json);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(MessageDifferencer::Equals(**decoded, original));
}

TEST(PayloadCodecTest, AcceptsJsonWithOriginalFieldNamesAndUnknownFields) {
  auto decoded = DecodePayload(
      "oversight.cases.v1.CaseAllocated", ContentType::kJson,
      R"({"child_id":"c1","workerId":"w1","addedInV2":true,"meta":{"eventId":"e1"}})");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  const auto& event = static_cast<const cases::v1::CaseAllocated&>(**decoded);
  EXPECT_EQ(event.child_id(), "c1");
  EXPECT_EQ(event.worker_id(), "w1");
  EXPECT_EQ(event.meta().event_id(), "e1");
}

TEST(PayloadCodecTest, FindsEveryPackageInTheGeneratedPool) {
  for (const char* type :
       {"oversight.cases.v1.CaseAllocated", "oversight.workforce.v1.WorkerJoined",
        "oversight.audit.v1.RecordAccessed", "oversight.notifications.v1.Notification",
        "oversight.recording.v1.SessionHeld", "oversight.scheduling.v1.Explanation",
        "oversight.triggers.v1.TaskHistoryEntry", "oversight.common.v1.EventMeta"}) {
    EXPECT_NE(FindEventDescriptor(type), nullptr) << type;
  }
}

TEST(PayloadCodecTest, UnknownTypeIsNotFound) {
  auto decoded = DecodePayload("oversight.cases.v1.NoSuchEvent", ContentType::kProtobuf, "");
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(decoded.status().message().find("oversight.cases.v1.NoSuchEvent"), std::string::npos);
}

TEST(PayloadCodecTest, MalformedBytesAreInvalidArgument) {
  // A field 2 (child_id, length-delimited) that claims 100 bytes but has 3.
  const std::string truncated(
      "\x12\x64"
      "abc",
      5);
  auto bad_proto =
      DecodePayload("oversight.cases.v1.CaseAllocated", ContentType::kProtobuf, truncated);
  EXPECT_EQ(bad_proto.status().code(), absl::StatusCode::kInvalidArgument);

  auto bad_json =
      DecodePayload("oversight.cases.v1.CaseAllocated", ContentType::kJson, "{\"childId\": ");
  EXPECT_EQ(bad_json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_json.status().message().find("invalid JSON"), std::string::npos);

  auto wrong_type = DecodePayload("oversight.cases.v1.CaseAllocated", ContentType::kJson,
                                  R"({"childId": {"nested": 1}})");
  EXPECT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PayloadCodecTest, DecodeEventReadsHeadersThenPayload) {
  const auto original = SampleCaseAllocated();
  CloudEvent ce{.id = "evt-7",
                .source = "lcs://devon",
                .type = "oversight.cases.v1.CaseAllocated",
                .content_type = ContentType::kJson};
  Headers headers;
  WriteCloudEventHeaders(ce, headers);
  auto decoded = DecodeEvent(headers, *EncodePayload(original, ContentType::kJson));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->cloud_event.id, "evt-7");
  EXPECT_TRUE(MessageDifferencer::Equals(*decoded->message, original));

  headers.Remove("ce_type");
  EXPECT_EQ(DecodeEvent(headers, "{}").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::kafka
