#include "oversight/kafka/cloud_event.h"

#include <gtest/gtest.h>

namespace oversight::kafka {
namespace {

CloudEvent SampleEvent() {
  CloudEvent event;
  event.id = "evt-1";
  event.source = "lcs://devon";
  event.type = "oversight.cases.v1.CaseAllocated";
  event.subject = "child-42";
  event.time = absl::FromUnixSeconds(1764000000);  // 2025-11-24T16:00:00Z
  event.content_type = ContentType::kJson;
  return event;
}

TEST(CloudEventTest, WritesBinaryModeHeaders) {
  Headers headers{{"traceparent", "00-abc"}};
  WriteCloudEventHeaders(SampleEvent(), headers);
  EXPECT_EQ(headers.Get("ce_specversion"), "1.0");
  EXPECT_EQ(headers.Get("ce_id"), "evt-1");
  EXPECT_EQ(headers.Get("ce_source"), "lcs://devon");
  EXPECT_EQ(headers.Get("ce_type"), "oversight.cases.v1.CaseAllocated");
  EXPECT_EQ(headers.Get("ce_subject"), "child-42");
  EXPECT_EQ(headers.Get("ce_time"), "2025-11-24T16:00:00Z");
  EXPECT_EQ(headers.Get("content-type"), "application/json");
  EXPECT_EQ(headers.Get("traceparent"), "00-abc");
}

TEST(CloudEventTest, RoundTripsThroughHeaders) {
  CloudEvent event = SampleEvent();
  event.time += absl::Milliseconds(250);
  event.content_type = ContentType::kProtobuf;
  Headers headers;
  WriteCloudEventHeaders(event, headers);
  EXPECT_EQ(headers.Get("ce_time"), "2025-11-24T16:00:00.25Z");
  auto read = ReadCloudEventHeaders(headers);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->id, event.id);
  EXPECT_EQ(read->source, event.source);
  EXPECT_EQ(read->type, event.type);
  EXPECT_EQ(read->subject, event.subject);
  EXPECT_EQ(read->time, event.time);
  EXPECT_EQ(read->content_type, ContentType::kProtobuf);
}

TEST(CloudEventTest, OptionalHeadersMayBeAbsent) {
  Headers headers{{"ce_specversion", "1.0"},
                  {"ce_id", "1"},
                  {"ce_source", "s"},
                  {"ce_type", "t"},
                  {"content-type", "application/json; charset=utf-8"}};
  auto read = ReadCloudEventHeaders(headers);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->time, absl::InfinitePast());
  EXPECT_EQ(read->subject, "");
  EXPECT_EQ(read->content_type, ContentType::kJson);
}

TEST(CloudEventTest, MissingOrEmptyRequiredHeaderIsNamed) {
  for (const std::string name :
       {"ce_specversion", "ce_id", "ce_source", "ce_type", "content-type"}) {
    Headers headers;
    WriteCloudEventHeaders(SampleEvent(), headers);
    headers.Remove(name);
    auto missing = ReadCloudEventHeaders(headers);
    EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_NE(missing.status().message().find("missing CloudEvents header " + name),
              std::string::npos)
        << missing.status();

    headers.Set(name, "");
    auto empty = ReadCloudEventHeaders(headers);
    EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_NE(empty.status().message().find("empty CloudEvents header " + name), std::string::npos)
        << empty.status();
  }
}

TEST(CloudEventTest, RejectsBadSpecVersionTimeAndContentType) {
  Headers headers;
  WriteCloudEventHeaders(SampleEvent(), headers);
  Headers bad_version = headers;
  bad_version.Set("ce_specversion", "0.3");
  EXPECT_EQ(ReadCloudEventHeaders(bad_version).status().code(), absl::StatusCode::kInvalidArgument);
  Headers bad_time = headers;
  bad_time.Set("ce_time", "24/11/2026 09:00");
  auto time_status = ReadCloudEventHeaders(bad_time).status();
  EXPECT_EQ(time_status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(time_status.message().find("ce_time"), std::string::npos);
  Headers bad_type = headers;
  bad_type.Set("content-type", "text/xml");
  auto type_status = ReadCloudEventHeaders(bad_type).status();
  EXPECT_EQ(type_status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(type_status.message().find("text/xml"), std::string::npos);
}

TEST(CloudEventTest, ParsesContentTypes) {
  EXPECT_EQ(*ParseContentType("application/protobuf"), ContentType::kProtobuf);
  EXPECT_EQ(*ParseContentType("Application/X-Protobuf"), ContentType::kProtobuf);
  EXPECT_EQ(*ParseContentType(" application/json ;charset=utf-8"), ContentType::kJson);
  EXPECT_FALSE(ParseContentType("application/cloudevents+json").ok());
  EXPECT_EQ(ContentTypeName(ContentType::kJson), "application/json");
  EXPECT_EQ(ContentTypeName(ContentType::kProtobuf), "application/protobuf");
}

}  // namespace
}  // namespace oversight::kafka
