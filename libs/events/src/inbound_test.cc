#include "oversight/events/inbound.h"

#include <gtest/gtest.h>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/recording/v1/supervision_events.pb.h"

namespace oversight::events {
namespace {

bool OnlyDevon(std::string_view authority) {
  return authority == "devon";
}

cases::v1::CaseAllocated Allocation() {
  cases::v1::CaseAllocated event;
  event.mutable_meta()->set_event_id("evt-1");
  event.mutable_meta()->set_authority_id("devon");
  ToTimestamp(absl::FromUnixSeconds(1'700'000'000), event.mutable_meta()->mutable_occurred_at());
  event.set_child_id("child-1");
  event.set_worker_id("worker-1");
  return event;
}

kafka::ConsumedMessage Record(const google::protobuf::Message& message, kafka::ContentType type,
                              std::string ce_id = "evt-1") {
  kafka::ConsumedMessage record;
  record.topic = "oversight.case-events.v1";
  record.key = "child-1";
  record.value = *kafka::EncodePayload(message, type);
  kafka::CloudEvent ce;
  ce.id = std::move(ce_id);
  ce.source = "lcs://devon";
  ce.type = message.GetDescriptor()->full_name();
  ce.content_type = type;
  kafka::WriteCloudEventHeaders(ce, record.headers);
  return record;
}

std::string ReasonOf(const std::variant<InboundEvent, Rejection>& result) {
  const auto* rejection = std::get_if<Rejection>(&result);
  return rejection == nullptr ? "accepted" : rejection->reason;
}

TEST(CheckInboundTest, AcceptsProtobufAndJsonAndFillsSubjectFromKey) {
  for (auto type : {kafka::ContentType::kProtobuf, kafka::ContentType::kJson}) {
    auto result = CheckInbound(Record(Allocation(), type), "oversight.cases.v1.", OnlyDevon);
    ASSERT_TRUE(std::holds_alternative<InboundEvent>(result)) << ReasonOf(result);
    const auto& event = std::get<InboundEvent>(result);
    EXPECT_EQ(event.type, "oversight.cases.v1.CaseAllocated");
    EXPECT_EQ(event.meta->subject(), "child-1");
    EXPECT_EQ(dynamic_cast<const cases::v1::CaseAllocated&>(*event.message).worker_id(),
              "worker-1");
  }
}

TEST(CheckInboundTest, RejectsEachContractBreachWithItsReason) {
  auto unknown_authority = Allocation();
  unknown_authority.mutable_meta()->set_authority_id("atlantis");
  EXPECT_EQ(ReasonOf(CheckInbound(Record(unknown_authority, kafka::ContentType::kJson),
                                  "oversight.cases.v1.", OnlyDevon)),
            kReasonUnknownAuthority);

  auto no_time = Allocation();
  no_time.mutable_meta()->clear_occurred_at();
  EXPECT_EQ(ReasonOf(CheckInbound(Record(no_time, kafka::ContentType::kProtobuf),
                                  "oversight.cases.v1.", OnlyDevon)),
            kReasonMissingField);

  EXPECT_EQ(ReasonOf(CheckInbound(Record(Allocation(), kafka::ContentType::kJson, "other-id"),
                                  "oversight.cases.v1.", OnlyDevon)),
            kReasonContractViolation);

  EXPECT_EQ(ReasonOf(CheckInbound(Record(Allocation(), kafka::ContentType::kJson),
                                  "oversight.workforce.v1.", OnlyDevon)),
            kReasonUnknownType);

  auto garbled = Record(Allocation(), kafka::ContentType::kJson);
  garbled.value = "{\"childId\": 12, ";
  EXPECT_EQ(ReasonOf(CheckInbound(garbled, "oversight.cases.v1.", OnlyDevon)), kReasonUndecodable);

  auto headerless = Record(Allocation(), kafka::ContentType::kJson);
  headerless.headers = {};
  EXPECT_EQ(ReasonOf(CheckInbound(headerless, "oversight.cases.v1.", OnlyDevon)),
            kReasonBadHeaders);
}

TEST(CheckInboundTest, LimitsRefuseOversizedPayloadsAndOverlongIds) {
  const InboundLimits limits{.max_payload_bytes = 1024, .max_id_length = 16};
  EXPECT_EQ(ReasonOf(CheckInbound(Record(Allocation(), kafka::ContentType::kJson),
                                  "oversight.cases.v1.", OnlyDevon, limits)),
            "accepted");
  auto big = Allocation();
  big.set_team_id(std::string(2000, 't'));
  EXPECT_EQ(ReasonOf(CheckInbound(Record(big, kafka::ContentType::kProtobuf), "oversight.cases.v1.",
                                  OnlyDevon, limits)),
            kReasonPayloadTooLarge);
  auto long_id = Allocation();
  long_id.mutable_meta()->set_event_id(std::string(17, 'e'));
  EXPECT_EQ(
      ReasonOf(CheckInbound(Record(long_id, kafka::ContentType::kProtobuf, std::string(17, 'e')),
                            "oversight.cases.v1.", OnlyDevon, limits)),
      kReasonContractViolation);
  // Without limits (the other overload) the same records pass.
  EXPECT_EQ(ReasonOf(CheckInbound(Record(big, kafka::ContentType::kProtobuf), "oversight.cases.v1.",
                                  OnlyDevon)),
            "accepted");
}

// Found by the CheckInbound fuzzer (libs/events/fuzz): an empty meta.subject was filled from a
// record key that was not UTF-8, and the accepted event could then not be re-encoded into
// anything a consumer decodes (proto3 strings must be UTF-8).
TEST(CheckInboundTest, WhatIsCopiedIntoMetaMustBeUtf8) {
  auto no_id = Allocation();
  no_id.mutable_meta()->clear_event_id();
  auto from_key = Record(Allocation(), kafka::ContentType::kProtobuf);
  from_key.key = "child-\xff";
  const auto rejected_key = CheckInbound(from_key, "oversight.cases.v1.", OnlyDevon);
  ASSERT_EQ(ReasonOf(rejected_key), kReasonContractViolation);
  EXPECT_EQ(std::get<Rejection>(rejected_key).detail,
            "the record key is not UTF-8 text (it becomes meta.subject)");

  auto from_subject = Record(Allocation(), kafka::ContentType::kProtobuf);
  from_subject.headers.Set("ce_subject", "child-\xc3");
  EXPECT_EQ(ReasonOf(CheckInbound(from_subject, "oversight.cases.v1.", OnlyDevon)),
            kReasonBadHeaders);

  auto from_ce_id = Record(no_id, kafka::ContentType::kProtobuf, "evt-\xe9");
  EXPECT_EQ(ReasonOf(CheckInbound(from_ce_id, "oversight.cases.v1.", OnlyDevon)),
            kReasonBadHeaders);

  // A payload that carries its own subject does not need the key.
  auto with_subject = Allocation();
  with_subject.mutable_meta()->set_subject("child-1");
  auto keyed = Record(with_subject, kafka::ContentType::kProtobuf);
  keyed.key = "\xff";
  EXPECT_EQ(ReasonOf(CheckInbound(keyed, "oversight.cases.v1.", OnlyDevon)), "accepted");
}

// Found by the CheckInbound fuzzer: SessionHeld.held_at with nanos above 999999999 was
// accepted, although no JSON encoding of the event exists (and it is no instant).
TEST(CheckInboundTest, TimestampsOutOfRangeAreContractViolations) {
  auto late = Allocation();
  late.mutable_meta()->mutable_occurred_at()->set_nanos(1'000'000'000);
  const auto rejected =
      CheckInbound(Record(late, kafka::ContentType::kProtobuf), "oversight.cases.v1.", OnlyDevon);
  ASSERT_EQ(ReasonOf(rejected), kReasonContractViolation);
  EXPECT_TRUE(
      std::get<Rejection>(rejected).detail.starts_with("meta.occurred_at is not a valid timestamp"))
      << std::get<Rejection>(rejected).detail;

  recording::v1::SessionHeld held;
  held.mutable_meta()->set_event_id("evt-1");
  held.mutable_meta()->set_authority_id("devon");
  held.mutable_meta()->set_subject("record-1");
  ToTimestamp(absl::FromUnixSeconds(1'700'000'000), held.mutable_meta()->mutable_occurred_at());
  held.mutable_held_at()->set_seconds(253'402'300'800);  // 10000-01-01T00:00:00Z
  const auto far =
      CheckInbound(Record(held, kafka::ContentType::kProtobuf), "oversight.", OnlyDevon);
  ASSERT_EQ(ReasonOf(far), kReasonContractViolation);
  EXPECT_TRUE(std::get<Rejection>(far).detail.starts_with("held_at is not"))
      << std::get<Rejection>(far).detail;
  held.mutable_held_at()->set_seconds(253'402'300'799);  // the last second a Timestamp holds
  EXPECT_EQ(
      ReasonOf(CheckInbound(Record(held, kafka::ContentType::kProtobuf), "oversight.", OnlyDevon)),
      "accepted");
}

}  // namespace
}  // namespace oversight::events
