#include "digest.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "oversight/events/outbound.h"
#include "plain_message.h"

namespace oversight::notifications {
namespace {

// Section order; a larger rank is a later stage of the same occurrence.
enum Rank { kOpened = 0, kDueSoon = 1, kDue = 2, kOverdue = 3, kEscalated = 4 };

Rank RankOf(const v1::Notification& n) {
  const std::string& stage = n.stage();
  if (absl::StartsWith(stage, "escalated")) return kEscalated;
  if (stage == "overdue") return kOverdue;
  if (stage == "due") return kDue;
  if (stage == "due_soon") return kDueSoon;
  return kOpened;
}

struct Words {
  const char* heading;
  const char* counted;
};

Words WordsOf(Rank rank) {
  switch (rank) {
    case kEscalated:
      return {"Escalated", "escalated"};
    case kOverdue:
      return {"Overdue", "overdue"};
    case kDue:
      return {"Due today", "due today"};
    case kDueSoon:
      return {"Due soon", "due soon"};
    case kOpened:
      break;
  }
  return {"New oversight tasks", "new tasks"};
}

}  // namespace

std::vector<DigestSection> GroupForDigest(const std::vector<v1::Notification>& entries) {
  // One entry per occurrence: its latest stage.
  std::map<std::string, const v1::Notification*> latest;
  for (const auto& n : entries) {
    const std::string key = n.occurrence_id().empty() ? n.notification_id() : n.occurrence_id();
    auto [it, inserted] = latest.emplace(key, &n);
    if (!inserted && RankOf(n) > RankOf(*it->second)) it->second = &n;
  }
  std::vector<DigestSection> sections;
  for (Rank rank : {kEscalated, kOverdue, kDue, kDueSoon, kOpened}) {
    DigestSection section;
    section.heading = WordsOf(rank).heading;
    section.counted = WordsOf(rank).counted;
    for (const auto& [key, n] : latest) {
      if (RankOf(*n) == rank) section.entries.push_back(*n);
    }
    if (section.entries.empty()) continue;
    std::sort(section.entries.begin(), section.entries.end(),
              [](const v1::Notification& x, const v1::Notification& y) {
                if (x.due_at().seconds() != y.due_at().seconds()) {
                  return x.due_at().seconds() < y.due_at().seconds();
                }
                return x.subject() < y.subject();
              });
    sections.push_back(std::move(section));
  }
  return sections;
}

v1::Notification BuildDigest(const std::string& authority, const std::string& recipient,
                             const std::string& recipient_name,
                             const std::vector<v1::Notification>& entries, absl::Time at,
                             const RenderOptions& options) {
  const std::string day = LondonDay(at);
  const std::string slot = absl::FormatTime("%Y-%m-%dT%H", at, absl::UTCTimeZone());
  v1::Notification digest;
  digest.set_notification_id(events::DeriveId({authority, "digest", recipient, slot}));
  digest.set_authority_id(authority);
  digest.set_recipient_id(recipient);
  digest.set_recipient_name(recipient_name);
  digest.set_item_id("digest:" + slot);
  digest.set_kind("digest");
  digest.set_stage("digest");
  digest.set_link(CaseSystemLink(options, "/supervision"));
  events::ToTimestamp(at, digest.mutable_created_at());

  const auto sections = GroupForDigest(entries);
  PlainMessage message;
  message.greeting_name = recipient_name;
  std::string summary;
  size_t total = 0;
  for (const auto& section : sections) {
    total += section.entries.size();
    absl::StrAppend(&summary, summary.empty() ? "" : ", ", section.entries.size(), " ",
                    section.counted);
  }
  message.paragraphs.push_back(absl::StrCat("Your supervision and oversight reminders for ", day,
                                            ": ", total, total == 1 ? " item" : " items", "."));
  for (const auto& section : sections) {
    PlainMessage::Section out{section.heading, {}};
    for (const auto& n : section.entries) {
      out.items.push_back(
          {n.subject() + (n.rule_id().empty() ? "" : " (rule " + n.rule_id() + ")"), n.link()});
      digest.add_digest_of(n.notification_id());
    }
    message.sections.push_back(std::move(out));
  }
  message.action = "See everything in the case system";
  message.link = digest.link();
  message.footer =
      "You receive one digest a working day at the hour you chose, instead of one message per "
      "reminder. Escalations and overdue child-protection items are still sent at once.";
  digest.set_subject("Your Oversight reminders for " + day + ": " + summary);
  digest.set_body_text(message.Text());
  digest.set_body_html(message.Html());
  return digest;
}

}  // namespace oversight::notifications
