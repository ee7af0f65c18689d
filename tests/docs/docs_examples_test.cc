// docs/integration.md is checked, not trusted: every inbound event type has an example there;
// each example parses strictly as its type; and, published to Apache Kafka (ctest fixture
// kafka_real) as JSON with the documented headers for every pack, none is dead-lettered and each
// opens exactly the oversight tasks the page's table says, in the oversight-oversight-triggers
// binary.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "case_contract.h"
#include "google/protobuf/util/json_util.h"
#include "oversight/audit/v1/audit_events.pb.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/e2e/system.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/testing/wait_until.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"
#include "yaml-cpp/yaml.h"

namespace oversight::docs {
namespace {

using e2e::System;
using json = nlohmann::json;

const std::vector<std::string> kPacks = {"devon", "stoke-on-trent", "multi-agency", "lancashire",
                                         "havering"};

struct Example {
  std::string id, topic, key, type, body;
};

std::string ReadDoc() {
  const char* source = std::getenv("OVERSIGHT_SOURCE_DIR");
  std::ifstream in(std::string(source != nullptr ? source : ".") + "/docs/integration.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every ```json block whose info string names an example.
std::vector<Example> Examples(const std::string& doc) {
  static const std::regex block(
      "```json example=(\\S+) topic=(\\S+) key=(\\S+) type=(\\S+)\\n([\\s\\S]*?)\\n```");
  std::vector<Example> out;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), block); it != std::sregex_iterator();
       ++it) {
    out.push_back({(*it)[1], (*it)[2], (*it)[3], (*it)[4], (*it)[5]});
  }
  return out;
}

// The table "What each event triggers": example id -> pack -> rule ids opened (with repeats).
std::map<std::string, std::map<std::string, std::multiset<std::string>>> TriggerTable(
    const std::string& doc) {
  std::map<std::string, std::map<std::string, std::multiset<std::string>>> table;
  std::istringstream lines(doc);
  std::vector<std::string> columns;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("| example | event |")) {
      for (auto cell : absl::StrSplit(line, '|')) {
        columns.push_back(std::string(absl::StripAsciiWhitespace(cell)));
      }
      continue;
    }
    if (columns.empty() || line.starts_with("| ---")) continue;
    if (!line.starts_with("|")) {
      if (!table.empty()) break;
      continue;
    }
    std::vector<std::string> cells;
    for (auto cell : absl::StrSplit(line, '|')) {
      cells.push_back(std::string(absl::StripAsciiWhitespace(cell)));
    }
    const std::string& id = cells[1];
    for (size_t c = 0; c < columns.size() && c < cells.size(); ++c) {
      if (std::find(kPacks.begin(), kPacks.end(), columns[c]) == kPacks.end()) continue;
      auto& rules = table[id][columns[c]];
      for (auto entry : absl::StrSplit(cells[c], ", ", absl::SkipEmpty())) {
        std::vector<std::string> parts = absl::StrSplit(entry, " ×");
        const int times = parts.size() == 2 ? std::stoi(parts[1]) : 1;
        for (int i = 0; i < times; ++i)
          rules.insert(parts[0]);
      }
    }
  }
  return table;
}

// The generated message for an example (strict: unknown fields are errors here).
std::unique_ptr<google::protobuf::Message> Parse(const Example& example) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(example.type);
  if (descriptor == nullptr) return nullptr;
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
  if (!google::protobuf::util::JsonStringToMessage(example.body, message.get()).ok()) {
    return nullptr;
  }
  return message;
}

