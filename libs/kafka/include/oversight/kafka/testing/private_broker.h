#ifndef OVERSIGHT_KAFKA_TESTING_PRIVATE_BROKER_H_
#define OVERSIGHT_KAFKA_TESTING_PRIVATE_BROKER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "oversight/kafka/client_config.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::kafka::testing {

// An Apache Kafka broker of a test's own (scripts/kafka-broker.sh in a temporary directory), for
// tests that stop, kill or restart the broker: the shared kafka_real fixture broker serves other
// tests at the same time and must never be disturbed. KRaft, single node, on free ports; a
// restart keeps the ports and the data. Needs OVERSIGHT_SOURCE_DIR (ctest sets it); the first
// start in a fresh cache resolves the jars with Maven.
//
// Stopped (SIGTERM, then SIGKILL) and its directory removed on destruction. One owner thread.
class PrivateBroker {
 public:
  // The certificate of the secured listeners below (kafka-broker.sh KAFKA_TLS_CERT/KEY).
  struct ListenerCertificate {
    std::string cert_file;  // PEM
    std::string key_file;   // PEM, unencrypted PKCS#8
  };
  // A listener speaking SASL_SSL: SCRAM-SHA-512 over TLS (KAFKA_SCRAM_USERS).
  struct SaslSslListener {
    std::vector<std::pair<std::string, std::string>> scram_users;  // name, password
  };
  // A listener speaking SSL that admits only clients with a certificate signed by
  // `client_ca_file` (PEM): mutual TLS (KAFKA_SSL_CLIENT_CA).
  struct MutualTlsListener {
    std::string client_ca_file;
  };
  // The PLAINTEXT listener is always there; the secured ones beside it need `certificate`.
  struct Options {
    std::optional<ListenerCertificate> certificate;
    std::optional<SaslSslListener> sasl_ssl;
    std::optional<MutualTlsListener> mutual_tls;
  };

  // Starts the broker and waits until it answers metadata (about 5-10 s: a JVM). INTERNAL with
  // the script's output if it fails.
  static absl::StatusOr<std::unique_ptr<PrivateBroker>> Start(const Options& options = {});
  ~PrivateBroker();
  PrivateBroker(const PrivateBroker&) = delete;
  PrivateBroker& operator=(const PrivateBroker&) = delete;

  // "127.0.0.1:port"; the same for the broker's whole life.
  const std::string& bootstrap() const { return bootstrap_; }
  // The SASL_SSL listener's "127.0.0.1:port" ("" without Options::sasl_ssl).
  const std::string& sasl_ssl_bootstrap() const { return sasl_ssl_bootstrap_; }
  // The mutual-TLS listener's "127.0.0.1:port" ("" without Options::mutual_tls).
  const std::string& mutual_tls_bootstrap() const { return mutual_tls_bootstrap_; }
  // A ClientConfig for this broker with test-friendly reconnect back-off.
  ClientConfig client_config() const;

  // SIGKILL to the broker's JVM, without warning (kafka-broker.sh kill).
  absl::Status Kill();
  // Graceful stop (SIGTERM; kafka-broker.sh stop).
  absl::Status Stop();
  // Starts it again on the same ports and data after Kill or Stop, and waits until it answers
  // (kafka-broker.sh restart).
  absl::Status Restart();

 private:
  PrivateBroker() : dir_("kafka-private-") {}
  // Runs scripts/kafka-broker.sh <command> <dir> with `env` and waits for it.
  absl::Status Script(const std::string& command,
                      std::map<std::string, std::string> env = {}) const;

  oversight::testing::TempDir dir_;
  std::string bootstrap_;
  std::string sasl_ssl_bootstrap_;
  std::string mutual_tls_bootstrap_;
};

}  // namespace oversight::kafka::testing

#endif  // OVERSIGHT_KAFKA_TESTING_PRIVATE_BROKER_H_
