// Plain-language templates, one per kind of reminder: every scheduling item kind at each stage
// that reaches a person (due soon, due, overdue, escalated), oversight tasks opened and
// reassigned, and the daily digest. They say what is due, for whom (a worker, child or team
// reference only, never case detail: the messages leave the case system by email), by when
// (the Europe/London day), which rule requires it (the RULES.md id of the authority's pack),
// and where to act (a link into the case system). Each fills kind, subject, body_text,
// body_html, body (the message before rendering: the storage form of both, see
// notification_store.h) and link of a Notification; routing.h fills the rest. Pure; thread-safe.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::notifications {

// The placeholder links start with when no case-system URL is configured.
inline constexpr char kCaseSystemPlaceholder[] = "{{case_system_url}}";

struct RenderOptions {
  // Base URL of the case system ("https://lcs.example.gov.uk"); empty keeps the placeholder
  // "{{case_system_url}}" for the front end to fill in.
  std::string case_system_url;
};

// Whom a reminder about a due item addresses.
enum class Audience {
  kSupervisor,        // the supervisor (line manager) whose team's item it is
  kSupervisee,        // the worker, for their own sessions and sign-offs
  kEscalationTarget,  // a manager above the supervisor, told because the item escalated
};

// "Wed 30 Dec 2026": the Europe/London day of `at`.
std::string LondonDay(absl::Time at);

// "Management oversight needed for child C-123 by Wed 30 Dec 2026 (rule D14.4)".
void RenderTaskOpened(const triggers::v1::OversightTask& task, const RenderOptions& options,
                      v1::Notification& out);

// "An oversight task for child C-123 is now yours".
void RenderTaskReassigned(const triggers::v1::TaskReassigned& event, const RenderOptions& options,
                          v1::Notification& out);

// A reminder about `item` at its stage (item.stage(): due soon, due, overdue or escalated) for
// `audience`. `supervisor_name` names the supervisor in escalations ("" : their id).
// out.recipient_name(), when set, is used in the greeting.
void RenderDueItem(const scheduling::v1::DueItem& item, Audience audience,
                   const std::string& supervisor_name, const RenderOptions& options,
                   v1::Notification& out);

// The link of a child, worker or team in the case system.
std::string CaseSystemLink(const RenderOptions& options, const std::string& path);

}  // namespace oversight::notifications
