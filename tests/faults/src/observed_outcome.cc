#include "observed_outcome.h"

#include "absl/strings/str_cat.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/kafka/topic_reader.h"

namespace oversight::faults {
namespace {

// Everyone's roles for reading back: the whole authority's tasks and items, anyone's inbox.
const std::vector<std::string> kReaderRoles = {"senior-manager", "head-of-service",
                                               "notifications-admin", "quality-assurance"};

absl::Status ReadTasks(simulator::Clients& clients, absl::Time now, ObservedOutcome& out) {
  triggers::v1::ListTasksRequest request;
  request.set_authority_id(clients.authority());
  request.mutable_page()->set_page_size(500);
  while (true) {
    triggers::v1::ListTasksResponse response;
    auto context = clients.As("fault-suite", kReaderRoles, now);
    if (auto status = simulator::FromGrpc(
            clients.triggers().ListTasks(context.get(), request, &response), "ListTasks");
        !status.ok()) {
      return status;
    }
    for (auto& task : *response.mutable_tasks())
      out.tasks.push_back(std::move(task));
    if (response.page().next_page_token().empty()) return absl::OkStatus();
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
}

absl::Status ReadItems(simulator::Clients& clients, absl::Time now, ObservedOutcome& out) {
  scheduling::v1::ListDueItemsRequest request;
  request.set_authority_id(clients.authority());
  request.mutable_page()->set_page_size(500);
  while (true) {
    scheduling::v1::ListDueItemsResponse response;
    auto context = clients.As("fault-suite", kReaderRoles, now);
    if (auto status = simulator::FromGrpc(
            clients.scheduling().ListDueItems(context.get(), request, &response), "ListDueItems");
        !status.ok()) {
      return status;
    }
    for (auto& item : *response.mutable_items())
      out.items.push_back(std::move(item));
    if (response.page().next_page_token().empty()) return absl::OkStatus();
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
}

absl::Status ReadNotifications(simulator::Clients& clients, const std::set<std::string>& people,
                               absl::Time now, ObservedOutcome& out) {
  for (const std::string& person : people) {
    notifications::v1::ListNotificationsRequest request;
    request.set_authority_id(clients.authority());
    request.set_recipient_id(person);
    request.mutable_page()->set_page_size(500);
    while (true) {
      notifications::v1::ListNotificationsResponse response;
      auto context = clients.As("fault-suite", kReaderRoles, now);
      if (auto status = simulator::FromGrpc(
              clients.notifications().ListNotifications(context.get(), request, &response),
              absl::StrCat("ListNotifications for ", person));
          !status.ok()) {
        return status;
      }
      for (auto& n : *response.mutable_notifications())
        out.notifications.push_back(std::move(n));
      if (response.page().next_page_token().empty()) break;
      request.mutable_page()->set_page_token(response.page().next_page_token());
    }
  }
  return absl::OkStatus();
}

// Every record of `topic` the broker still holds, decoded; `take` sees each event.
absl::StatusOr<kafka::TopicReadResult> ReadTopic(
    const kafka::ClientConfig& client, const std::string& topic,
    const std::function<void(const kafka::ConsumedMessage&, const google::protobuf::Message&)>&
        take) {
  auto read = kafka::ReadTopicToEnd(
      client, topic,
      [&](const kafka::ConsumedMessage& record) {
        auto event = kafka::DecodeEvent(record.headers, record.value);
        if (!event.ok()) {
          return absl::DataLossError(absl::StrCat("an undecodable record on ", topic, " at ",
                                                  record.partition, "/", record.offset, ": ",
                                                  event.status().message()));
        }
        take(record, *event->message);
        return absl::OkStatus();
      },
      absl::Minutes(2));
  return read;
}

}  // namespace

absl::StatusOr<ObservedOutcome> Observe(simulator::Clients& clients,
                                        const ObservationTopics& topics,
                                        const notifications::testing::SmtpCatcher& smtp,
                                        const std::set<std::string>& people, absl::Time now) {
  ObservedOutcome out;
  if (auto s = ReadTasks(clients, now, out); !s.ok()) return s;
  if (auto s = ReadItems(clients, now, out); !s.ok()) return s;
  if (auto s = ReadNotifications(clients, people, now, out); !s.ok()) return s;

  auto read_tasks = ReadTopic(
      topics.client, topics.tasks,
      [&](const kafka::ConsumedMessage&, const google::protobuf::Message& event) {
        if (const auto* opened = dynamic_cast<const triggers::v1::TaskOpened*>(&event)) {
          ++out.task_opened.records;
          out.task_opened.by_key[opened->task().task_id()].insert(opened->meta().event_id());
        } else if (const auto* cancelled =
                       dynamic_cast<const triggers::v1::TaskCancelled*>(&event)) {
          ++out.task_cancelled.records;
          out.task_cancelled.by_key[cancelled->task_id()].insert(cancelled->meta().event_id());
        }
      });
  if (!read_tasks.ok()) return read_tasks.status();
  auto read_sent = ReadTopic(
      topics.client, topics.notifications,
      [&](const kafka::ConsumedMessage&, const google::protobuf::Message& event) {
        const auto* sent = dynamic_cast<const notifications::v1::NotificationSent*>(&event);
        if (sent == nullptr || sent->channel() != notifications::v1::CHANNEL_IN_APP) return;
        ++out.in_app_sent.records;
        out.in_app_sent.by_key[sent->notification().notification_id()].insert(
            sent->meta().event_id());
      });
  if (!read_sent.ok()) return read_sent.status();
  out.in_app_sent.no_longer_held = read_sent->no_longer_held;
  auto dead = kafka::ReadTopicToEnd(
      topics.client, topics.dead_letters,
      [&](const kafka::ConsumedMessage& record) {
        std::string what = record.key;
        for (const auto& header : record.headers) {
          const std::string& name = header.key;
          const std::string& value = header.value;
          if (name.find("reason") != std::string::npos ||
              name.find("detail") != std::string::npos || name.find("error") != std::string::npos ||
              name.find("type") != std::string::npos || name.find("source") != std::string::npos) {
            absl::StrAppend(&what, " ", name, "=", value.substr(0, 200));
          }
        }
        out.dead_letter_examples.push_back(std::move(what));
        return absl::OkStatus();
      },
      absl::Minutes(1));
  if (!dead.ok()) return dead.status();
  out.dead_letters = dead->records;
  out.emails = smtp.Messages();
  return out;
}

}  // namespace oversight::faults
