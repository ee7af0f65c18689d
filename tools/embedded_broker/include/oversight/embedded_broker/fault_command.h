#ifndef OVERSIGHT_EMBEDDED_BROKER_FAULT_COMMAND_H_
#define OVERSIGHT_EMBEDDED_BROKER_FAULT_COMMAND_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace oversight::embedded_broker {

class EmbeddedBroker;

// The fault-injection language, one command per line (words separated by blanks):
//   broker-down <broker-id>                 the broker closes its connections and refuses more
//   broker-up <broker-id>                   undo broker-down
//   request-errors <api> <error> <count>    the next <count> requests of Kafka API <api> (name
//                                           such as Produce, Fetch, JoinGroup, or number) fail
//                                           with <error> (name such as NOT_LEADER_FOR_PARTITION
//                                           or REQUEST_TIMED_OUT, or number)
//   clear-request-errors <api>              drop errors queued for <api>
//   leader <topic> <partition> <broker-id>  move a partition's leadership
//   rtt <broker-id> <ms>                    delay every answer of a broker
//   create-topic <topic> <partitions> [<replication-factor>]
// Returns OK, or INVALID_ARGUMENT naming what is wrong (unknown command, bad number, unknown API
// or error name, broker id out of range) or the mock cluster's error. Thread-safe.
absl::Status ExecuteCommand(EmbeddedBroker& broker, std::string_view line);

// The Kafka API key for a name ("Produce", case-insensitive) or number ("0").
// INVALID_ARGUMENT for anything else.
absl::StatusOr<int> ParseApiKey(std::string_view text);

// The librdkafka error code for a name ("NOT_LEADER_FOR_PARTITION", with or without the
// RD_KAFKA_RESP_ERR_ prefix, case-insensitive) or number ("6"). INVALID_ARGUMENT otherwise.
absl::StatusOr<int> ParseErrorCode(std::string_view text);

}  // namespace oversight::embedded_broker

#endif  // OVERSIGHT_EMBEDDED_BROKER_FAULT_COMMAND_H_
