// What oversight-triggers requires of a case event beyond the inbound contract every service
// applies (libs/events CheckInbound): checks on the child it is about. Pure.
#pragma once

#include <optional>

#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/events/inbound.h"

namespace oversight::triggers {

// Events that may be the first this service hears about a child, because a child's record in
// a case system starts with them: an allocation (CaseAllocated, LeadPractitionerChanged), the
// start of its journey (ReferralReceived, AssessmentStarted), or what a statutory-return import
// starts a child with (ChildEnteredCare, CaseTypeChanged, PlanStarted; see libs/statutory_returns).
bool OpensCase(const google::protobuf::Message& event);

// The child checks of a case event: `child_id` is required (missing_field) and must equal
// meta.subject (which CheckInbound filled from ce_subject or the record key when the payload had
// none; contract_violation otherwise, since the key is what keeps a child's events in order).
// An event about a child this service has never heard of (`child_known` false) that cannot
// open a case (OpensCase) is refused as unknown_child: most likely a mistyped child id, or the
// events that opened the case went elsewhere; replay it from the dead-letter topic once the
// child exists. Returns the rejection, or nullopt when the event is fine.
std::optional<events::Rejection> CheckCaseEvent(const google::protobuf::Message& event,
                                                const common::v1::EventMeta& meta,
                                                bool child_known);

// What IngestCaseEvent accepts before it produces `record` (the case event as it will be
// produced, keyed by its child): exactly what the case-events consumer accepts, the inbound
// contract (events::CheckInbound with `limits`: payload size, ids, meta, timestamps, a served
// authority) and CheckCaseEvent's child checks, so a caller gets INVALID_ARGUMENT for what would
// otherwise become a dead letter. Whether the child is known is left to the consumer
// (unknown_child): the event may be the one that opens the case. Returns the rejection, or
// nullopt when the consumer would take the event. Pure.
std::optional<events::Rejection> CheckIngestedCaseEvent(const kafka::ConsumedMessage& record,
                                                        const events::AuthorityFilter& served,
                                                        const events::InboundLimits& limits);

}  // namespace oversight::triggers
