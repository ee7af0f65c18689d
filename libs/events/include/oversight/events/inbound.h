// Inbound events: the contract checks every service applies to a record it consumes, after the
// CloudEvents headers and payload decoded (libs/kafka DecodeEvent), and the dead-letter reasons
// they map to.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/payload_codec.h"

namespace oversight::events {

// Dead-letter reasons (the `dlq_reason` header and the `reason` label of
// oversight_dead_letters_total). Stable strings: dashboards and alerts use them.
inline constexpr std::string_view kReasonBadHeaders = "bad_headers";
inline constexpr std::string_view kReasonUnknownType = "unknown_type";
inline constexpr std::string_view kReasonUndecodable = "undecodable_payload";
inline constexpr std::string_view kReasonMissingField = "missing_field";
inline constexpr std::string_view kReasonUnknownAuthority = "unknown_authority";
inline constexpr std::string_view kReasonContractViolation = "contract_violation";
// A record that passed the checks but whose processing hit a broken invariant (services).
inline constexpr std::string_view kReasonProcessingFailed = "processing_failed";
inline constexpr std::string_view kReasonPayloadTooLarge = "payload_too_large";
// Used by services that keep per-subject state (oversight-triggers: an event for a child it has
// never heard of that cannot open a case, see its README).
inline constexpr std::string_view kReasonUnknownChild = "unknown_child";

// Every reason above, for the consumers' zero-initialised dead-letter counters.
inline constexpr std::string_view kDeadLetterReasons[] = {
    kReasonBadHeaders,       kReasonUnknownType,      kReasonUndecodable,
    kReasonMissingField,     kReasonUnknownAuthority, kReasonContractViolation,
    kReasonProcessingFailed, kReasonPayloadTooLarge,  kReasonUnknownChild};

// Size limits a consumer puts on what it accepts (0: no limit).
struct InboundLimits {
  size_t max_payload_bytes = 0;  // the record's value; bigger is payload_too_large
  size_t max_id_length = 0;      // meta.event_id and meta.subject; longer is contract_violation
};

// A consumed event that passed the contract checks.
struct InboundEvent {
  kafka::CloudEvent cloud_event;
  std::unique_ptr<google::protobuf::Message> message;  // the generated type named by ce_type
  const common::v1::EventMeta* meta = nullptr;         // points into *message
  std::string type;                                    // message->GetTypeName()
};

// Why a record cannot be processed; becomes a dead letter.
struct Rejection {
  std::string reason;  // one of the kReason* values
  std::string detail;  // what a person needs to know to fix the producer
};

// Decides whether an authority is served (the service's AuthorityRegistry, usually).
using AuthorityFilter = std::function<bool(std::string_view authority_id)>;

// Decodes and checks a consumed record: CloudEvents headers valid; ce_type a known event type
// whose full name starts with `type_prefix` (e.g. "oversight.cases.v1."); payload decodes; it has
// a `meta` (oversight.common.v1.EventMeta) with event_id, authority_id and occurred_at set;
// every google.protobuf.Timestamp in it is one a Timestamp may hold (years 0001-9999, nanos
// 0-999999999; else a contract violation naming the field);
// meta.event_id equals ce_id (a mismatch is a contract violation); meta.subject, when empty, is
// filled from ce_subject and then from the record key (what is copied into meta must be UTF-8,
// as every protobuf string: bad_headers, or contract_violation for the key); the authority is
// served. Returns the event, or the Rejection for the first check that failed. Never throws.
// Thread-safe.
std::variant<InboundEvent, Rejection> CheckInbound(const kafka::ConsumedMessage& record,
                                                   std::string_view type_prefix,
                                                   const AuthorityFilter& served);
// The same, refusing records beyond `limits` first (the payload size before decoding it).
std::variant<InboundEvent, Rejection> CheckInbound(const kafka::ConsumedMessage& record,
                                                   std::string_view type_prefix,
                                                   const AuthorityFilter& served,
                                                   const InboundLimits& limits);

// The consumer outcome for a rejection: a dead letter with its reason and detail.
kafka::HandlerOutcome ToOutcome(const Rejection& rejection);

}  // namespace oversight::events
