#ifndef OVERSIGHT_KAFKA_TOPICS_H_
#define OVERSIGHT_KAFKA_TOPICS_H_

#include <array>
#include <string_view>

namespace oversight::kafka {

// Default topic names (shared/design/SYSTEM.md). Services take their topic names from
// configuration; these are the defaults and what the embedded broker creates.
inline constexpr std::string_view kCaseEventsTopic = "oversight.case-events.v1";
inline constexpr std::string_view kWorkforceEventsTopic = "oversight.workforce-events.v1";
inline constexpr std::string_view kSupervisionEventsTopic = "oversight.supervision-events.v1";
inline constexpr std::string_view kTasksTopic = "oversight.tasks.v1";
inline constexpr std::string_view kScheduleEventsTopic = "oversight.schedule-events.v1";
inline constexpr std::string_view kNotificationsTopic = "oversight.notifications.v1";
inline constexpr std::string_view kAuditTopic = "oversight.audit.v1";
inline constexpr std::string_view kDeadLettersTopic = "oversight.dead-letters.v1";

// Every default topic, in the order above.
inline constexpr std::array<std::string_view, 8> kDefaultTopics = {
    kCaseEventsTopic, kWorkforceEventsTopic, kSupervisionEventsTopic,
    kTasksTopic,      kScheduleEventsTopic,  kNotificationsTopic,
    kAuditTopic,      kDeadLettersTopic};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_TOPICS_H_
