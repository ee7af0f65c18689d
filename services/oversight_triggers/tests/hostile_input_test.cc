// Hostile input through the real broker (Apache Kafka, ctest fixture kafka_real) into the
// oversight-oversight-triggers binary: malformed protobuf and JSON, an oversized payload, wrong
// types, broken headers and contracts, unknown authorities and children, interleaved on one
// partition with good events. Every bad record is dead-lettered with its dlq_reason and counted
// per reason; the service keeps serving; the good events around them are processed in order.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>

#include "google/protobuf/util/json_util.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/testing/wait_until.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::triggers {
namespace {

using e2e::System;

constexpr char kChild[] = "hostile-child";  // every case record below has this key

absl::Time At(int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, 5, 11, hour, 0, 0), absl::UTCTimeZone());
}

template <typename Event>
Event Case(const std::string& id, int hour, const std::string& child = kChild,
           const std::string& authority = "devon") {
  Event event;
  event.mutable_meta()->set_event_id(id);
  event.mutable_meta()->set_authority_id(authority);
  event.mutable_meta()->set_subject(child);
  event.mutable_meta()->set_source("lcs://devon");
  events::ToTimestamp(At(hour), event.mutable_meta()->mutable_occurred_at());
  event.set_child_id(child);
  return event;
}

std::string Json(const google::protobuf::Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

std::vector<std::pair<std::string, std::string>> Headers(const std::string& id,
                                                         const std::string& type,
                                                         const std::string& content_type) {
  return {{"ce_specversion", "1.0"},
          {"ce_id", id},
          {"ce_source", "lcs://devon"},
          {"ce_type", type},
          {"content-type", content_type}};
}

// The value of one sample of a counter in Prometheus text, or -1.
double Sample(const std::string& metrics, const std::string& line_start) {
  const auto at = metrics.find(line_start);
  if (at == std::string::npos) return -1;
  return std::atof(metrics.c_str() + at + line_start.size());
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto system = System::Create(kafka::testing::BrokerKind::kReal);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = *std::move(system);
    auto started = system_->StartService(e2e::kTriggers);
    ASSERT_TRUE(started.ok()) << started.status();
    service_ = *started;
    workforce::v1::WorkerJoined joined;
    joined.mutable_meta()->set_event_id("hr-worker-1");
    joined.mutable_meta()->set_authority_id("devon");
    events::ToTimestamp(At(0), joined.mutable_meta()->mutable_occurred_at());
    joined.set_worker_id("worker-1");
    joined.set_supervisor_id("manager-1");
    joined.set_team_id("team-a");
    ASSERT_TRUE(system_->Publish("workforce_events", "worker-1", joined).ok());
  }

  void Good(const google::protobuf::Message& event, bool json = false) {
    ASSERT_TRUE(system_->Publish("case_events", kChild, event, json).ok());
  }
  void Raw(const std::string& topic, const std::string& value,
           const std::vector<std::pair<std::string, std::string>>& headers) {
    ASSERT_TRUE(system_->PublishRaw(topic, kChild, value, headers).ok());
  }

  std::unique_ptr<System> system_;
  e2e::ServiceProcess* service_ = nullptr;
};

