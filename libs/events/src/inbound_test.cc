#include "oversight/events/inbound.h"

#include <gtest/gtest.h>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/cloud_event.h"

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

}  // namespace
}  // namespace oversight::events
