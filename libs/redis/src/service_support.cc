#include "oversight/redis/service_support.h"

#include "absl/strings/str_cat.h"
#include "oversight/redis/outbox.h"

namespace oversight::redis {

ConnectionOptions ConnectionOptionsFromConfig(const runtime::Config& config,
                                              std::string_view prefix) {
  const std::string p(prefix);
  ConnectionOptions options;
  options.host = config.GetString(p + ".host", options.host);
  options.port = static_cast<int>(config.GetInt(p + ".port", options.port, 1, 65535));
  options.username = config.GetString(p + ".username");
  options.password = config.GetString(p + ".password");
  options.db = static_cast<int>(config.GetInt(p + ".db", 0, 0, 1 << 20));
  options.connect_timeout =
      config.GetDuration(p + ".connect_timeout", options.connect_timeout, absl::Milliseconds(1));
  options.command_timeout =
      config.GetDuration(p + ".command_timeout", options.command_timeout, absl::Milliseconds(1));
  options.reconnect_max_backoff = config.GetDuration(
      p + ".reconnect_max_backoff", options.reconnect_max_backoff, absl::Milliseconds(1));
  return options;
}

OutboxRelayOptions OutboxRelayOptionsFromConfig(const runtime::Config& config,
                                                std::string_view service) {
  OutboxRelayOptions options;
  options.discover_pattern = OutboxKeyPattern(service);
  options.lease_ttl = config.GetDuration("outbox.lease_ttl", options.lease_ttl, absl::Seconds(1));
  options.batch_size = static_cast<int>(config.GetInt("outbox.batch_size", 500, 1, 10000));
  options.poll_interval =
      config.GetDuration("outbox.poll_interval", options.poll_interval, absl::Milliseconds(1));
  options.retry_max_backoff = config.GetDuration("outbox.retry_max_backoff",
                                                 options.retry_max_backoff, absl::Milliseconds(1));
  options.owner_id = config.GetString("outbox.owner_id", "");
  return options;
}

OutboxRelayProbe::OutboxRelayProbe(prometheus::Registry& registry, const runtime::Logger* logger)
    : pending_(prometheus::BuildGauge()
                   .Name("oversight_outbox_pending")
                   .Help("Outbox entries waiting to be published, per outbox stream")
                   .Register(registry)),
      relayed_(prometheus::BuildCounter()
                   .Name("oversight_outbox_relayed_total")
                   .Help("Outbox records published to the broker and deleted, per topic")
                   .Register(registry)),
      failures_(prometheus::BuildCounter()
                    .Name("oversight_outbox_publish_failures_total")
                    .Help("Failed outbox publishes (the record is kept and retried), per topic")
                    .Register(registry)),
      logger_(logger) {}

void OutboxRelayProbe::OnPending(const std::string& outbox_key, int64_t pending) {
  pending_.Add({{"outbox", outbox_key}}).Set(static_cast<double>(pending));
}

void OutboxRelayProbe::OnRelayed(const OutboxRecord& record) {
  relayed_.Add({{"topic", record.topic}}).Increment();
}

void OutboxRelayProbe::OnPublishFailed(const OutboxRecord& record, const absl::Status& status) {
  failures_.Add({{"topic", record.topic}}).Increment();
  if (logger_ != nullptr) {
    logger_->Warn("outbox publish failed; will retry", {{"outbox", record.outbox_key},
                                                        {"entry", record.entry_id},
                                                        {"topic", record.topic},
                                                        {"error", std::string(status.message())}});
  }
}

void OutboxRelayProbe::OnPassFailed(const absl::Status& status, absl::Duration backoff) {
  if (logger_ != nullptr) {
    logger_->Warn("outbox relay pass failed",
                  {{"error", status.ToString()}, {"backoff", absl::FormatDuration(backoff)}});
  }
}

}  // namespace oversight::redis