TEST_F(HostileInputTest, BadRecordsAreDeadLetteredWithTheirReasonAndTheGoodOnesProcessedInOrder) {
  const std::string cases = "case_events";
  auto allocated = Case<cases::v1::CaseAllocated>("good-1-allocated", 9);
  allocated.set_worker_id("worker-1");
  allocated.set_team_id("team-a");
  Good(allocated);

  // Undecodable protobuf.
  Raw(cases, std::string("\x0a\xff\xff\xff garbage", 12),
      Headers("bad-protobuf", "oversight.cases.v1.SignificantIncident", "application/protobuf"));
  Good(Case<cases::v1::SignificantIncident>("good-2-incident", 10), /*json=*/true);
  // Malformed JSON.
  Raw(cases, R"({"meta": {"eventId": "bad-json", "authorityId": "devon",)",
      Headers("bad-json", "oversight.cases.v1.CarePlanChanged", "application/json"));
  // Oversized: a well-formed event of 200 KB (the limit is 64 KiB).
  auto oversized = Case<cases::v1::CarePlanChanged>("bad-oversized", 11);
  oversized.set_summary(std::string(200 * 1024, 'x'));
  Raw(cases, Json(oversized),
      Headers("bad-oversized", "oversight.cases.v1.CarePlanChanged", "application/json"));
  // Wrong types: a workforce event on the case topic; a number where a string belongs.
  Raw(cases,
      R"({"meta":{"eventId":"bad-topic","authorityId":"devon","occurredAt":"2026-05-11T11:00:00Z"},"workerId":"w"})",
      Headers("bad-topic", "oversight.workforce.v1.WorkerJoined", "application/json"));
  Raw(cases,
      R"({"meta":{"eventId":"bad-field","authorityId":"devon","occurredAt":"2026-05-11T11:00:00Z"},"childId":42})",
      Headers("bad-field", "oversight.cases.v1.CumulativeHarmReassessed", "application/json"));
  Raw(cases, "{}",
      Headers("bad-unknown-type", "oversight.cases.v1.NoSuchEvent", "application/json"));
  // Broken headers and contract: no ce_type; ce_id differing from meta.eventId; no occurredAt;
  // a child_id that is not the subject.
  Raw(cases, Json(Case<cases::v1::ThresholdChanged>("bad-headers", 11)),
      {{"ce_specversion", "1.0"},
       {"ce_id", "bad-headers"},
       {"ce_source", "lcs://devon"},
       {"content-type", "application/json"}});
  Raw(cases, Json(Case<cases::v1::ThresholdChanged>("bad-id-payload", 11)),
      Headers("bad-id-header", "oversight.cases.v1.ThresholdChanged", "application/json"));
  auto undated = Case<cases::v1::ThresholdChanged>("bad-undated", 11);
  undated.mutable_meta()->clear_occurred_at();
  Raw(cases, Json(undated),
      Headers("bad-undated", "oversight.cases.v1.ThresholdChanged", "application/json"));
  auto mismatched = Case<cases::v1::ThresholdChanged>("bad-child-mismatch", 11);
  mismatched.set_child_id("someone-else");
  Good(mismatched);
  // Unknown authority; a child never seen (its record opens no case).
  Good(Case<cases::v1::EscalationRaised>("bad-authority", 11, kChild, "atlantis"));
  Good(Case<cases::v1::EscalationRaised>("bad-ghost-child", 11, "ghost-child"));

  Good(Case<cases::v1::CarePlanChanged>("good-3-care-plan", 12));
  Good(Case<cases::v1::CaseClosed>("good-4-closed", 13));

  // Supervision events: an oversight record for an unknown task changes nothing and is no dead
  // letter; one without a child is.
  recording::v1::OversightRecorded unknown_task;
  unknown_task.mutable_meta()->set_event_id("rec-unknown-task");
  unknown_task.mutable_meta()->set_authority_id("devon");
  events::ToTimestamp(At(14), unknown_task.mutable_meta()->mutable_occurred_at());
  unknown_task.set_record_id("record-x");
  unknown_task.set_child_id(kChild);
  unknown_task.set_task_id("no-such-task");
  ASSERT_TRUE(system_->Publish("supervision_events", "manager-1", unknown_task).ok());
  auto childless = unknown_task;
  childless.mutable_meta()->set_event_id("bad-record-without-child");
  childless.clear_child_id();
  ASSERT_TRUE(system_->Publish("supervision_events", "manager-1", childless).ok());

  const std::map<std::string, std::string> expected = {
      {"bad-protobuf", "undecodable_payload"},
      {"bad-json", "undecodable_payload"},
      {"bad-oversized", "payload_too_large"},
      {"bad-topic", "unknown_type"},
      {"bad-field", "undecodable_payload"},
      {"bad-unknown-type", "unknown_type"},
      {"bad-headers", "bad_headers"},
      {"bad-id-header", "contract_violation"},
      {"bad-undated", "missing_field"},
      {"bad-child-mismatch", "contract_violation"},
      {"bad-authority", "unknown_authority"},
      {"bad-ghost-child", "unknown_child"},
      {"bad-record-without-child", "missing_field"},
  };
  kafka::testing::TopicCollector dead(system_->broker().client_config(),
                                      system_->Topic("dead_letters"));
  auto letters = dead.CollectAtLeast(expected.size(), absl::Seconds(90));
  ASSERT_TRUE(letters.ok()) << letters.status();
  std::map<std::string, std::string> got;
  int64_t last_offset = -1;
  for (const auto& letter : *letters) {
    const std::string id(letter.headers.Get("ce_id").value_or("?"));
    got[id] = std::string(letter.headers.Get("dlq_reason").value_or(""));
    EXPECT_FALSE(letter.headers.Get("dlq_detail").value_or("").empty()) << id;
    if (letter.headers.Get("dlq_source_topic") == system_->Topic("case_events")) {
      // Dead-lettered in the order they were published (one partition).
      const int64_t offset =
          std::atoll(std::string(letter.headers.Get("dlq_source_offset").value_or("-1")).c_str());
      EXPECT_GT(offset, last_offset) << id;
      last_offset = offset;
      EXPECT_EQ(letter.key, kChild);
    }
  }
  EXPECT_EQ(got, expected);

  // The good events, in order: D8, D14.2, D14.3, D14.13, then the closure's cancellations.
  kafka::testing::TopicCollector tasks(system_->broker().client_config(), system_->Topic("tasks"));
  auto records = tasks.CollectAtLeast(7, absl::Seconds(60));
  ASSERT_TRUE(records.ok()) << records.status();
  std::vector<std::string> sequence;
  for (const auto& record : *records) {
    const std::string type(record.headers.Get("ce_type").value_or(""));
    if (type == "oversight.triggers.v1.TaskOpened") {
      v1::TaskOpened opened;
      ASSERT_TRUE(opened.ParseFromString(record.value));
      sequence.push_back("opened " + opened.task().rule_id() + " by " +
                         opened.task().caused_by_event_id());
    } else if (type == "oversight.triggers.v1.TaskCancelled") {
      sequence.push_back("cancelled");
    }
  }
  EXPECT_EQ(sequence, (std::vector<std::string>{
                          "opened D8 by good-1-allocated", "opened D14.2 by good-2-incident",
                          "opened D14.3 by good-3-care-plan", "opened D14.13 by good-4-closed",
                          "cancelled", "cancelled", "cancelled"}));

  // No crash; each reason counted (the consumer's metric, labelled by topic and reason).
  EXPECT_EQ(service_->Health(), "SERVING");
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto metrics = service_->ScrapeMetrics();
        return metrics.ok() && metrics->find("outcome=\"unknown_task\"} 1") != std::string::npos;
      },
      absl::Seconds(30)));
  auto metrics = service_->ScrapeMetrics();
  ASSERT_TRUE(metrics.ok());
  std::map<std::string, int> per_reason;
  for (const auto& [id, reason] : expected) {
    if (id != "bad-record-without-child") ++per_reason[reason];
  }
  for (const auto& [reason, count] : per_reason) {
    EXPECT_EQ(Sample(*metrics, absl::StrCat("oversight_dead_letters_total{reason=\"", reason,
                                            "\",topic=\"", system_->Topic("case_events"), "\"} ")),
              count)
        << reason;
  }
}

