#include "routing.h"

#include "oversight/events/outbound.h"
#include "oversight/triggers/v1/tasks.pb.h"
#include "templates.h"

namespace oversight::notifications {
namespace {

v1::Notification Base(const common::v1::EventMeta& meta, const std::string& recipient,
                      const std::string& item_id, const std::string& stage, absl::Time now) {
  v1::Notification notification;
  notification.set_notification_id(
      events::DeriveId({meta.authority_id(), item_id, stage, recipient}));
  notification.set_authority_id(meta.authority_id());
  notification.set_recipient_id(recipient);
  notification.set_item_id(item_id);
  notification.set_stage(stage);
  events::ToTimestamp(now, notification.mutable_created_at());
  return notification;
}

}  // namespace

std::vector<v1::Notification> Route(const google::protobuf::Message& event,
                                    const common::v1::EventMeta& meta, absl::Time now) {
  std::vector<v1::Notification> out;
  if (const auto* opened = dynamic_cast<const triggers::v1::TaskOpened*>(&event)) {
    const auto& task = opened->task();
    if (task.owner_id().empty()) return out;
    v1::Notification notification = Base(meta, task.owner_id(), task.task_id(), "opened", now);
    RenderTaskOpened(task, notification);
    out.push_back(std::move(notification));
  } else if (const auto* reassigned = dynamic_cast<const triggers::v1::TaskReassigned*>(&event)) {
    if (reassigned->owner_id().empty()) return out;
    v1::Notification notification =
        Base(meta, reassigned->owner_id(), reassigned->task_id(), "reassigned", now);
    RenderTaskReassigned(*reassigned, notification);
    out.push_back(std::move(notification));
  }
  return out;
}

}  // namespace oversight::notifications
