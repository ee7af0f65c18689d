// Plain-language templates, one per kind of reminder. They say what is due, for whom (a worker
// or child reference, never case detail), by when, which rule requires it, and where to act
// (a link placeholder to the case system). They fill kind, subject, body_text, rule_id, link
// and critical of a Notification.
#pragma once

#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::notifications {

// "Management oversight needed for child C-123 by Wed 30 Dec 2026 (rule D14.4)".
void RenderTaskOpened(const triggers::v1::OversightTask& task, v1::Notification& out);

// "An oversight task for child C-123 is now yours".
void RenderTaskReassigned(const triggers::v1::TaskReassigned& event, v1::Notification& out);

}  // namespace oversight::notifications
