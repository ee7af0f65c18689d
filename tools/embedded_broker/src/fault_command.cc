#include "oversight/embedded_broker/fault_command.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "oversight/embedded_broker/embedded_broker.h"

namespace oversight::embedded_broker {
namespace {

// Kafka protocol API keys (kafka.apache.org/protocol#protocol_api_keys) a client sends.
constexpr std::pair<const char*, int> kApiKeys[] = {
    {"Produce", 0},
    {"Fetch", 1},
    {"ListOffsets", 2},
    {"Metadata", 3},
    {"OffsetCommit", 8},
    {"OffsetFetch", 9},
    {"FindCoordinator", 10},
    {"JoinGroup", 11},
    {"Heartbeat", 12},
    {"LeaveGroup", 13},
    {"SyncGroup", 14},
    {"DescribeGroups", 15},
    {"ListGroups", 16},
    {"SaslHandshake", 17},
    {"ApiVersions", 18},
    {"CreateTopics", 19},
    {"DeleteTopics", 20},
    {"DeleteRecords", 21},
    {"InitProducerId", 22},
    {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
    {"DescribeConfigs", 32},
    {"AlterConfigs", 33},
    {"SaslAuthenticate", 36},
    {"CreatePartitions", 37},
    {"DeleteGroups", 42},
    {"OffsetDelete", 47},
};

absl::StatusOr<int> ParseInt(std::string_view text, std::string_view what, int min, int max) {
  int value = 0;
  if (!absl::SimpleAtoi(std::string(text), &value) || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(what), " must be a number in ", min,
                                                   "..", max, ", not \"", std::string(text), "\""));
  }
  return value;
}

absl::Status FromMockError(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(std::string(what), ": ", rd_kafka_err2name(err),
                                                 " (", rd_kafka_err2str(err), ")"));
}

absl::Status Usage(std::string_view command, std::string_view usage) {
  return absl::InvalidArgumentError(
      absl::StrCat("usage: ", std::string(command), " ", std::string(usage)));
}

}  // namespace

absl::StatusOr<int> ParseApiKey(std::string_view text) {
  int number = 0;
  if (absl::SimpleAtoi(std::string(text), &number)) {
    if (number < 0 || number > 32767) {
      return absl::InvalidArgumentError(absl::StrCat("API key ", number, " out of range"));
    }
    return number;
  }
  for (const auto& [name, key] : kApiKeys) {
    if (absl::EqualsIgnoreCase(name, std::string(text))) return key;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown Kafka API \"", std::string(text),
                                                 "\" (e.g. Produce, Fetch, Metadata)"));
}

absl::StatusOr<int> ParseErrorCode(std::string_view text) {
  int number = 0;
  if (absl::SimpleAtoi(std::string(text), &number)) return number;
  std::string name = absl::AsciiStrToUpper(std::string(text));
  if (absl::StartsWith(name, "RD_KAFKA_RESP_ERR_")) name = name.substr(18);
  const rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  for (size_t i = 0; i < count; ++i) {
    if (descs[i].name != nullptr && name == descs[i].name) return static_cast<int>(descs[i].code);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown Kafka error \"", std::string(text),
                                                 "\" (e.g. NOT_LEADER_FOR_PARTITION)"));
}

absl::Status ExecuteCommand(EmbeddedBroker& broker, std::string_view line) {
  const std::vector<std::string> words =
      absl::StrSplit(std::string(line), absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
  if (words.empty()) return absl::InvalidArgumentError("empty command");
  rd_kafka_mock_cluster_t* cluster = broker.mock_cluster();
  const std::string& command = words[0];
  auto broker_id = [&](size_t index) {
    return ParseInt(words[index], "broker id", 1, broker.broker_count());
  };

  if (command == "broker-down" || command == "broker-up") {
    if (words.size() != 2) return Usage(command, "<broker-id>");
    auto id = broker_id(1);
    if (!id.ok()) return id.status();
    return FromMockError(command == "broker-down" ? rd_kafka_mock_broker_set_down(cluster, *id)
                                                  : rd_kafka_mock_broker_set_up(cluster, *id),
                         command);
  }
  if (command == "request-errors") {
    if (words.size() != 4) return Usage(command, "<api> <error> <count>");
    auto api = ParseApiKey(words[1]);
    if (!api.ok()) return api.status();
    auto error = ParseErrorCode(words[2]);
    if (!error.ok()) return error.status();
    auto count = ParseInt(words[3], "count", 1, 100000);
    if (!count.ok()) return count.status();
    const std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(*count),
                                                  static_cast<rd_kafka_resp_err_t>(*error));
    rd_kafka_mock_push_request_errors_array(cluster, static_cast<int16_t>(*api), errors.size(),
                                            errors.data());
    return absl::OkStatus();
  }
  if (command == "clear-request-errors") {
    if (words.size() != 2) return Usage(command, "<api>");
    auto api = ParseApiKey(words[1]);
    if (!api.ok()) return api.status();
    rd_kafka_mock_clear_request_errors(cluster, static_cast<int16_t>(*api));
    return absl::OkStatus();
  }
  if (command == "leader") {
    if (words.size() != 4) return Usage(command, "<topic> <partition> <broker-id>");
    auto partition = ParseInt(words[2], "partition", 0, 1 << 20);
    if (!partition.ok()) return partition.status();
    auto id = broker_id(3);
    if (!id.ok()) return id.status();
    return FromMockError(
        rd_kafka_mock_partition_set_leader(cluster, words[1].c_str(), *partition, *id), command);
  }
  if (command == "rtt") {
    if (words.size() != 3) return Usage(command, "<broker-id> <ms>");
    auto id = broker_id(1);
    if (!id.ok()) return id.status();
    auto ms = ParseInt(words[2], "rtt ms", 0, 600000);
    if (!ms.ok()) return ms.status();
    return FromMockError(rd_kafka_mock_broker_set_rtt(cluster, *id, *ms), command);
  }
  if (command == "create-topic") {
    if (words.size() != 3 && words.size() != 4) {
      return Usage(command, "<topic> <partitions> [<replication-factor>]");
    }
    auto partitions = ParseInt(words[2], "partitions", 1, 10000);
    if (!partitions.ok()) return partitions.status();
    int replication = 1;
    if (words.size() == 4) {
      auto parsed = ParseInt(words[3], "replication factor", 1, broker.broker_count());
      if (!parsed.ok()) return parsed.status();
      replication = *parsed;
    }
    return broker.CreateTopic(words[1], *partitions, replication);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown command \"", command,
                   "\" (broker-down, broker-up, request-errors, clear-request-errors, leader, rtt, "
                   "create-topic, quit)"));
}

}  // namespace oversight::embedded_broker