TEST(DocsExamplesTest, EveryInboundEventTypeHasAStrictlyValidExampleAndATableRow) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty()) << "docs/integration.md not found (OVERSIGHT_SOURCE_DIR)";
  const auto examples = Examples(doc);
  const auto table = TriggerTable(doc);
  std::set<std::string> documented_types;
  std::set<std::string> ids;
  for (const auto& example : examples) {
    SCOPED_TRACE(example.id);
    EXPECT_TRUE(ids.insert(example.id).second) << "two examples named " << example.id;
    EXPECT_NE(Parse(example), nullptr) << "does not parse strictly as " << example.type;
    documented_types.insert(example.type);
    EXPECT_TRUE(table.contains(example.id)) << "no row in the table";
    const bool case_event = example.type.starts_with("oversight.cases.v1.");
    EXPECT_EQ(example.topic,
              case_event ? "oversight.case-events.v1" : "oversight.workforce-events.v1");
    const json body = json::parse(example.body);
    EXPECT_EQ(example.key, case_event ? body["childId"] : body["workerId"]) << "the key";
  }
  for (const auto& [id, packs] : table)
    EXPECT_TRUE(ids.contains(id)) << id << ": no example";
  // Every event message (one with a meta) of the two inbound packages.
  for (const auto* file : {cases::v1::CaseAllocated::descriptor()->file(),
                           workforce::v1::WorkerJoined::descriptor()->file()}) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      const auto* message = file->message_type(i);
      if (message->FindFieldByName("meta") == nullptr) continue;
      EXPECT_TRUE(documented_types.contains(message->full_name()))
          << message->full_name() << " has no example in docs/integration.md";
    }
  }
}

// docs/asyncapi.yaml is generated from the .proto files by tests/docs/asyncapi.py (its own small
// reader); here its schemas are compared with the compiled descriptors: the same fields (by
// their JSON names) and the same enum values, for every schema of an Oversight type.
TEST(DocsExamplesTest, AsyncApiSchemasMatchTheCompiledMessages) {
  const char* source = std::getenv("OVERSIGHT_SOURCE_DIR");
  YAML::Node document =
      YAML::LoadFile(std::string(source != nullptr ? source : ".") + "/docs/asyncapi.yaml");
  // Make sure every package's generated code is linked in, so the pool knows its types.
  (void)audit::v1::RecordAccessed::descriptor();
  (void)notifications::v1::NotificationSent::descriptor();
  (void)recording::v1::RecordVersionStored::descriptor();
  (void)scheduling::v1::ItemOverdue::descriptor();
  (void)triggers::v1::TaskOpened::descriptor();
  int compared = 0;
  for (const auto& entry : document["components"]["schemas"]) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node& schema = entry.second;
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    if (const auto* message = pool->FindMessageTypeByName(name)) {
      std::set<std::string> fields, documented;
      for (int i = 0; i < message->field_count(); ++i)
        fields.insert(message->field(i)->json_name());
      for (const auto& property : schema["properties"]) {
        documented.insert(property.first.as<std::string>());
      }
      EXPECT_EQ(documented, fields) << name;
    } else if (const auto* enumeration = pool->FindEnumTypeByName(name)) {
      std::vector<std::string> values, documented;
      for (int i = 0; i < enumeration->value_count(); ++i) {
        values.push_back(enumeration->value(i)->name());
      }
      for (const auto& value : schema["enum"])
        documented.push_back(value.as<std::string>());
      EXPECT_EQ(documented, values) << name;
    } else {
      ADD_FAILURE() << name << " in asyncapi.yaml is no compiled type";
    }
    ++compared;
  }
  EXPECT_GT(compared, 60);
}

// The sum of a counter family's samples with `label` in Prometheus text.
double Sum(const std::string& metrics, const std::string& family, const std::string& label) {
  double total = 0;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(family + "{") || line.find(label) == std::string::npos) continue;
    total += std::atof(line.substr(line.rfind(' ') + 1).c_str());
  }
  return total;
}

