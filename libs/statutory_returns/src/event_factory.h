#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "google/protobuf/timestamp.pb.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/statutory_returns/import_options.h"

namespace oversight::statutory_returns::internal {

// Deterministic event id: the first 128 bits of SHA-256 over authority, id namespace (the file
// kind, for example "ssda903"), child, natural key (what identifies the row, for example its
// start date) and the full event type name, as 32 lowercase hex digits. Importing the same
// facts again yields the same ids, so downstream idempotency drops the repeats.
std::string DeterministicEventId(std::string_view authority_id, std::string_view id_namespace,
                                 std::string_view child_id, std::string_view natural_key,
                                 std::string_view event_type);

// Builds case events with their meta filled from ImportOptions. Holds a reference to `options`,
// which must outlive it. Not thread-safe (cheap to create one per call).
class EventFactory {
 public:
  EventFactory(const ImportOptions& options, std::string_view source, std::string_view id_namespace)
      : options_(options), source_(source), id_namespace_(id_namespace) {}

  // Midnight at the start of `day` in options.zone, as a Timestamp.
  google::protobuf::Timestamp Midnight(absl::CivilDay day) const;

  // Appends a CaseEvent to `out`, sets its oneof with `mutable_event` (for example
  // &CaseEvent::mutable_plan_started), fills meta and child_id, and returns the message so the
  // caller can set the remaining fields. The pointer is valid until `out` grows.
  template <typename Message>
  Message* Add(std::vector<oversight::cases::v1::CaseEvent>& out,
               Message* (oversight::cases::v1::CaseEvent::*mutable_event)(),
               std::string_view child_id, absl::CivilDay day, std::string_view natural_key) const {
    oversight::cases::v1::CaseEvent& event = out.emplace_back();
    Message* message = (event.*mutable_event)();
    FillMeta(message->mutable_meta(), Message::descriptor()->full_name(), child_id, day,
             natural_key);
    message->set_child_id(std::string(child_id));
    return message;
  }

 private:
  void FillMeta(oversight::common::v1::EventMeta* meta, std::string_view event_type,
                std::string_view child_id, absl::CivilDay day, std::string_view natural_key) const;

  const ImportOptions& options_;
  std::string source_;
  std::string id_namespace_;
};

// Stable-sorts events by meta.occurred_at (ties keep their order).
void SortChronologically(std::vector<oversight::cases::v1::CaseEvent>& events);

}  // namespace oversight::statutory_returns::internal
