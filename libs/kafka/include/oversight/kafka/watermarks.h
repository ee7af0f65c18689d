#ifndef OVERSIGHT_KAFKA_WATERMARKS_H_
#define OVERSIGHT_KAFKA_WATERMARKS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"

struct rd_kafka_s;

namespace oversight::kafka {

// How many records topics hold: the sum of each topic's partitions' high watermarks. For tools
// that compare what was published with what consumers report handled (the demo's year replay
// waits for the services to catch up that way).
//
// Thread-safety: EndOffsets may be called from several threads (librdkafka serialises).
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

 private:
  explicit WatermarkReader(rd_kafka_s* rk) : rk_(rk) {}
  rd_kafka_s* rk_;
};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_WATERMARKS_H_
