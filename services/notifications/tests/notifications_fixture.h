// What notifications' integration tests share: a real redis-server, the devon authority, a
// manual clock, the event handler fed with records encoded as a producer encodes them, a small
// directory (worker-1 -> manager-1 -> head-1), and readers for the outbox.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "delivery_worker.h"
#include "event_handler.h"
#include "notification_store.h"
#include "oversight/authorities/authorities.h"
#include "oversight/events/outbound.h"
#include "oversight/kafka/event_record.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/kafka/testing/publish.h"
#include "oversight/kafka/topics.h"
#include "oversight/redis/outbox.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/runtime/clock.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::notifications::testing {

inline absl::Time Utc(int y, int m, int d, int h, int min = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, min, 0), absl::UTCTimeZone());
}

class NotificationsFixture : public ::testing::Test {
 protected:
  static constexpr char kTopic[] = "oversight.notifications.v1";

  static void SetUpTestSuite() {
    auto server = redis::testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto registry = authorities::AuthorityRegistry::Load(policy::DefaultPackDir(),
                                                         policy::DefaultCalendarPath(), {"devon"});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete registry_;
  }

  void SetUp() override {
    connection_ = Connect();
    ASSERT_TRUE(connection_->Command({"FLUSHALL"}).ok());
    store_ = std::make_unique<NotificationStore>(*connection_, kTopic);
    handler_ = std::make_unique<EventHandler>(*registry_, *store_, *connection_, clock_,
                                              HandlerSettings{render_, {}, {true, true}});
  }

  static std::unique_ptr<redis::Connection> Connect() {
    auto connection = redis::Connection::Connect(server_->connection_options());
    EXPECT_TRUE(connection.ok()) << connection.status();
    return connection.ok() ? std::move(*connection) : nullptr;
  }

  // `event` as the consumer hands it over: CloudEvents headers, protobuf payload.
  static kafka::ConsumedMessage Record(const google::protobuf::Message& event,
                                       const std::string& key = "k") {
    auto consumed = kafka::testing::AsConsumedEvent("topic", key, event);
    EXPECT_TRUE(consumed.ok()) << consumed.status();
    return consumed.ok() ? *std::move(consumed) : kafka::ConsumedMessage{};
  }

  void Handle(const google::protobuf::Message& event) {
    auto outcome = handler_->Handle(Record(event));
    ASSERT_EQ(outcome.kind, kafka::HandlerOutcome::Kind::kProcessed)
        << outcome.reason << ": " << outcome.detail;
  }

  common::v1::EventMeta Meta(const std::string& event_id) const {
    common::v1::EventMeta meta;
    meta.set_event_id(event_id);
    meta.set_authority_id("devon");
    events::ToTimestamp(clock_.Now(), meta.mutable_occurred_at());
    return meta;
  }

  // HR publishes a person (their email is "<id>@example.org").
  void Join(const std::string& id, const std::string& name, const std::string& manager,
            const std::string& webhook = "") {
    workforce::v1::WorkerJoined joined;
    *joined.mutable_meta() = Meta("join-" + id);
    joined.mutable_meta()->set_subject(id);
    joined.set_worker_id(id);
    joined.set_display_name(name);
    joined.set_email(id + "@example.org");
    joined.set_supervisor_id(manager);
    joined.set_team_id("team-a");
    joined.set_webhook_url(webhook);
    Handle(joined);
  }
  void JoinTeam() {
    Join("worker-1", "Wanda Worker", "manager-1");
    Join("manager-1", "Mo Manager", "head-1");
    Join("head-1", "Hana Head", "");
  }

  // A due item of worker-1, supervised by manager-1, due on `due` (London end of day).
  static scheduling::v1::DueItem Item(scheduling::v1::ItemKind kind, const std::string& item_id,
                                      absl::Time due) {
    scheduling::v1::DueItem item;
    item.set_item_id(item_id);
    item.set_authority_id("devon");
    item.set_kind(kind);
    item.set_worker_id("worker-1");
    item.set_supervisor_id("manager-1");
    item.set_team_id("team-a");
    item.mutable_explanation()->set_rule_id("D1");
    events::ToTimestamp(due, item.mutable_due_at());
    return item;
  }

  template <typename Event>
  Event StageEvent(const scheduling::v1::DueItem& item, const std::string& event_id) {
    Event event;
    *event.mutable_meta() = Meta(event_id);
    event.mutable_meta()->set_subject(item.worker_id());
    *event.mutable_item() = item;
    return event;
  }

  // The records in notifications' outbox whose ce_type is `type`, decoded.
  template <typename Message>
  std::vector<Message> Outbox(const std::string& type) {
    std::vector<Message> out;
    const std::string key = redis::OutboxKey("devon", kServiceName);
    auto entries = connection_->Command({"XRANGE", key, "-", "+"});
    EXPECT_TRUE(entries.ok());
    for (const auto& entry : entries->elements()) {
      auto record = redis::ParseOutboxEntry(key, entry);
      if (!record.ok()) continue;
      for (const auto& [name, value] : record->headers) {
        if (name != "ce_type" || value != type) continue;
        Message message;
        if (message.ParseFromString(record->value)) out.push_back(std::move(message));
      }
    }
    return out;
  }

  DeliverySettings Delivery(int max_attempts = 5) const {
    DeliverySettings settings;
    settings.retry.initial_backoff = absl::Minutes(1);
    settings.retry.max_backoff = absl::Minutes(30);
    settings.retry.max_attempts = max_attempts;
    settings.lease = absl::Minutes(2);
    return settings;
  }

  static inline redis::testing::RedisServer* server_ = nullptr;
  static inline authorities::AuthorityRegistry* registry_ = nullptr;
  // Tue 1 Dec 2026 10:00 GMT: a working day, outside the default quiet hours (18:00-08:00).
  runtime::ManualClock clock_{Utc(2026, 12, 1, 10)};
  RenderOptions render_{"https://lcs.example.gov.uk"};
  std::unique_ptr<redis::Connection> connection_;
  std::unique_ptr<NotificationStore> store_;
  std::unique_ptr<EventHandler> handler_;
};

}  // namespace oversight::notifications::testing
