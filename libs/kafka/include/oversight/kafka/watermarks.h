#ifndef OVERSIGHT_KAFKA_WATERMARKS_H_
#define OVERSIGHT_KAFKA_WATERMARKS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"

struct rd_kafka_s;

namespace oversight::kafka {

// How many records topics hold: the sum of each topic's partitions' high watermarks. For tools
// that compare what was published with what consumers report handled (the demo's year replay
// waits for the services to catch up that way), or with what a consumer group has committed
// (the fault suite, whose services restart and so count from zero again).
//
// Thread-safety: EndOffsets and CommittedOffsets may be called from several threads.
class WatermarkReader {
 public:
  // One client handle for the reader's life; no connection until the first call. INVALID_ARGUMENT
  // for a bad configuration, INTERNAL if librdkafka cannot create the handle.
  static absl::StatusOr<std::unique_ptr<WatermarkReader>> Create(const ClientConfig& client);
  ~WatermarkReader();
  WatermarkReader(const WatermarkReader&) = delete;
  WatermarkReader& operator=(const WatermarkReader&) = delete;

  // The end offset sum of each of `topics` (every partition of it, from fresh metadata). A
  // topic the cluster does not have yet counts 0. UNAVAILABLE if the cluster does not answer
  // within `timeout` per request.
  absl::StatusOr<std::map<std::string, int64_t>> EndOffsets(
      const std::vector<std::string>& topics, absl::Duration timeout = absl::Seconds(5));

  // The offsets consumer group `group_id` has committed on each of `topics`, summed over the
  // topic's partitions (a partition without a committed offset counts 0): where the group's
  // members resume after a restart. Equal to EndOffsets when the group has handled everything.
  // Reads without joining the group (OffsetFetch through a handle of its own per group, kept
  // for the reader's life). A topic the cluster does not have counts 0. UNAVAILABLE if the
  // cluster or the group coordinator does not answer within `timeout`.
  absl::StatusOr<std::map<std::string, int64_t>> CommittedOffsets(
      const std::string& group_id, const std::vector<std::string>& topics,
      absl::Duration timeout = absl::Seconds(5));

 private:
  WatermarkReader(rd_kafka_s* rk, ClientConfig client) : rk_(rk), client_(std::move(client)) {}
  // The partitions of `topics` the cluster has now: topic -> partition ids.
  absl::StatusOr<std::map<std::string, std::vector<int32_t>>> Partitions(
      const std::vector<std::string>& topics, int timeout_ms);

  rd_kafka_s* rk_;
  const ClientConfig client_;
  std::mutex mu_;                                     // guards group_handles_
  std::map<std::string, rd_kafka_s*> group_handles_;  // group id -> consumer handle
};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_WATERMARKS_H_
