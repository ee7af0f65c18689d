// Runs oversight-import with --kafka against the embedded broker and reads the topic back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/testing/test_broker.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::importer {
namespace {

namespace sr = oversight::statutory_returns;
namespace kt = oversight::kafka::testing;
using oversight::cases::v1::CaseEvent;

const std::string kTestData = OVERSIGHT_STATUTORY_RETURNS_TESTDATA;

int RunImporter(std::vector<std::string> args, const std::string& log_path, std::string* log) {
  args.insert(args.begin(), OVERSIGHT_IMPORT_BINARY);
  oversight::testing::ChildProcessOptions options;
  options.argv = std::move(args);
  options.log_path = log_path;
  auto child = oversight::testing::ChildProcess::Start(std::move(options));
  if (!child.ok()) {
    ADD_FAILURE() << child.status();
    return -1;
  }
  absl::StatusOr<int> code = (*child)->Wait(absl::Seconds(90));
  *log = (*child)->ReadLog();
  EXPECT_TRUE(code.ok()) << code.status();
  return code.value_or(-1);
}

std::vector<CaseEvent> ReadJsonLines(const std::string& path) {
  std::vector<CaseEvent> events;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    CaseEvent event;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
    events.push_back(std::move(event));
  }
  return events;
}

// The payload of `event`'s oneof (what goes on the wire).
const google::protobuf::Message& Payload(const CaseEvent& event) {
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(
      event, CaseEvent::descriptor()->FindOneofByName("event"));
  return event.GetReflection()->GetMessage(event, field);
}

TEST(ImporterKafkaTest, PublishesEachEventWithCloudEventsHeadersKeyedByChild) {
  absl::StatusOr<std::unique_ptr<kt::TestBroker>> broker =
      kt::TestBroker::Start(kt::BrokerKind::kEmbedded);
  ASSERT_TRUE(broker.ok()) << broker.status();
  const std::string topic = kt::UniqueName("case-events");
  ASSERT_TRUE((*broker)->CreateTopics({{topic, 3, 1}}).ok());

  oversight::testing::TempDir dir("importer-kafka-");
  const std::vector<std::string> inputs = {"--authority",    "devon",
                                           "--cin",          kTestData + "/cin_census_small.xml",
                                           "--episodes-xml", kTestData + "/ssda903_small.xml",
                                           "--recorded-at",  "2026-11-24T06:00:00Z"};
  std::string log;
  std::vector<std::string> to_file = inputs;
  to_file.insert(to_file.end(), {"--out", dir.File("events.jsonl")});
  ASSERT_EQ(RunImporter(to_file, dir.File("file.log"), &log), 0) << log;
  const std::vector<CaseEvent> expected = ReadJsonLines(dir.File("events.jsonl"));
  ASSERT_GT(expected.size(), 20u);

  std::vector<std::string> to_kafka = inputs;
  to_kafka.insert(to_kafka.end(), {"--kafka", (*broker)->bootstrap(), "--topic", topic});
  ASSERT_EQ(RunImporter(to_kafka, dir.File("kafka.log"), &log), 0) << log;
  EXPECT_THAT(log, ::testing::HasSubstr("kafka topic " + topic));

  kt::TopicCollector collector((*broker)->client_config(), topic);
  absl::StatusOr<std::vector<oversight::kafka::ConsumedMessage>> records =
      collector.CollectAtLeast(expected.size(), absl::Seconds(30));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), expected.size());

  // Expected events by id, and each child's order.
  std::map<std::string, const CaseEvent*> by_id;
  std::map<std::string, std::vector<std::string>> expected_order;
  for (const CaseEvent& event : expected) {
    const auto* meta = sr::EventMetaOf(event);
    by_id[meta->event_id()] = &event;
    expected_order[meta->subject()].push_back(meta->event_id());
  }
  std::map<std::string, std::vector<std::string>> published_order;
  for (const auto& record : *records) {
    absl::StatusOr<oversight::kafka::CloudEvent> ce =
        oversight::kafka::ReadCloudEventHeaders(record.headers);
    ASSERT_TRUE(ce.ok()) << ce.status();
    auto it = by_id.find(ce->id);
    ASSERT_NE(it, by_id.end()) << "unexpected ce_id " << ce->id;
    const CaseEvent& event = *it->second;
    const auto* meta = sr::EventMetaOf(event);
    EXPECT_EQ(record.key, meta->subject());
    EXPECT_EQ(ce->subject, meta->subject());
    EXPECT_EQ(ce->type, sr::EventTypeName(event));
    EXPECT_EQ(ce->source, meta->source());
    EXPECT_EQ(ce->content_type, oversight::kafka::ContentType::kProtobuf);
    EXPECT_EQ(absl::ToUnixSeconds(ce->time), meta->occurred_at().seconds());
    // The value is the event's own message, byte for byte what the JSON line describes.
    const google::protobuf::Message& payload = Payload(event);
    std::unique_ptr<google::protobuf::Message> decoded(payload.New());
    ASSERT_TRUE(decoded->ParseFromString(record.value));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*decoded, payload));
    published_order[record.key].push_back(ce->id);
  }
  // One child's events share a partition, so they arrive in the file's order.
  EXPECT_EQ(published_order, expected_order);
}

}  // namespace
}  // namespace oversight::importer
