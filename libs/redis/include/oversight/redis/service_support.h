#ifndef OVERSIGHT_REDIS_SERVICE_SUPPORT_H_
#define OVERSIGHT_REDIS_SERVICE_SUPPORT_H_

// Glue between libs/redis and libs/runtime for service mains (target oversight_redis_runtime):
// Redis and outbox settings from the service Config, and outbox relay metrics in Prometheus.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>

#include "oversight/redis/connection.h"
#include "oversight/redis/outbox_relay.h"
#include "oversight/runtime/config.h"
#include "oversight/runtime/logger.h"

namespace oversight::redis {

// Reads <prefix>.host (127.0.0.1), <prefix>.port (6379), <prefix>.username, <prefix>.password,
// <prefix>.db (0), <prefix>.connect_timeout (1s), <prefix>.command_timeout (2s),
// <prefix>.reconnect_max_backoff (2s). Bad values are recorded in `config` (Config::Validate)
// and replaced by the defaults.
ConnectionOptions ConnectionOptionsFromConfig(const runtime::Config& config,
                                              std::string_view prefix = "redis");

// Reads outbox.lease_ttl (15s), outbox.batch_size (500), outbox.poll_interval (100ms),
// outbox.retry_max_backoff (10s) and outbox.owner_id (default "": "<hostname>-<pid>-<random>",
// see OutboxRelayOptions::owner_id); relays every authority's outbox of `service` (discovery by
// OutboxKeyPattern(service)).
OutboxRelayOptions OutboxRelayOptionsFromConfig(const runtime::Config& config,
                                                std::string_view service);

// OutboxRelayObserver that keeps Prometheus metrics and logs failures:
//   oversight_outbox_pending{outbox}                 entries waiting, per outbox stream
//   oversight_outbox_relayed_total{topic}            records published and deleted
//   oversight_outbox_publish_failures_total{topic}   failed publishes (records kept, retried)
// Thread-safe. `registry` and `logger` (may be null) must outlive it.
class OutboxRelayProbe : public OutboxRelayObserver {
 public:
  OutboxRelayProbe(prometheus::Registry& registry, const runtime::Logger* logger = nullptr);

  void OnPending(const std::string& outbox_key, int64_t pending) override;
  void OnRelayed(const OutboxRecord& record) override;
  void OnPublishFailed(const OutboxRecord& record, const absl::Status& status) override;
  void OnPassFailed(const absl::Status& status, absl::Duration backoff) override;

 private:
  prometheus::Family<prometheus::Gauge>& pending_;
  prometheus::Family<prometheus::Counter>& relayed_;
  prometheus::Family<prometheus::Counter>& failures_;
  const runtime::Logger* logger_;
};

}  // namespace oversight::redis

#endif  // OVERSIGHT_REDIS_SERVICE_SUPPORT_H_
