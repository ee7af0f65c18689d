// A service on an Apache Kafka that admits it only over a secured listener, configured the way a
// deployment configures it: the kafka.properties.* pass-through (OVERSIGHT_KAFKA_PROPERTIES_*).
// The test's own broker (kafka::testing::PrivateBroker) has three listeners:
// - SASL_SSL: SCRAM-SHA-512 over TLS (the production example of docs/security.md);
// - SSL requiring a client certificate (mutual TLS, as Strimzi's `tls` authentication);
// - PLAINTEXT, which the test uses to play the case system and to read what the service
//   published.
// Certificates are made by the test.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>

#include "oversight/e2e/sample_events.h"
#include "oversight/e2e/system.h"
#include "oversight/kafka/admin.h"
#include "oversight/kafka/testing/private_broker.h"
#include "oversight/kafka/testing/topic_collector.h"
#include "oversight/testing/certificates.h"
#include "oversight/testing/temp_dir.h"
#include "oversight/triggers/v1/tasks.pb.h"

namespace oversight::e2e {
namespace {

using Properties = std::map<std::string, std::string>;

constexpr char kUser[] = "oversight-triggers";
constexpr char kPassword[] = "correct-horse-battery-staple";

class KafkaSecuredListenersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("oversight-kafka-secured-");
    auto certificates = testing::MakeTestCertificates(dir_->path());
    ASSERT_TRUE(certificates.ok()) << certificates.status();
    certificates_ = new testing::TestCertificates(*std::move(certificates));
    using Broker = kafka::testing::PrivateBroker;
    auto broker = Broker::Start(
        {.certificate = Broker::ListenerCertificate{.cert_file = certificates_->server_cert_file,
                                                    .key_file = certificates_->server_key_file},
         .sasl_ssl = Broker::SaslSslListener{.scram_users = {{kUser, kPassword}}},
         .mutual_tls = Broker::MutualTlsListener{.client_ca_file = certificates_->ca_file}});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = std::move(*broker).release();
  }
  static void TearDownTestSuite() {
    delete broker_;
    delete certificates_;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(broker_, nullptr) << "the broker did not start"; }

  // librdkafka settings for the SASL_SSL listener, as kafka.properties.* names them.
  static Properties SaslSsl(const std::string& password, const std::string& ca_file) {
    return {{"security.protocol", "SASL_SSL"},
            {"sasl.mechanisms", "SCRAM-SHA-512"},
            {"sasl.username", kUser},
            {"sasl.password", password},
            {"ssl.ca.location", ca_file}};
  }
  // For the mutual-TLS listener: the broker's CA, and the client's certificate and key if any.
  static Properties MutualTls(const std::string& cert_file, const std::string& key_file) {
    Properties properties = {{"security.protocol", "SSL"},
                             {"ssl.ca.location", certificates_->ca_file}};
    if (!cert_file.empty()) {
      properties["ssl.certificate.location"] = cert_file;
      properties["ssl.key.location"] = key_file;
    }
    return properties;
  }
  static bool Admitted(const std::string& bootstrap, const Properties& properties,
                       absl::Duration timeout) {
    return kafka::Admin::ListTopics({.bootstrap_servers = bootstrap,
                                     .client_id = "oversight-secured-listeners-test",
                                     .properties = properties},
                                    timeout)
        .ok();
  }
  // `contents` in a file of the test's directory; its path.
  static std::string WriteFile(const std::string& name, const std::string& contents) {
    const std::string path = dir_->File(name);
    std::ofstream(path) << contents;
    return path;
  }

