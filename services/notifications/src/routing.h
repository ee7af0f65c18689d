// Who is told what: the routing rules of notifications, without I/O. From a task or schedule
// event, the notifications to create (one per recipient per item per stage), rendered with the
// plain-language templates of templates.h.
#pragma once

#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/notifications/v1/notifications.pb.h"

namespace oversight::notifications {

// The notifications `event` calls for (empty for events nobody is told about):
//  - TaskOpened: the task's owner (the supervisor) is asked to record the oversight decision;
//  - TaskReassigned: the new owner is told the task is now theirs.
// An event with no known recipient yields nothing. Each notification's id derives from the
// authority, the item, the stage and the recipient, so a redelivered event maps to the same
// notifications ("one notification per item per stage"). `now` stamps created_at.
std::vector<v1::Notification> Route(const google::protobuf::Message& event,
                                    const common::v1::EventMeta& meta, absl::Time now);

}  // namespace oversight::notifications
