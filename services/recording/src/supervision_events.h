// Which supervision events a new version of a record publishes (issue 5 point 4), so scheduling
// can track the record, circulate and sign-off deadlines and reset supervision clocks. Pure.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "oversight/recording/v1/recording_service.pb.h"
#include "oversight/recording/v1/supervision_events.pb.h"

namespace oversight::recording {

inline constexpr char kServiceName[] = "oversight-recording";
// Where every stored version is published (RecordVersionStored), for rebuilds (rebuild.h).
inline constexpr char kRecordsTopic[] = "oversight.records.v1";

// One event to publish and its Kafka key (the supervisee's worker id; the supervisor's for
// records without a supervisee).
struct Outbound {
  std::string key;
  std::shared_ptr<google::protobuf::Message> event;
};

// The events for `next` given the version it replaced (`previous`, nullptr for version 1):
//   recorded (created non-draft or submitted): SessionHeld (or SessionMissed per supervisee for a
//     missed session), RecordRecorded (with late), OversightRecorded for management oversight,
//     AgreementSigned never here, ActionCreated per action;
//   circulated: RecordCirculated per supervisee;
//   signed: RecordSigned (fully_signed), plus AgreementSigned once an agreement is fully signed;
//   amended: RecordAmended, ActionCreated for actions the previous version did not have;
//   updated (unsigned edit of a recorded record): ActionCreated for new actions;
//   drafts and disagreements: none.
// Event ids are derived from (record id, version, event, index): replaying a version yields the
// same ids. occurred_at: held_at for held, missed and oversight recorded; recorded_at for
// RecordRecorded (the record deadline is met or missed by when it was written); updated_at
// otherwise.
std::vector<Outbound> EventsFor(const v1::Record* previous, const v1::Record& next);

}  // namespace oversight::recording
