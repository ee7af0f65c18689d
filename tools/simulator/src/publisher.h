// Publishing events as the authority's case and HR systems would: protobuf payloads with
// CloudEvents headers from each message's meta (kafka::MakeEventRecord), keyed by child or
// worker id, sent asynchronously and confirmed together by Flush(). Counts what it sent by type.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "oversight/kafka/producer.h"

namespace oversight::simulator {

// Not thread-safe for Publish; Flush and counts from the same thread.
class EventPublisher {
 public:
  explicit EventPublisher(kafka::Producer& producer) : producer_(producer) {}

  // Queues `message` (which has a `meta` with an event id) on `topic` under `key`.
  absl::Status Publish(const std::string& topic, const std::string& key,
                       const google::protobuf::Message& message);

  // Waits until everything queued is acknowledged; the first delivery failure since the last
  // Flush, or DEADLINE_EXCEEDED.
  absl::Status Flush(absl::Duration timeout = absl::Seconds(60));

  // Events sent, by full message name.
  const std::map<std::string, int>& sent_by_type() const { return sent_by_type_; }
  int sent() const;

 private:
  kafka::Producer& producer_;
  std::map<std::string, int> sent_by_type_;
  std::mutex mu_;
  absl::Status first_failure_;
};

}  // namespace oversight::simulator
