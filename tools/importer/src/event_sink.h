#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oversight/cases/v1/case_events.pb.h"

namespace oversight::importer {

// Where imported events go. Not thread-safe: one importer thread writes.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Sends one event. On error the event may or may not have been written.
  virtual absl::Status Write(const oversight::cases::v1::CaseEvent& event) = 0;
  // Makes everything written durable (file closed / every record acknowledged by the broker).
  // Returns the first failure, naming how many events it concerns when known.
  virtual absl::Status Close() = 0;
};

// One CaseEvent per line in the proto3 JSON mapping. Truncates `path`. Returns UNAVAILABLE when
// the file cannot be opened.
absl::StatusOr<std::unique_ptr<EventSink>> OpenJsonLinesSink(const std::string& path);

// Publishes each event's message (not the CaseEvent wrapper) in protobuf binary to `topic`,
// key = child id, with CloudEvents headers (ce_id = meta.event_id, ce_type = full message name,
// ce_source = meta.source, ce_subject = child id, ce_time = occurred_at).
absl::StatusOr<std::unique_ptr<EventSink>> OpenKafkaSink(const std::string& bootstrap_servers,
                                                         const std::string& topic);

}  // namespace oversight::importer