TEST_F(HostileInputTest, IngestionCallRefusesBadEventsWithAReasonAndWritesGoodOnesToTheTopic) {
  auto stub = v1::OversightTriggersService::NewStub(service_->Channel());
  auto call = [&](const v1::IngestCaseEventRequest& request) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + System::Token("lcs-bridge"));
    v1::IngestCaseEventResponse response;
    return stub->IngestCaseEvent(&context, request, &response);
  };
  v1::IngestCaseEventRequest empty;
  grpc::Status none = call(empty);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(none.error_message().find("one case event must be set"), std::string::npos);

  v1::IngestCaseEventRequest no_child;
  *no_child.mutable_event()->mutable_significant_incident() =
      Case<cases::v1::SignificantIncident>("ingest-1", 9, "");
  grpc::Status refused = call(no_child);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("child_id"), std::string::npos) << refused.error_message();

  v1::IngestCaseEventRequest unserved;
  *unserved.mutable_event()->mutable_significant_incident() =
      Case<cases::v1::SignificantIncident>("ingest-2", 9, kChild, "atlantis");
  EXPECT_EQ(call(unserved).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::IngestCaseEventRequest good;
  auto allocation = Case<cases::v1::CaseAllocated>("ingest-3", 9, "ingested-child");
  allocation.set_worker_id("worker-1");
  *good.mutable_event()->mutable_case_allocated() = allocation;
  grpc::Status accepted = call(good);
  ASSERT_TRUE(accepted.ok()) << accepted.error_message();
  kafka::testing::TopicCollector tasks(system_->broker().client_config(), system_->Topic("tasks"));
  auto records = tasks.CollectAtLeast(1, absl::Seconds(60));
  ASSERT_TRUE(records.ok()) << records.status();
  v1::TaskOpened opened;
  ASSERT_TRUE(opened.ParseFromString((*records)[0].value));
  EXPECT_EQ(opened.task().child_id(), "ingested-child");
  EXPECT_EQ(opened.task().rule_id(), "D8");
}

}  // namespace
}  // namespace oversight::triggers
