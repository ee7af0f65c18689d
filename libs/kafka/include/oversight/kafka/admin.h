#ifndef OVERSIGHT_KAFKA_ADMIN_H_
#define OVERSIGHT_KAFKA_ADMIN_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"

namespace oversight::kafka {

// A topic a service needs.
struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication_factor = 1;
  // Topic-level configs set when the topic is created, e.g. {"cleanup.policy", "compact"}.
  // An existing topic's configs are not changed.
  std::map<std::string, std::string> configs;
};

// Cluster administration through the Kafka admin API.
class Admin {
 public:
  // Creates each topic of `topics` that does not exist yet. Existing topics are left as they are
  // (partition counts are not changed) and a concurrent creation (TOPIC_ALREADY_EXISTS) is fine.
  // Returns OK when every topic exists; UNAVAILABLE if the cluster cannot be reached, or no
  // controller answers, within `timeout` (the embedded broker has no admin API and answers so:
  // it creates its topics itself); UNIMPLEMENTED if the broker refuses the CreateTopics version;
  // the broker's error for a topic otherwise (INVALID_ARGUMENT for a bad partition count or
  // replication factor, naming the topic). Nothing is created when the result is not OK, except
  // topics the broker created before failing on another one.
  // Thread-safe (each call uses its own client).
  static absl::Status EnsureTopics(const ClientConfig& client, const std::vector<TopicSpec>& topics,
                                   absl::Duration timeout = absl::Seconds(30));

  // The names of the topics in the cluster (internal ones, such as __consumer_offsets, too).
  // UNAVAILABLE if the cluster cannot be reached within `timeout`.
  static absl::StatusOr<std::vector<std::string>> ListTopics(
      const ClientConfig& client, absl::Duration timeout = absl::Seconds(10));
};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_ADMIN_H_
