// The daily digest: a person's reminders grouped into one message. Pure; thread-safe.
//
// Sections, in this order, each sorted by due date (then subject): escalated to the person,
// overdue, due today, due soon, new or reassigned oversight tasks. Reminders of the same item
// occurrence collapse into the latest stage (an item that went from "due soon" to "due" while
// waiting for the digest appears once, as due).
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "oversight/notifications/v1/notifications.pb.h"
#include "templates.h"

namespace oversight::notifications {

struct DigestSection {
  std::string heading;  // "Overdue"
  std::string counted;  // how the subject counts its entries: "overdue", "due soon" ...
  std::vector<v1::Notification> entries;
};

// The sections of a digest of `entries` (empty sections are left out).
std::vector<DigestSection> GroupForDigest(const std::vector<v1::Notification>& entries);

// The digest notification of `recipient` for the digest due at `at`, grouping `entries`
// (non-empty). Its id derives from the authority, the recipient and the London hour of `at`, so
// building it again for the same slot gives the same id. kind "digest", digest_of the grouped
// ids; not critical.
v1::Notification BuildDigest(const std::string& authority, const std::string& recipient,
                             const std::string& recipient_name,
                             const std::vector<v1::Notification>& entries, absl::Time at,
                             const RenderOptions& options);

}  // namespace oversight::notifications
