// Reads the tasks topic as it grows, as an observer (every partition assigned directly from
// the end it has when Start is called; no consumer group, nothing committed), on a thread of
// its own with a short fetch wait, and reports each TaskOpened with its arrival time.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/kafka/client_config.h"
#include "oversight/triggers/v1/tasks.pb.h"

struct rd_kafka_s;

namespace oversight::bench {

class TaskTail {
 public:
  // Called on the reader's thread for each TaskOpened (decoded from protobuf or JSON).
  using OnTaskOpened = std::function<void(const triggers::v1::TaskOpened&, absl::Time arrived)>;

  // Assigns every partition of `topic` at its current end and starts reading. UNAVAILABLE if
  // the topic's partitions or end offsets cannot be read.
  static absl::StatusOr<std::unique_ptr<TaskTail>> Start(const kafka::ClientConfig& client,
                                                         const std::string& topic,
                                                         OnTaskOpened on_task);
  // Stops the thread and closes the consumer.
  ~TaskTail();

  // Records read so far (any type) and records that could not be decoded.
  int64_t records() const { return records_.load(); }
  int64_t undecodable() const { return undecodable_.load(); }

 private:
  TaskTail(rd_kafka_s* rk, OnTaskOpened on_task) : rk_(rk), on_task_(std::move(on_task)) {}
  void Loop();

  rd_kafka_s* rk_;
  OnTaskOpened on_task_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> records_{0};
  std::atomic<int64_t> undecodable_{0};
  std::thread thread_;
};

}  // namespace oversight::bench
