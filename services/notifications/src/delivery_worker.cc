#include "delivery_worker.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "digest.h"
#include "oversight/events/outbound.h"

namespace oversight::notifications {
namespace {

absl::Duration Since(std::chrono::steady_clock::time_point start) {
  return absl::FromChrono(std::chrono::steady_clock::now() - start);
}

}  // namespace

DeliveryWorker::DeliveryWorker(const authorities::AuthorityRegistry& authorities,
                               redis::Connection& connection, ChannelSender& sender,
                               const runtime::Clock& clock, std::string notifications_topic,
                               DeliverySettings settings, NotificationsProbe* probe,
                               const runtime::Logger* logger)
    : authorities_(authorities),
      sender_(sender),
      clock_(clock),
      settings_(settings),
      probe_(probe),
      logger_(logger),
      store_(connection, notifications_topic),
      queue_(connection, notifications_topic),
      directory_(connection) {
  random_ = [this] { return absl::Uniform<double>(bits_, 0.0, 1.0); };
}

absl::StatusOr<int> DeliveryWorker::RunOnce() {
  int claimed_total = 0;
  int64_t depth = 0;
  for (const std::string& authority : authorities_.Ids()) {
    for (;;) {
      auto claimed = queue_.Claim(authority, sender_.channel(), clock_.Now(), settings_.lease,
                                  settings_.batch);
      if (!claimed.ok()) return claimed.status();
      for (const auto& delivery : *claimed) {
        if (auto s = Attempt(authority, delivery); !s.ok()) return s;
      }
      claimed_total += static_cast<int>(claimed->size());
      if (static_cast<int>(claimed->size()) < settings_.batch) break;
    }
    auto waiting = queue_.Depth(authority, sender_.channel());
    if (!waiting.ok()) return waiting.status();
    depth += *waiting;
  }
  if (probe_ != nullptr) probe_->SetQueueDepth(ChannelName(sender_.channel()), depth);
  return claimed_total;
}

absl::Status DeliveryWorker::Attempt(const std::string& a, const ClaimedDelivery& claimed) {
  const absl::Time now = clock_.Now();
  const v1::Channel channel = claimed.channel;
  auto notification = store_.Get(a, claimed.notification_id);
  if (!notification.ok() && !absl::IsNotFound(notification.status())) {
    return notification.status();
  }
  auto finish = [&](const DeliveryOutcome& outcome, const char* counted) -> absl::Status {
    auto done = queue_.Complete(a, claimed, outcome, now);
    if (!done.ok()) return done.status();
    if (*done && probe_ != nullptr && counted != nullptr) probe_->Notified(channel, counted);
    return absl::OkStatus();
  };
  auto failed_event = [&](const std::string& reason, bool final, bool permanent) {
    v1::NotificationFailed failed;
    *failed.mutable_meta() =
        events::DerivedMeta(kServiceName, a, claimed.recipient_id, claimed.delivery_id,
                            absl::StrCat("failed:", claimed.attempt), now, now);
    failed.set_notification_id(claimed.notification_id);
    failed.set_channel(channel);
    failed.set_reason(reason);
    failed.set_attempts(claimed.attempt);
    failed.set_final(final);
    failed.set_permanent(permanent);
    failed.set_recipient_id(claimed.recipient_id);
    failed.set_delivery_id(claimed.delivery_id);
    return failed;
  };
  if (!notification.ok()) {
    const auto failed = failed_event("the notification is missing", true, true);
    return finish({DeliveryEnd::kDead, now, "the notification is missing", &failed}, "failed");
  }
  auto closed = store_.IsClosed(a, notification->occurrence_id());
  if (!closed.ok()) return closed.status();
  auto person = directory_.Find(a, claimed.recipient_id);
  if (!person.ok()) return person.status();
  const Person* recipient = person->has_value() ? &**person : nullptr;
  if (*closed || notification->has_acknowledged_at() || (recipient != nullptr && recipient->left)) {
    const std::string why = *closed ? "the item was satisfied or cancelled"
                            : notification->has_acknowledged_at() ? "acknowledged in-app"
                                                                  : "the recipient left";
    return finish({DeliveryEnd::kSuperseded, now, why, nullptr}, "superseded");
  }

  const auto start = std::chrono::steady_clock::now();
  const AttemptResult result = sender_.Send(*notification, recipient, claimed.delivery_id, now);
  if (probe_ != nullptr) probe_->Attempted(channel, result.outcome, Since(start));
  if (result.outcome == AttemptOutcome::kSent) {
    v1::NotificationSent sent;
    *sent.mutable_meta() = events::DerivedMeta(kServiceName, a, claimed.recipient_id,
                                               claimed.delivery_id, "sent", now, now);
    *sent.mutable_notification() = *notification;
    sent.set_channel(channel);
    sent.set_delivery_id(claimed.delivery_id);
    sent.set_attempts(claimed.attempt);
    return finish({DeliveryEnd::kSent, now, "", &sent}, "sent");
  }
  const RetryDecision decision =
      AfterFailure(settings_.retry, claimed.attempt, result.outcome, now, random_());
  if (decision.retry) {
    const auto failed = failed_event(result.detail, false, false);
    if (logger_ != nullptr) {
      logger_->Info("delivery failed; will retry", {{"delivery_id", claimed.delivery_id},
                                                    {"channel", ChannelName(channel)},
                                                    {"attempt", claimed.attempt},
                                                    {"next_at", absl::FormatTime(decision.next_at)},
                                                    {"error", result.detail}});
    }
    return finish({DeliveryEnd::kRetry, decision.next_at, result.detail, &failed}, nullptr);
  }
  const bool permanent = result.outcome == AttemptOutcome::kPermanent;
  const auto failed = failed_event(result.detail, true, permanent);
  if (logger_ != nullptr) {
    logger_->Warn("delivery dead-lettered", {{"delivery_id", claimed.delivery_id},
                                             {"channel", ChannelName(channel)},
                                             {"attempts", claimed.attempt},
                                             {"permanent", permanent},
                                             {"error", result.detail}});
  }
  return finish({DeliveryEnd::kDead, now, result.detail, &failed}, "failed");
}

DigestWorker::DigestWorker(const authorities::AuthorityRegistry& authorities,
                           redis::Connection& connection, const runtime::Clock& clock,
                           std::string notifications_topic, PreferenceDefaults defaults,
                           PushChannels offered, RenderOptions render, DeliverySettings settings,
                           NotificationsProbe* probe, const runtime::Logger* logger)
    : authorities_(authorities),
      connection_(connection),
      clock_(clock),
      offered_(offered),
      render_(std::move(render)),
      settings_(settings),
      probe_(probe),
      logger_(logger),
      store_(connection, notifications_topic, std::move(defaults)),
      queue_(connection, notifications_topic),
      directory_(connection) {}

absl::StatusOr<int> DigestWorker::RunOnce() {
  int built = 0;
  int64_t pending = 0;
  for (const std::string& authority : authorities_.Ids()) {
    const authorities::Authority* policy = authorities_.Find(authority);
    for (;;) {
      auto due = queue_.ClaimDigests(authority, clock_.Now(), settings_.lease, settings_.batch);
      if (!due.ok()) return due.status();
      for (const auto& recipient : *due) {
        auto queued = BuildOne(authority, *policy->calendar, recipient);
        if (!queued.ok()) return queued.status();
        built += *queued ? 1 : 0;
      }
      if (static_cast<int>(due->size()) < settings_.batch) break;
    }
    auto scheduled = queue_.DigestsPending(authority);
    if (!scheduled.ok()) return scheduled.status();
    pending += *scheduled;
  }
  if (probe_ != nullptr) probe_->SetQueueDepth("digest", pending);
  return built;
}

absl::StatusOr<bool> DigestWorker::BuildOne(const std::string& a,
                                            const policy::WorkingCalendar& calendar,
                                            const std::string& recipient) {
  const absl::Time now = clock_.Now();
  auto ids = queue_.DigestEntries(a, recipient);
  if (!ids.ok()) return ids.status();
  std::vector<v1::Notification> live;
  for (const auto& id : *ids) {
    auto n = store_.Get(a, id);
    if (absl::IsNotFound(n.status())) continue;
    if (!n.ok()) return n.status();
    auto closed = store_.IsClosed(a, n->occurrence_id());
    if (!closed.ok()) return closed.status();
    if (*closed || n->has_acknowledged_at()) continue;
    live.push_back(*std::move(n));
  }
  auto preferences = store_.GetPreferences(a, recipient);
  if (!preferences.ok()) return preferences.status();
  auto person = directory_.Find(a, recipient);
  if (!person.ok()) return person.status();
  std::vector<v1::Channel> channels;
  for (int value : preferences->channels()) {
    const auto channel = static_cast<v1::Channel>(value);
    const bool offered = (channel == v1::CHANNEL_EMAIL && offered_.email) ||
                         (channel == v1::CHANNEL_WEBHOOK && offered_.webhook);
    if (offered && std::find(channels.begin(), channels.end(), channel) == channels.end()) {
      channels.push_back(channel);
    }
  }
  const bool left = person->has_value() && (*person)->left;

  redis::ChangeSet change;
  bool queued = false;
  std::string digest_id = "none";
  if (!live.empty() && !channels.empty() && !left) {
    const v1::Notification digest = BuildDigest(
        a, recipient, person->has_value() ? (*person)->display_name : "", live, now, render_);
    digest_id = digest.notification_id();
    const std::string key = NotificationKey(a, digest_id);
    change.Write(key, {"SET", key, digest.SerializeAsString(), "NX"});
    for (v1::Channel channel : channels)
      AddDelivery(change, a, digest_id, recipient, channel, now, now);
    queued = true;
  }
  const std::string entries = DigestKey(a, recipient);
  for (const auto& id : *ids)
    change.Write(entries, {"ZREM", entries, id});
  if (!change.empty()) {
    const std::string event_id =
        events::DeriveId({"digest", recipient, digest_id, absl::StrJoin(*ids, ",")});
    auto applied = change.Apply(connection_, a, kServiceName, event_id);
    if (!applied.ok()) return applied.status();
  }
  const absl::Time next =
      preferences->digest_hour() >= 0
          ? NextDigestTime(now + absl::Seconds(1), preferences->digest_hour(), calendar)
          : now + absl::Minutes(1);
  if (auto s = queue_.RescheduleDigest(a, recipient, next); !s.ok()) return s;
  if (queued && logger_ != nullptr) {
    logger_->Info(
        "digest queued",
        {{"recipient_id", recipient}, {"entries", live.size()}, {"notification_id", digest_id}});
  }
  return queued;
}

void RunEvery(std::stop_token stop, absl::Duration interval, const std::string& name,
              const std::function<absl::Status()>& pass, const runtime::Logger* logger) {
  std::mutex mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    if (auto s = pass(); !s.ok() && logger != nullptr) {
      logger->Warn(name + " pass failed; retrying", {{"error", s.ToString()}});
    }
    std::unique_lock lock(mu);
    wake.wait_for(lock, stop, absl::ToChronoMilliseconds(interval), [] { return false; });
  }
}

}  // namespace oversight::notifications
