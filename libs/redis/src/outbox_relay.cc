#include "oversight/redis/outbox_relay.h"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace oversight::redis {
namespace {

// Takes the lease if free, renews it if ours. Returns 1 if held afterwards, 0 otherwise.
constexpr char kAcquireLua[] = R"lua(
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
)lua";

constexpr char kReleaseLua[] = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

// Moves a malformed entry to "<outbox>:dead" (same slot) with the reason, atomically.
constexpr char kDeadLetterLua[] = R"lua(
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entries == 0 then return 0 end
local fields = entries[1][2]
redis.call('XADD', KEYS[2], '*', 'entry_id', ARGV[1], 'reason', ARGV[2], unpack(fields))
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
)lua";

std::string LeaseKey(const std::string& outbox_key) {
  return outbox_key + ":lease";
}

std::string DefaultOwnerId() {
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  std::random_device random;
  return absl::StrCat(host, "-", ::getpid(), "-", random() % 1000000);
}

// Sleeps for `d` or until `stop` is requested.
void InterruptibleWait(std::stop_token stop, absl::Duration d) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait_for(lock, stop, absl::ToChronoNanoseconds(d), [] { return false; });
}

}  // namespace

std::string DeadLetterKey(std::string_view outbox_key) {
  return absl::StrCat(std::string(outbox_key), ":dead");
}

OutboxRelay::OutboxRelay(ConnectionOptions connection, OutboxRelayOptions options,
                         OutboxPublishFn publish, OutboxRelayObserver* observer)
    : OutboxRelay(std::move(connection), std::move(options),
                  OutboxBatchPublishFn(
                      [publish = std::move(publish)](const std::vector<OutboxRecord>& records) {
                        std::vector<absl::Status> statuses;
                        for (const OutboxRecord& record : records) {
                          statuses.push_back(publish(record));
                          if (!statuses.back().ok()) break;  // the rest are not attempted
                        }
                        return statuses;
                      }),
                  observer) {
  group_size_ = 1;
}

OutboxRelay::OutboxRelay(ConnectionOptions connection, OutboxRelayOptions options,
                         OutboxBatchPublishFn publish_batch, OutboxRelayObserver* observer)
    : connection_(std::move(connection)),
      options_(std::move(options)),
      publish_batch_(std::move(publish_batch)),
      group_size_(static_cast<size_t>(std::max(options_.batch_size, 1))),
      observer_(observer != nullptr ? observer : &default_observer_),
      acquire_script_(kAcquireLua),
      release_script_(kReleaseLua),
      dead_letter_script_(kDeadLetterLua),
      keys_(options_.outbox_keys) {
  if (options_.owner_id.empty()) options_.owner_id = DefaultOwnerId();
  if (options_.batch_size < 1) options_.batch_size = 1;
}

OutboxRelay::~OutboxRelay() = default;

absl::StatusOr<bool> OutboxRelay::AcquireLease(const std::string& outbox_key) {
  absl::StatusOr<Reply> reply = acquire_script_.Eval(
      connection_, {LeaseKey(outbox_key)},
      {options_.owner_id, absl::StrCat(absl::ToInt64Milliseconds(options_.lease_ttl))},
      Idempotency::kIdempotent);
  if (!reply.ok()) return reply.status();
  return reply->integer() == 1;
}

void OutboxRelay::ReleaseLeases() {
  for (const std::string& key : keys_) {
    // Best effort: a lease we cannot release expires by itself.
    (void)release_script_.Eval(connection_, {LeaseKey(key)}, {options_.owner_id},
                               Idempotency::kIdempotent);
  }
}

absl::Status OutboxRelay::Discover() {
  if (options_.discover_pattern.empty() || absl::Now() < next_discovery_) {
    return absl::OkStatus();
  }
  std::string cursor = "0";
  do {
    absl::StatusOr<Reply> reply = CommandOrError(
        connection_,
        {"SCAN", cursor, "MATCH", options_.discover_pattern, "COUNT", "1000", "TYPE", "stream"},
        Idempotency::kIdempotent);
    if (!reply.ok()) return reply.status();
    if (!reply->is_array() || reply->elements().size() != 2) {
      return absl::InternalError(absl::StrCat("SCAN answered ", reply->DebugString()));
    }
    cursor = reply->elements()[0].str();
    for (const Reply& key : reply->elements()[1].elements()) {
      if (std::find(keys_.begin(), keys_.end(), key.str()) == keys_.end()) {
        keys_.push_back(key.str());
      }
    }
  } while (cursor != "0");
  next_discovery_ = absl::Now() + options_.discover_interval;
  return absl::OkStatus();
}

