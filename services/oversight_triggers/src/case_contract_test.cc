// The child checks oversight-triggers adds to the inbound contract.
#include "case_contract.h"

#include <gtest/gtest.h>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/kafka/event_record.h"

namespace oversight::triggers {
namespace {

template <typename Event>
Event About(const std::string& child, const std::string& subject) {
  Event event;
  event.mutable_meta()->set_event_id("evt-1");
  event.mutable_meta()->set_authority_id("devon");
  event.mutable_meta()->set_subject(subject);
  event.set_child_id(child);
  return event;
}

std::string ReasonOf(const std::optional<events::Rejection>& rejection) {
  return rejection.has_value() ? rejection->reason : "accepted";
}

TEST(CaseContractTest, AKnownChildsEventIsAccepted) {
  auto incident = About<cases::v1::SignificantIncident>("child-1", "child-1");
  EXPECT_EQ(ReasonOf(CheckCaseEvent(incident, incident.meta(), /*child_known=*/true)), "accepted");
}

TEST(CaseContractTest, ChildIdIsRequiredAndMustBeTheSubject) {
  auto missing = About<cases::v1::CaseAllocated>("", "child-1");
  EXPECT_EQ(ReasonOf(CheckCaseEvent(missing, missing.meta(), false)), "missing_field");
  auto other = About<cases::v1::CaseAllocated>("child-2", "child-1");
  auto rejection = CheckCaseEvent(other, other.meta(), false);
  EXPECT_EQ(ReasonOf(rejection), "contract_violation");
  EXPECT_NE(rejection->detail.find("key case events by the child id"), std::string::npos);
}

TEST(CaseContractTest, AnUnknownChildIsRefusedUnlessTheEventCanOpenACase) {
  auto incident = About<cases::v1::SignificantIncident>("child-9", "child-9");
  auto rejection = CheckCaseEvent(incident, incident.meta(), false);
  EXPECT_EQ(ReasonOf(rejection), "unknown_child");
  EXPECT_NE(rejection->detail.find("child-9"), std::string::npos) << rejection->detail;
  auto closed = About<cases::v1::CaseClosed>("child-9", "child-9");
  EXPECT_EQ(ReasonOf(CheckCaseEvent(closed, closed.meta(), false)), "unknown_child");

  // What a case's record, or a statutory-return import, starts a child with.
  auto allocated = About<cases::v1::CaseAllocated>("child-9", "child-9");
  auto lead = About<cases::v1::LeadPractitionerChanged>("child-9", "child-9");
  auto referral = About<cases::v1::ReferralReceived>("child-9", "child-9");
  auto assessment = About<cases::v1::AssessmentStarted>("child-9", "child-9");
  auto care = About<cases::v1::ChildEnteredCare>("child-9", "child-9");
  auto type = About<cases::v1::CaseTypeChanged>("child-9", "child-9");
  auto plan = About<cases::v1::PlanStarted>("child-9", "child-9");
  for (const google::protobuf::Message* event : std::vector<const google::protobuf::Message*>{
           &allocated, &lead, &referral, &assessment, &care, &type, &plan}) {
    EXPECT_TRUE(OpensCase(*event)) << event->GetTypeName();
    EXPECT_EQ(ReasonOf(CheckCaseEvent(*event, allocated.meta(), false)), "accepted")
        << event->GetTypeName();
  }
}

// IngestCaseEvent takes what the consumer takes: the inbound contract with the consumer's
// limits and the child checks; whether the child is known is left to the consumer.
TEST(CaseContractTest, AnIngestedEventPassesTheConsumersChecks) {
  auto allocated = About<cases::v1::CaseAllocated>("child-9", "child-9");
  allocated.mutable_meta()->mutable_occurred_at()->set_seconds(1778482800);  // 2026-05-11
  auto record = [](const google::protobuf::Message& event) {
    auto made =
        kafka::MakeEventRecord("case-events", "child-9", event, kafka::ContentType::kProtobuf);
    EXPECT_TRUE(made.ok()) << made.status();
    return kafka::ConsumedMessage{
        .topic = made->topic, .key = made->key, .value = made->value, .headers = made->headers};
  };
  const auto devon = [](std::string_view id) { return id == "devon"; };
  const events::InboundLimits limits{.max_payload_bytes = 64 * 1024, .max_id_length = 256};
  EXPECT_EQ(ReasonOf(CheckIngestedCaseEvent(record(allocated), devon, limits)), "accepted");

  auto late = allocated;
  late.mutable_meta()->mutable_occurred_at()->set_seconds(253402300800);  // year 10000
  EXPECT_EQ(ReasonOf(CheckIngestedCaseEvent(record(late), devon, limits)), "contract_violation");
  auto big = allocated;
  big.mutable_meta()->set_source(std::string(70000, 's'));
  EXPECT_EQ(ReasonOf(CheckIngestedCaseEvent(record(big), devon, limits)), "payload_too_large");
  auto elsewhere = allocated;
  elsewhere.mutable_meta()->set_authority_id("atlantis");
  EXPECT_EQ(ReasonOf(CheckIngestedCaseEvent(record(elsewhere), devon, limits)),
            "unknown_authority");
  auto other = allocated;
  other.mutable_meta()->set_subject("child-8");
  EXPECT_EQ(ReasonOf(CheckIngestedCaseEvent(record(other), devon, limits)), "contract_violation");
  // An incident about a child nobody has heard of is the consumer's to refuse (unknown_child).
  auto incident = About<cases::v1::SignificantIncident>("child-9", "child-9");
  *incident.mutable_meta() = allocated.meta();
  EXPECT_EQ(ReasonOf(CheckIngestedCaseEvent(record(incident), devon, limits)), "accepted");
}

}  // namespace
}  // namespace oversight::triggers