TEST(DocsExamplesTest, EveryExamplePublishedForEveryPackIsAcceptedAndOpensWhatTheTableSays) {
  const std::string doc = ReadDoc();
  const auto examples = Examples(doc);
  const auto table = TriggerTable(doc);
  ASSERT_GT(examples.size(), 30u);
  auto system = System::Create(kafka::testing::BrokerKind::kReal);
  ASSERT_TRUE(system.ok()) << system.status();
  auto service = (*system)->StartService(e2e::kTriggers);
  ASSERT_TRUE(service.ok()) << service.status();

  const Example* allocation = nullptr;
  for (const auto& example : examples) {
    if (example.id == "case-allocated") allocation = &example;
  }
  ASSERT_NE(allocation, nullptr);
  std::map<std::string, int> published;  // per topic name of System
  // Publishes `example` for `pack` as the page says a case system does: the JSON value, the
  // key, and the CloudEvents headers (ce_id = meta.eventId).
  auto publish = [&](const Example& example, const std::string& pack, const std::string& event_id,
                     const std::string& child) {
    json body = json::parse(example.body);
    body["meta"]["authorityId"] = pack;
    body["meta"]["eventId"] = event_id;
    std::string key = example.key;
    if (body.contains("childId")) {
      body["childId"] = child;
      key = child;
    }
    const std::string source = body["meta"].value("source", "lcs://" + pack);
    const std::string topic =
        example.topic == "oversight.case-events.v1" ? "case_events" : "workforce_events";
    ASSERT_TRUE((*system)
                    ->PublishRaw(topic, key, body.dump(),
                                 {{"ce_specversion", "1.0"},
                                  {"ce_id", event_id},
                                  {"ce_source", source},
                                  {"ce_type", example.type},
                                  {"ce_subject", key},
                                  {"content-type", "application/json"}})
                    .ok());
    ++published[topic];
  };
  auto consumed = [&](const std::string& topic) {
    auto metrics = (*service)->ScrapeMetrics();
    return metrics.ok() ? Sum(*metrics, "oversight_events_consumed_total",
                              "topic=\"" + (*system)->Topic(topic) + "\"")
                        : -1;
  };

  // The directory first: every workforce example, for every pack.
  for (const auto& pack : kPacks) {
    for (const auto& example : examples) {
      if (example.topic != "oversight.workforce-events.v1") continue;
      publish(example, pack, example.id + "-" + pack, "");
    }
  }
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return consumed("workforce_events") >= published["workforce_events"]; },
      absl::Seconds(90)));
  // Then every case example, for every pack, each about its own child; those that cannot open
  // a case come after the documented allocation.
  for (const auto& pack : kPacks) {
    for (const auto& example : examples) {
      if (example.topic != "oversight.case-events.v1") continue;
      const std::string child = example.id + "-" + pack;
      if (!triggers::OpensCase(*Parse(example))) {
        publish(*allocation, pack, child + "-allocation", child);
      }
      publish(example, pack, child, child);
    }
  }
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return consumed("case_events") >= published["case_events"]; }, absl::Seconds(90)));

  auto metrics = (*service)->ScrapeMetrics();
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(Sum(*metrics, "oversight_dead_letters_total", ""), 0) << *metrics;

  auto stub = triggers::v1::OversightTriggersService::NewStub((*service)->Channel());
  auto opened_by = [&](const std::string& pack, const std::string& child) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + System::Token("docs-test"));
    triggers::v1::ListTasksRequest request;
    request.set_authority_id(pack);
    request.set_child_id(child);
    triggers::v1::ListTasksResponse response;
    EXPECT_TRUE(stub->ListTasks(&context, request, &response).ok());
    std::multiset<std::string> rules;
    for (const auto& task : response.tasks()) {
      if (task.caused_by_event_id() == child) rules.insert(task.rule_id());
    }
    return rules;
  };
  for (const auto& pack : kPacks) {
    for (const auto& example : examples) {
      if (example.topic != "oversight.case-events.v1") continue;
      const std::string child = example.id + "-" + pack;
      const auto expected = table.at(example.id).at(pack);
      // The task events are applied with the event, so they are there once it is consumed.
      EXPECT_EQ(opened_by(pack, child), expected) << example.id << " under " << pack;
    }
  }
}

}  // namespace
}  // namespace oversight::docs