absl::StatusOr<int64_t> OutboxRelay::RelayStream(const std::string& outbox_key) {
  absl::StatusOr<bool> held = AcquireLease(outbox_key);
  if (!held.ok()) return held.status();
  if (!*held) return 0;
  absl::Time renewed = absl::Now();

  absl::StatusOr<Reply> batch = CommandOrError(
      connection_, {"XRANGE", outbox_key, "-", "+", "COUNT", absl::StrCat(options_.batch_size)},
      Idempotency::kIdempotent);
  if (!batch.ok()) return batch.status();

  std::vector<OutboxRecord> records;
  records.reserve(batch->elements().size());
  for (const Reply& entry : batch->elements()) {
    absl::StatusOr<OutboxRecord> record = ParseOutboxEntry(outbox_key, entry);
    if (record.ok()) {
      records.push_back(*std::move(record));
      continue;
    }
    // A malformed entry can never be published and would block the stream forever: park it
    // in "<outbox>:dead" for a human, report it, and go on.
    OutboxRecord bad;
    bad.outbox_key = outbox_key;
    if (entry.is_array() && !entry.elements().empty()) bad.entry_id = entry.elements()[0].str();
    failed_total_.fetch_add(1);
    observer_->OnPublishFailed(bad, record.status());
    absl::StatusOr<Reply> parked = dead_letter_script_.Eval(
        connection_, {outbox_key, DeadLetterKey(outbox_key)},
        {bad.entry_id, std::string(record.status().message())}, Idempotency::kIdempotent);
    if (!parked.ok()) return parked.status();
  }

  int64_t relayed = 0;
  absl::Status failure;
  for (size_t start = 0; start < records.size(); start += group_size_) {
    if (absl::Now() - renewed > options_.lease_ttl / 3) {
      absl::StatusOr<bool> still_held = AcquireLease(outbox_key);
      if (!still_held.ok()) return still_held.status();
      if (!*still_held) break;  // another relay took over: leave the rest to it
      renewed = absl::Now();
    }
    const size_t end = std::min(records.size(), start + group_size_);
    const std::vector<OutboxRecord> group(records.begin() + static_cast<ptrdiff_t>(start),
                                          records.begin() + static_cast<ptrdiff_t>(end));
    absl::StatusOr<int64_t> published = PublishGroup(outbox_key, group);
    if (!published.ok()) {
      failure = published.status();  // the rest of the stream waits for the next pass
      break;
    }
    relayed += *published;
  }

  absl::StatusOr<Reply> pending =
      CommandOrError(connection_, {"XLEN", outbox_key}, Idempotency::kIdempotent);
  if (pending.ok()) observer_->OnPending(outbox_key, pending->integer());
  if (!failure.ok()) return failure;
  return relayed;
}

absl::StatusOr<int64_t> OutboxRelay::PublishGroup(const std::string& outbox_key,
                                                  const std::vector<OutboxRecord>& records) {
  const std::vector<absl::Status> statuses = publish_batch_(records);
  size_t delivered = 0;
  while (delivered < statuses.size() && delivered < records.size() && statuses[delivered].ok()) {
    ++delivered;
  }
  if (delivered > 0) {
    std::vector<std::string> xdel = {"XDEL", outbox_key};
    for (size_t i = 0; i < delivered; ++i)
      xdel.push_back(records[i].entry_id);
    absl::StatusOr<Reply> deleted = CommandOrError(connection_, xdel, Idempotency::kIdempotent);
    if (!deleted.ok()) return deleted.status();  // published again later: at least once
    for (size_t i = 0; i < delivered; ++i) {
      relayed_total_.fetch_add(1);
      observer_->OnRelayed(records[i]);
    }
  }
  if (delivered == records.size()) return static_cast<int64_t>(delivered);
  const absl::Status failure =
      delivered < statuses.size()
          ? statuses[delivered]
          : absl::UnavailableError("the publisher did not attempt the record");
  failed_total_.fetch_add(1);
  observer_->OnPublishFailed(records[delivered], failure);
  return failure;
}

absl::StatusOr<int64_t> OutboxRelay::RelayOnce() {
  absl::Status first_error = Discover();
  int64_t relayed = 0;
  for (const std::string& key : keys_) {
    absl::StatusOr<int64_t> n = RelayStream(key);
    if (n.ok()) {
      relayed += *n;
    } else if (first_error.ok()) {
      first_error = n.status();
    }
  }
  if (!first_error.ok()) return first_error;
  return relayed;
}

void OutboxRelay::Run(std::stop_token stop) {
  absl::Duration backoff = options_.retry_initial_backoff;
  while (!stop.stop_requested()) {
    absl::StatusOr<int64_t> relayed = RelayOnce();
    if (!relayed.ok()) {
      observer_->OnPassFailed(relayed.status(), backoff);
      InterruptibleWait(stop, backoff);
      backoff = std::min(backoff * 2, options_.retry_max_backoff);
      continue;
    }
    backoff = options_.retry_initial_backoff;
    if (*relayed == 0) InterruptibleWait(stop, options_.poll_interval);
  }
  ReleaseLeases();
}

}  // namespace oversight::redis
