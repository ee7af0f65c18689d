// The gRPC API of notifications (oversight.notifications.v1.NotificationsService): a person's
// in-app notifications, acknowledgements, a live stream, and channel preferences. A caller may
// only read and change their own notifications and preferences (the token's subject), unless
// they hold the "notifications-admin" role.
#pragma once

#include "notification_store.h"
#include "oversight/authorities/authorities.h"
#include "oversight/notifications/v1/notifications.grpc.pb.h"
#include "oversight/redis/connection_pool.h"
#include "oversight/runtime/auth.h"
#include "oversight/runtime/clock.h"

namespace oversight::notifications {

// Thread-safe: each call borrows its own Redis connection.
class NotificationsGrpcService final : public v1::NotificationsService::Service {
 public:
  NotificationsGrpcService(const authorities::AuthorityRegistry& authorities,
                           redis::ConnectionPool& pool, const runtime::Authenticator& authenticator,
                           const runtime::Clock& clock, std::string notifications_topic,
                           PreferenceDefaults defaults = {},
                           absl::Duration stream_poll_interval = absl::Milliseconds(200))
      : authorities_(authorities),
        pool_(pool),
        authenticator_(authenticator),
        clock_(clock),
        notifications_topic_(std::move(notifications_topic)),
        defaults_(std::move(defaults)),
        stream_poll_interval_(stream_poll_interval) {}

  grpc::Status ListNotifications(grpc::ServerContext* context,
                                 const v1::ListNotificationsRequest* request,
                                 v1::ListNotificationsResponse* response) override;
  grpc::Status Acknowledge(grpc::ServerContext* context, const v1::AcknowledgeRequest* request,
                           v1::Notification* response) override;
  // Sends every notification created after the call started, as it is stored, until the client
  // cancels or the server shuts down. New ones reach the client within stream_poll_interval.
  // The server sends its initial metadata once the stream is live: a client that waits for it
  // (ClientReader::WaitForInitialMetadata) receives everything created afterwards.
  grpc::Status StreamNotifications(grpc::ServerContext* context,
                                   const v1::StreamNotificationsRequest* request,
                                   grpc::ServerWriter<v1::Notification>* writer) override;
  grpc::Status GetPreferences(grpc::ServerContext* context,
                              const v1::GetPreferencesRequest* request,
                              v1::Preferences* response) override;
  // Returns the person's preferences, or the deployment's defaults if they never set any.
  // Channels must be known values; hours 0-23 (digest_hour -1 turns the digest off).
  grpc::Status SetPreferences(grpc::ServerContext* context, const v1::Preferences* request,
                              v1::Preferences* response) override;

 private:
  // The caller, their authority, the checks every request passes (AuthorizeRequest), then
  // recipient_id: required, and the caller's own unless they are a notifications-admin.
  grpc::Status Authorize(grpc::ServerContext* context, const std::string& authority_id,
                         const std::string& recipient_id,
                         const google::protobuf::Message& request) const;

  const authorities::AuthorityRegistry& authorities_;
  redis::ConnectionPool& pool_;
  const runtime::Authenticator& authenticator_;
  const runtime::Clock& clock_;
  std::string notifications_topic_;
  PreferenceDefaults defaults_;
  absl::Duration stream_poll_interval_;
};

}  // namespace oversight::notifications
