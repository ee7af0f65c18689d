// A channel that pushes a notification to a person (email, webhook): one attempt per call.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "directory.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "retry_policy.h"

namespace oversight::notifications {

class ChannelSender {
 public:
  virtual ~ChannelSender() = default;
  virtual v1::Channel channel() const = 0;
  // One attempt to deliver `notification` to `recipient` (null: not in the directory), as
  // delivery `delivery_id` at `now`. Never throws; says whether another try is worth it.
  // Called from one thread at a time.
  virtual AttemptResult Send(const v1::Notification& notification, const Person* recipient,
                             const std::string& delivery_id, absl::Time now) = 0;
};

}  // namespace oversight::notifications