  // Starts oversight-triggers on a System of its own whose services reach the broker only at
  // `bootstrap` with `properties`; publishes a worker and an allocation over PLAINTEXT and
  // expects the D8 allocation task (Devon) the service publishes over the secured listener.
  static void ExpectTheServiceTurnsACaseEventIntoItsTask(const std::string& bootstrap,
                                                         const Properties& properties) {
    auto system = System::Create(SystemOptions{.broker = kafka::testing::BrokerKind::kReal,
                                               .real_bootstrap = broker_->bootstrap()});
    ASSERT_TRUE(system.ok()) << system.status();
    std::map<std::string, std::string> env = {{"OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS", bootstrap}};
    for (const auto& [name, value] : properties) {
      std::string variable = "OVERSIGHT_KAFKA_PROPERTIES_" + name;
      for (char& c : variable)
        c = c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      env[variable] = value;
    }
    auto triggers = (*system)->StartService(kTriggers, env);
    ASSERT_TRUE(triggers.ok()) << triggers.status();
    ASSERT_TRUE(
        (*system)
            ->Publish("workforce_events", "worker-1", WorkerJoinedEvent("worker-1", "manager-1"))
            .ok());
    ASSERT_TRUE((*system)
                    ->Publish("case_events", "child-1",
                              CaseAllocatedEvent("child-1", "worker-1", "lcs-secured-1"))
                    .ok());
    const std::optional<std::string_view> task_opened("oversight.triggers.v1.TaskOpened");
    kafka::testing::TopicCollector tasks((*system)->broker().client_config(),
                                         (*system)->Topic("tasks"));
    auto records = tasks.CollectUntil(
        [&](const auto& got) {
          for (const auto& record : got) {
            if (record.headers.Get("ce_type") == task_opened) return true;
          }
          return false;
        },
        absl::Seconds(60));
    ASSERT_TRUE(records.ok()) << records.status() << "\n" << (*triggers)->ReadLog();
    triggers::v1::TaskOpened opened;
    for (const auto& record : *records) {
      if (record.headers.Get("ce_type") == task_opened) {
        ASSERT_TRUE(opened.ParseFromString(record.value));
      }
    }
    EXPECT_EQ(opened.task().child_id(), "child-1");
    EXPECT_EQ(opened.task().rule_id(), "D8");
    EXPECT_EQ(opened.task().caused_by_event_id(), "lcs-secured-1");
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestCertificates* certificates_ = nullptr;
  static inline kafka::testing::PrivateBroker* broker_ = nullptr;
};

TEST_F(KafkaSecuredListenersTest, AServiceConsumesAndPublishesOverSaslSsl) {
  ExpectTheServiceTurnsACaseEventIntoItsTask(broker_->sasl_ssl_bootstrap(),
                                             SaslSsl(kPassword, certificates_->ca_file));
}

TEST_F(KafkaSecuredListenersTest, SaslSslRefusesAWrongPasswordAndABrokerCertificateFromAnotherCa) {
  const std::string& listener = broker_->sasl_ssl_bootstrap();
  // The right settings reach it (so the refusals below are about the credentials).
  EXPECT_TRUE(Admitted(listener, SaslSsl(kPassword, certificates_->ca_file), absl::Seconds(20)));
  EXPECT_FALSE(
      Admitted(listener, SaslSsl("wrong-password", certificates_->ca_file), absl::Seconds(5)));
  const std::string other_ca = WriteFile("other-ca-only.crt", certificates_->other_ca);
  EXPECT_FALSE(Admitted(listener, SaslSsl(kPassword, other_ca), absl::Seconds(5)));
}

TEST_F(KafkaSecuredListenersTest, AServiceConsumesAndPublishesOverMutualTls) {
  ExpectTheServiceTurnsACaseEventIntoItsTask(
      broker_->mutual_tls_bootstrap(),
      MutualTls(certificates_->client_cert_file, certificates_->client_key_file));
}

TEST_F(KafkaSecuredListenersTest, MutualTlsRefusesNoClientCertificateAndOneFromAnotherCa) {
  const std::string& listener = broker_->mutual_tls_bootstrap();
  EXPECT_TRUE(Admitted(listener,
                       MutualTls(certificates_->client_cert_file, certificates_->client_key_file),
                       absl::Seconds(20)));
  EXPECT_FALSE(Admitted(listener, MutualTls("", ""), absl::Seconds(5)));
  const std::string other_cert = WriteFile("other-client.crt", certificates_->other_client_cert);
  const std::string other_key = WriteFile("other-client.key", certificates_->other_client_key);
  EXPECT_FALSE(Admitted(listener, MutualTls(other_cert, other_key), absl::Seconds(5)));
}

}  // namespace
}  // namespace oversight::e2e
