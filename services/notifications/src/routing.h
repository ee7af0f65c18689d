// Who is told what: the routing rules of notifications, without I/O. From a task or schedule
// event and the directory, the notifications to create (one per recipient per item occurrence
// per stage), rendered with the plain-language templates of templates.h, and the occurrences
// that an event closes (their held reminders and digest entries are dropped).
//
// Rules:
//  - TaskOpened: the task's owner (the supervisor) is asked to record the oversight decision;
//    TaskReassigned: the new owner is told the task is now theirs.
//  - ItemDueSoon / ItemDue / ItemOverdue: the supervisor for their team's items; the supervisee
//    too for their own sessions, agreements, reviews and sign-offs (kinds in routing.cc). A
//    sign-off is the supervisee's alone until it is overdue, when the supervisor is told too.
//  - ItemEscalated at level L: the pack's escalation step L says to whom (`to`). For
//    supervisor_line_manager steps the target is the manager d levels above the supervisor in
//    the directory, d being the number of such steps up to L (so a pack with two steps goes up
//    the chain twice); when the directory does not know the supervisor's manager, the event's
//    escalate_to_id is used. The supervisor is told it was escalated. Escalations are critical.
//  - ItemSatisfied / ItemCancelled / TaskCompleted / TaskCancelled: nobody is told; the
//    occurrence is closed.
// Nobody is told twice about one stage (a supervisor who is also the escalation target gets one
// notification); people the directory marks as having left are not told.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "directory.h"
#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/policy/pack.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "templates.h"

namespace oversight::notifications {

struct RoutingContext {
  const Directory& directory;
  // The authority's pack escalation steps (pack.scheduling.escalation).
  const std::vector<policy::EscalationStep>& escalation;
  RenderOptions render;
};

struct Routed {
  std::vector<v1::Notification> notifications;
  std::vector<std::string> closed_occurrences;  // occurrence ids (see Notification.occurrence_id)
};

// The notifications `event` calls for and the occurrences it closes (both empty for events
// nobody is told about). Each notification's id derives from the authority, the item (and its
// due date for schedule items), the stage and the recipient, so a redelivered event maps to the
// same notifications ("one notification per item per stage"). `now` stamps created_at.
Routed Route(const google::protobuf::Message& event, const common::v1::EventMeta& meta,
             const RoutingContext& context, absl::Time now);

// The people Route may look up for `event`: these ids and their managers up to
// `manager_levels` above them (load them into the Directory first).
struct DirectoryNeeds {
  std::vector<std::string> ids;
  int manager_levels = 0;
};
DirectoryNeeds NeedsOf(const google::protobuf::Message& event,
                       const std::vector<policy::EscalationStep>& escalation);

// "task:<task id>" for oversight-task items, "<item id>@<due unix seconds>" for the others.
std::string OccurrenceOf(const scheduling::v1::DueItem& item);
std::string TaskOccurrence(const std::string& task_id);

}  // namespace oversight::notifications
