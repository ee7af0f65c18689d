#include "notifications_grpc.h"

#include <algorithm>
#include <thread>

#include "notification_store.h"
#include "oversight/authorities/call_authorization.h"
#include "oversight/runtime/grpc_status.h"

namespace oversight::notifications {
namespace {

constexpr char kAdminRole[] = "notifications-admin";

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

}  // namespace

grpc::Status NotificationsGrpcService::Authorize(grpc::ServerContext* context,
                                                 const std::string& authority_id,
                                                 const std::string& recipient_id,
                                                 const google::protobuf::Message& request) const {
  auto principal =
      authorities::AuthorizeRequest(authenticator_, *context, authorities_, authority_id, request);
  if (!principal.ok()) return runtime::ToGrpcStatus(principal.status());
  if (recipient_id.empty()) return Invalid("recipient_id is required");
  if (recipient_id.size() > 256) return Invalid("recipient_id is too long");
  const bool admin = std::find(principal->roles.begin(), principal->roles.end(), kAdminRole) !=
                     principal->roles.end();
  if (!admin && principal->subject != recipient_id) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "a person may only see their own notifications (token subject \"" +
                            principal->subject + "\")");
  }
  return grpc::Status::OK;
}

grpc::Status NotificationsGrpcService::ListNotifications(
    grpc::ServerContext* context, const v1::ListNotificationsRequest* request,
    v1::ListNotificationsResponse* response) {
  if (auto s = Authorize(context, request->authority_id(), request->recipient_id(), *request);
      !s.ok()) {
    return s;
  }
  if (request->page().page_size() < 0) return Invalid("page.page_size must not be negative");
  auto lease = pool_.Acquire();
  NotificationStore store(*lease, notifications_topic_);
  auto listed = store.List(*request);
  if (!listed.ok()) return runtime::ToGrpcStatus(listed.status());
  *response = *std::move(listed);
  return grpc::Status::OK;
}

grpc::Status NotificationsGrpcService::Acknowledge(grpc::ServerContext* context,
                                                   const v1::AcknowledgeRequest* request,
                                                   v1::Notification* response) {
  if (auto s = Authorize(context, request->authority_id(), request->recipient_id(), *request);
      !s.ok()) {
    return s;
  }
  if (request->notification_id().empty()) return Invalid("notification_id is required");
  auto lease = pool_.Acquire();
  NotificationStore store(*lease, notifications_topic_);
  auto acknowledged = store.Acknowledge(*request, clock_.Now());
  if (!acknowledged.ok()) return runtime::ToGrpcStatus(acknowledged.status());
  *response = *std::move(acknowledged);
  return grpc::Status::OK;
}

grpc::Status NotificationsGrpcService::StreamNotifications(
    grpc::ServerContext* context, const v1::StreamNotificationsRequest* request,
    grpc::ServerWriter<v1::Notification>* writer) {
  if (auto s = Authorize(context, request->authority_id(), request->recipient_id(), *request);
      !s.ok()) {
    return s;
  }
  // Created-at stamps come from the service clock, which tests and the demo may move; the
  // cursor starts at the newest existing notification instead of "now".
  int64_t cursor = 0;
  {
    auto lease = pool_.Acquire();
    NotificationStore store(*lease, notifications_topic_);
    auto existing = store.Since(request->authority_id(), request->recipient_id(), 0);
    if (!existing.ok()) return runtime::ToGrpcStatus(existing.status());
    for (const auto& n : *existing)
      cursor = std::max(cursor, CreatedMicros(n));
  }
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    {
      auto lease = pool_.Acquire();
      NotificationStore store(*lease, notifications_topic_);
      auto fresh = store.Since(request->authority_id(), request->recipient_id(), cursor);
      if (fresh.ok()) {
        for (const auto& n : *fresh) {
          if (!writer->Write(n)) return grpc::Status::OK;  // the client went away
          cursor = std::max(cursor, CreatedMicros(n));
        }
      }
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(stream_poll_interval_));
  }
  return grpc::Status::OK;
}

grpc::Status NotificationsGrpcService::GetPreferences(grpc::ServerContext* context,
                                                      const v1::GetPreferencesRequest* request,
                                                      v1::Preferences* response) {
  if (auto s = Authorize(context, request->authority_id(), request->recipient_id(), *request);
      !s.ok()) {
    return s;
  }
  auto lease = pool_.Acquire();
  NotificationStore store(*lease, notifications_topic_, defaults_);
  auto preferences = store.GetPreferences(request->authority_id(), request->recipient_id());
  if (!preferences.ok()) return runtime::ToGrpcStatus(preferences.status());
  *response = *std::move(preferences);
  return grpc::Status::OK;
}

grpc::Status NotificationsGrpcService::SetPreferences(grpc::ServerContext* context,
                                                      const v1::Preferences* request,
                                                      v1::Preferences* response) {
  if (auto s = Authorize(context, request->authority_id(), request->recipient_id(), *request);
      !s.ok()) {
    return s;
  }
  for (int channel : request->channels()) {
    if (!v1::Channel_IsValid(channel) || channel == v1::CHANNEL_UNSPECIFIED) {
      return Invalid("channels: unknown channel " + std::to_string(channel));
    }
  }
  if (request->digest_hour() < -1 || request->digest_hour() > 23) {
    return Invalid("digest_hour must be -1 (no digest) or 0-23 (Europe/London)");
  }
  if (request->quiet_start_hour() < 0 || request->quiet_start_hour() > 23 ||
      request->quiet_end_hour() < 0 || request->quiet_end_hour() > 23) {
    return Invalid("quiet_start_hour and quiet_end_hour must be 0-23 (Europe/London)");
  }
  auto lease = pool_.Acquire();
  NotificationStore store(*lease, notifications_topic_);
  if (auto s = store.SetPreferences(*request); !s.ok()) return runtime::ToGrpcStatus(s);
  *response = *request;
  return grpc::Status::OK;
}

}  // namespace oversight::notifications
