// The checks every gRPC request passes before its RPC's own validation: id and text lengths,
// repeated sizes, enum values, timestamp and duration ranges, page sizes, page tokens.
#include "oversight/runtime/request_checks.h"

#include <gtest/gtest.h>

#include "google/protobuf/type.pb.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/runtime/v1/clock.pb.h"

namespace oversight::runtime {
namespace {

cases::v1::CaseAllocated Allocation() {
  cases::v1::CaseAllocated event;
  event.mutable_meta()->set_event_id("lcs-1");
  event.mutable_meta()->set_authority_id("devon");
  event.mutable_meta()->mutable_occurred_at()->set_seconds(1767225600);  // 2026-01-01
  event.set_child_id("child-1");
  event.set_worker_id("worker-1");
  event.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  return event;
}

void ExpectInvalid(const google::protobuf::Message& request, const std::string& message) {
  const absl::Status status = CheckRequest(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(status.message(), message);
}

TEST(CheckRequestTest, AcceptsAnOrdinaryRequest) {
  EXPECT_TRUE(CheckRequest(Allocation()).ok());
  EXPECT_TRUE(CheckRequest(cases::v1::CaseAllocated()).ok());
}

TEST(CheckRequestTest, IdsAreAtMost256Characters) {
  auto event = Allocation();
  event.set_worker_id(std::string(256, 'w'));
  EXPECT_TRUE(CheckRequest(event).ok());
  event.set_worker_id(std::string(1 << 20, 'w'));
  ExpectInvalid(event, "worker_id: at most 256 characters (got 1048576)");
  event = Allocation();
  event.mutable_meta()->set_authority_id(std::string(257, 'a'));
  ExpectInvalid(event, "meta.authority_id: at most 256 characters (got 257)");
}

TEST(CheckRequestTest, OtherTextIsAtMost100000Characters) {
  auto event = Allocation();
  event.mutable_meta()->set_source(std::string(100000, 's'));
  EXPECT_TRUE(CheckRequest(event).ok());
  event.mutable_meta()->set_source(std::string(100001, 's'));
  ExpectInvalid(event, "meta.source: at most 100000 characters (got 100001)");
}

TEST(CheckRequestTest, RepeatedFieldsHaveAtMost1000ElementsEachChecked) {
  google::protobuf::Type type;
  for (int i = 0; i < 1000; ++i)
    type.add_oneofs("o");
  EXPECT_TRUE(CheckRequest(type).ok());
  type.add_oneofs("o");
  ExpectInvalid(type, "oneofs: at most 1000 elements (got 1001)");
  type.clear_oneofs();
  type.add_oneofs("o");
  type.add_oneofs(std::string(100001, 'o'));
  ExpectInvalid(type, "oneofs[1]: at most 100000 characters (got 100001)");
  type.clear_oneofs();
  type.add_fields()->set_name("ok");
  type.add_fields()->set_kind(static_cast<google::protobuf::Field::Kind>(77));
  ExpectInvalid(type, "fields[1].kind: 77 is not a google.protobuf.Field.Kind value");
}

TEST(CheckRequestTest, UnknownEnumValuesAreRefused) {
  auto event = Allocation();
  event.set_case_type(static_cast<common::v1::CaseType>(9999));
  ExpectInvalid(event, "case_type: 9999 is not a oversight.common.v1.CaseType value");
}

TEST(CheckRequestTest, TimestampsMustBeInTheirRange) {
  auto event = Allocation();
  event.mutable_meta()->mutable_occurred_at()->set_seconds(253402300799);  // 9999-12-31T23:59:59
  EXPECT_TRUE(CheckRequest(event).ok());
  const std::string message =
      "meta.occurred_at: not a valid timestamp (years 0001 to 9999, nanos 0 to 999999999)";
  event.mutable_meta()->mutable_occurred_at()->set_seconds(253402300800);  // year 10000
  ExpectInvalid(event, message);
  event.mutable_meta()->mutable_occurred_at()->set_seconds(-62135596801);  // before year 1
  ExpectInvalid(event, message);
  event.mutable_meta()->mutable_occurred_at()->set_seconds(0);
  event.mutable_meta()->mutable_occurred_at()->set_nanos(-1);
  ExpectInvalid(event, message);
  event.mutable_meta()->mutable_occurred_at()->set_nanos(1000000000);
  ExpectInvalid(event, message);
  v1::SetTimeRequest set;
  set.mutable_now()->set_seconds(-62135596800);  // 0001-01-01T00:00:00Z
  EXPECT_TRUE(CheckRequest(set).ok());
}

TEST(CheckRequestTest, DurationsMustBeInTheirRange) {
  v1::AdvanceRequest advance;
  advance.mutable_by()->set_seconds(315576000000);
  EXPECT_TRUE(CheckRequest(advance).ok());
  advance.mutable_by()->set_seconds(315576000001);
  const std::string message =
      "by: not a valid duration (at most 10000 years, nanos of the seconds' sign)";
  ExpectInvalid(advance, message);
  advance.mutable_by()->set_seconds(1);
  advance.mutable_by()->set_nanos(-1);
  ExpectInvalid(advance, message);
}

TEST(CheckRequestTest, PageSizesMustNotBeNegative) {
  common::v1::PageRequest page;
  page.set_page_size(1000000);  // big is fine: the server caps it
  EXPECT_TRUE(CheckRequest(page).ok());
  page.set_page_size(-1);
  ExpectInvalid(page, "page_size: must not be negative (0 means the default)");
}

TEST(ParseOffsetPageTokenTest, AcceptsWhatListCallsIssueAndNothingElse) {
  EXPECT_EQ(*ParseOffsetPageToken(""), 0u);
  EXPECT_EQ(*ParseOffsetPageToken("50"), 50u);
  for (const char* garbage :
       {"-1", "x", "50x", " 50", "1e3", "9999999999999999999", "%not-a-page-token%"}) {
    auto parsed = ParseOffsetPageToken(garbage);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << garbage;
    EXPECT_NE(parsed.status().message().find("next_page_token"), std::string::npos);
  }
}

}  // namespace
}  // namespace oversight::runtime
