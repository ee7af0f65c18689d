#include "rebuild_command.h"

#include "oversight/authorities/config.h"
#include "oversight/kafka/topics.h"
#include "oversight/pipeline/event_pipeline.h"
#include "oversight/redis/service_support.h"
#include "oversight/runtime/logger.h"
#include "rebuild.h"
#include "supervision_events.h"

namespace oversight::recording {
namespace {

// True if any authority's records are in this Redis (a record head exists).
absl::StatusOr<bool> HoldsRecords(redis::Connection& connection) {
  std::string cursor = "0";
  do {
    auto reply =
        connection.Command({"SCAN", cursor, "MATCH", "ovs:{*}:rec:record:*:head", "COUNT", "1000"},
                           redis::Idempotency::kIdempotent);
    if (!reply.ok()) return reply.status();
    if (!reply->is_array() || reply->elements().size() != 2) {
      return absl::InternalError("unexpected SCAN reply");
    }
    cursor = reply->elements()[0].str();
    if (!reply->elements()[1].elements().empty()) return true;
  } while (cursor != "0");
  return false;
}

}  // namespace

int RunRebuildCommand(int argc, const char* const* argv) {
  const runtime::Config config = runtime::Config::FromArgs(argc, argv);
  const runtime::Logger logger(kServiceName);
  const kafka::ClientConfig client = pipeline::KafkaClientFromConfig(config, kServiceName);
  RebuildTopics topics;
  topics.records = config.GetString("topics.records", kRecordsTopic);
  topics.workforce_events =
      config.GetString("topics.workforce_events", kafka::kWorkforceEventsTopic);
  topics.case_events = config.GetString("topics.case_events", kafka::kCaseEventsTopic);
  const absl::Duration timeout =
      config.GetDuration("rebuild.timeout", absl::Minutes(30), absl::Seconds(1));
  const bool allow_existing = config.GetBool("rebuild.allow_existing", false);
  const redis::ConnectionOptions redis_options = redis::ConnectionOptionsFromConfig(config);
  auto authorities = authorities::LoadFromConfig(config);
  if (auto valid = config.Validate(); !valid.ok()) {
    logger.Error("rebuild: bad configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  if (!authorities.ok()) {
    logger.Error("rebuild: policy packs", {{"error", std::string(authorities.status().message())}});
    return 2;
  }
  auto connection = redis::Connection::Connect(redis_options);
  if (!connection.ok()) {
    logger.Error("rebuild: redis", {{"error", std::string(connection.status().message())}});
    return 1;
  }
  auto holds = HoldsRecords(**connection);
  if (!holds.ok()) {
    logger.Error("rebuild: redis", {{"error", std::string(holds.status().message())}});
    return 1;
  }
  if (*holds && !allow_existing) {
    logger.Error(
        "rebuild: this Redis already holds records; rebuild into an empty one (or set "
        "rebuild.allow_existing=true to resume an interrupted rebuild)");
    return 2;
  }
  logger.Info("rebuild: reading", {{"records", topics.records},
                                   {"workforce_events", topics.workforce_events},
                                   {"case_events", topics.case_events}});
  RecordStore store(**connection, "", "", "");
  auto rebuilt = RebuildFromKafka(store, **authorities, client, topics, timeout);
  if (!rebuilt.ok()) {
    logger.Error("rebuild failed", {{"error", std::string(rebuilt.status().message())},
                                    {"code", absl::StatusCodeToString(rebuilt.status().code())}});
    return 1;
  }
  logger.Info("rebuilt", {{"versions", rebuilt->versions},
                          {"records", rebuilt->records},
                          {"actions", rebuilt->actions},
                          {"grants", rebuilt->grants},
                          {"tombstones", rebuilt->tombstones},
                          {"skipped", rebuilt->skipped},
                          {"inbound_events", rebuilt->inbound_events},
                          {"inbound_refused", rebuilt->inbound_refused}});
  return 0;
}

}  // namespace oversight::recording
