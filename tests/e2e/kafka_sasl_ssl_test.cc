// A service on an Apache Kafka that admits it only over SASL_SSL (SCRAM-SHA-512 over TLS, the
// production example of docs/security.md), configured the way a deployment configures it: the
// kafka.properties.* pass-through (OVERSIGHT_KAFKA_PROPERTIES_*). The test's own broker
// (kafka::testing::PrivateBroker) has a second, PLAINTEXT listener, which the test uses to play
// the case system and to read what the service published. Certificates are made by the test.
#include <gtest/gtest.h>

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

constexpr char kUser[] = "oversight-triggers";
constexpr char kPassword[] = "correct-horse-battery-staple";

class KafkaSaslSslTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("oversight-kafka-sasl-ssl-");
    auto certificates = testing::MakeTestCertificates(dir_->path());
    ASSERT_TRUE(certificates.ok()) << certificates.status();
    certificates_ = new testing::TestCertificates(*std::move(certificates));
    auto broker = kafka::testing::PrivateBroker::Start(
        {.sasl_ssl = kafka::testing::PrivateBroker::SaslSslListener{
             .cert_file = certificates_->server_cert_file,
             .key_file = certificates_->server_key_file,
             .scram_users = {{kUser, kPassword}}}});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = std::move(*broker).release();
    auto system = System::Create(SystemOptions{.broker = kafka::testing::BrokerKind::kReal,
                                               .real_bootstrap = broker_->bootstrap()});
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = std::move(*system).release();
  }
  static void TearDownTestSuite() {
    delete system_;
    delete broker_;
    delete certificates_;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(system_, nullptr) << "the broker or the system did not start"; }

  // librdkafka settings for the SASL_SSL listener, as kafka.properties.* names them.
  static std::map<std::string, std::string> SaslSslProperties(const std::string& password,
                                                              const std::string& ca_file) {
    return {{"security.protocol", "SASL_SSL"},
            {"sasl.mechanisms", "SCRAM-SHA-512"},
            {"sasl.username", kUser},
            {"sasl.password", password},
            {"ssl.ca.location", ca_file}};
  }
  static kafka::ClientConfig SaslSslClient(const std::string& password,
                                           const std::string& ca_file) {
    return {.bootstrap_servers = broker_->sasl_ssl_bootstrap(),
            .client_id = "oversight-sasl-ssl-test",
            .properties = SaslSslProperties(password, ca_file)};
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestCertificates* certificates_ = nullptr;
  static inline kafka::testing::PrivateBroker* broker_ = nullptr;
  static inline System* system_ = nullptr;
};

TEST_F(KafkaSaslSslTest, AServiceConsumesAndPublishesOverSaslSslConfiguredByProperties) {
  std::map<std::string, std::string> env = {
      {"OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS", broker_->sasl_ssl_bootstrap()}};
  for (const auto& [name, value] : SaslSslProperties(kPassword, certificates_->ca_file)) {
    std::string variable = "OVERSIGHT_KAFKA_PROPERTIES_" + name;
    for (char& c : variable)
      c = c == '.' ? '_' : static_cast<char>(std::toupper(c));
    env[variable] = value;
  }
  auto triggers = system_->StartService(kTriggers, env);
  ASSERT_TRUE(triggers.ok()) << triggers.status();

  // The case system publishes (over PLAINTEXT); the service reads it over SASL_SSL, opens the
  // D8 allocation task (Devon) and publishes it over SASL_SSL.
  ASSERT_TRUE(
      system_->Publish("workforce_events", "worker-1", WorkerJoinedEvent("worker-1", "manager-1"))
          .ok());
  ASSERT_TRUE(system_
                  ->Publish("case_events", "child-1",
                            CaseAllocatedEvent("child-1", "worker-1", "lcs-sasl-1"))
                  .ok());
  kafka::testing::TopicCollector tasks(system_->broker().client_config(), system_->Topic("tasks"));
  auto records = tasks.CollectUntil(
      [](const auto& got) {
        for (const auto& record : got) {
          if (record.headers.Get("ce_type") ==
              std::optional<std::string_view>("oversight.triggers.v1.TaskOpened")) {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(60));
  ASSERT_TRUE(records.ok()) << records.status() << "\n" << (*triggers)->ReadLog();
  triggers::v1::TaskOpened opened;
  for (const auto& record : *records) {
    if (record.headers.Get("ce_type") ==
        std::optional<std::string_view>("oversight.triggers.v1.TaskOpened")) {
      ASSERT_TRUE(opened.ParseFromString(record.value));
    }
  }
  EXPECT_EQ(opened.task().child_id(), "child-1");
  EXPECT_EQ(opened.task().rule_id(), "D8");
  EXPECT_EQ(opened.task().caused_by_event_id(), "lcs-sasl-1");
}

TEST_F(KafkaSaslSslTest, TheListenerRefusesAWrongPasswordAndABrokerCertificateFromAnotherCa) {
  // The right settings reach it (so the refusals below are about the credentials).
  EXPECT_TRUE(
      kafka::Admin::ListTopics(SaslSslClient(kPassword, certificates_->ca_file), absl::Seconds(20))
          .ok());
  EXPECT_FALSE(kafka::Admin::ListTopics(SaslSslClient("wrong-password", certificates_->ca_file),
                                        absl::Seconds(5))
                   .ok());
  const std::string other_ca = dir_->File("other-ca-only.crt");
  std::ofstream(other_ca) << certificates_->other_ca;
  EXPECT_FALSE(kafka::Admin::ListTopics(SaslSslClient(kPassword, other_ca), absl::Seconds(5)).ok());
}

}  // namespace
}  // namespace oversight::e2e
