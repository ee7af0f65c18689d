#ifndef OVERSIGHT_KAFKA_CLIENT_CONFIG_H_
#define OVERSIGHT_KAFKA_CLIENT_CONFIG_H_

#include <map>
#include <string>

namespace oversight::kafka {

// How to reach the cluster. Everything beyond the bootstrap list is a librdkafka property, so
// SASL/SSL, timeouts and tuning are configuration, not code, for example:
//   {"security.protocol", "SASL_SSL"}, {"sasl.mechanism", "SCRAM-SHA-512"},
//   {"sasl.username", ...}, {"sasl.password", ...}, {"ssl.ca.location", ...}
// Properties given here override the defaults a Producer or Consumer sets for itself
// (documented on each), except those their guarantees depend on, which are noted there.
struct ClientConfig {
  std::string bootstrap_servers;  // "host:port[,host:port...]"; required
  std::string client_id = "oversight";
  std::map<std::string, std::string> properties;
};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_CLIENT_CONFIG_H_
