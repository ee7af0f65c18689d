// What came out of the running system, read back as clients and operators would: the services'
// gRPC answers (tasks, due items, everyone's notifications, with tokens minted at the services'
// clock time), the topics (tasks, schedule events, notifications, dead letters) and the SMTP
// listener's mail directory.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients.h"
#include "listeners.h"
#include "oversight/kafka/client_config.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::faults {

// The distinct events of one kind on a topic, by what they are about.
struct TopicEvents {
  int64_t records = 0;                                  // records of the kind, copies included
  std::map<std::string, std::set<std::string>> by_key;  // e.g. task id -> distinct event ids
  // Records of the topic (of any kind) the broker no longer held when it was read: the
  // embedded broker keeps about 5 MB per partition (kafka::TopicReadResult::no_longer_held).
  // Read for the notifications topic only (the tasks topic stays far below the cap).
  int64_t no_longer_held = 0;
};

struct ObservedOutcome {
  std::vector<triggers::v1::OversightTask> tasks;              // ListTasks, every status
  std::vector<scheduling::v1::DueItem> items;                  // ListDueItems, the authority
  std::vector<notifications::v1::Notification> notifications;  // ListNotifications, everyone
  TopicEvents task_opened;                                     // tasks topic: TaskOpened by task id
  TopicEvents task_cancelled;  // tasks topic: TaskCancelled by task id
  TopicEvents in_app_sent;     // notifications topic: in-app NotificationSent by notification id
  int64_t dead_letters = 0;    // records on the dead-letter topic
  std::vector<std::string> dead_letter_examples;  // each record's key, reason and source
  std::vector<notifications::testing::ReceivedEmail> emails;
};

struct ObservationTopics {
  kafka::ClientConfig client;
  std::string tasks;
  std::string notifications;
  std::string dead_letters;
};

// Reads everything back at the services' time `now`; `people` are everyone whose
// notifications are listed. The first error (a refused call, an unreadable topic).
absl::StatusOr<ObservedOutcome> Observe(simulator::Clients& clients,
                                        const ObservationTopics& topics,
                                        const notifications::testing::SmtpCatcher& smtp,
                                        const std::set<std::string>& people, absl::Time now);

}  // namespace oversight::faults
