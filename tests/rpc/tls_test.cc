// gRPC over TLS (issue #10 point 3), with certificates made by the test (openssl: a CA, a server
// certificate for 127.0.0.1, client certificates from that CA and from another one): each of the
// four service binaries (tests/support System: a real redis-server, the embedded broker) started
// with grpc.tls.cert_file and grpc.tls.key_file answers a TLS client that trusts the CA (health,
// server reflection, and an RPC, which still wants a token), and refuses a plaintext client and
// a client that does not trust the CA. With grpc.tls.client_ca_file as well (mutual TLS), only
// a client presenting a certificate from that CA gets in. A TLS file that cannot be read stops
// the binary at start-up, naming the setting. The settings are described in docs/security.md.
#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "oversight/e2e/system.h"
#include "oversight/health_probe/health_probe.h"
#include "oversight/rpc_testing/request_variants.h"
#include "oversight/rpc_testing/rpc_catalogue.h"
#include "oversight/rpc_testing/tokens.h"
#include "oversight/testing/certificates.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::rpc_testing {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("oversight-tls-");
    auto certificates = testing::MakeTestCertificates(dir_->path());
    ASSERT_TRUE(certificates.ok()) << certificates.status();
    certificates_ = new testing::TestCertificates(*std::move(certificates));
    auto system = e2e::System::Create(kafka::testing::BrokerKind::kEmbedded);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = std::move(*system).release();
  }
  static void TearDownTestSuite() {
    delete system_;
    delete certificates_;
    delete dir_;
    system_ = nullptr;
    certificates_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(system_, nullptr) << "the system did not start"; }

  // The auth settings of the hardening tests and the server's certificate and key.
  static std::map<std::string, std::string> TlsEnv() {
    std::map<std::string, std::string> env;
    for (const auto& [key, value] : AuthEnv(e2e::kTestJwtSecret))
      env[key] = value;
    env["OVERSIGHT_GRPC_TLS_CERT_FILE"] = certificates_->server_cert_file;
    env["OVERSIGHT_GRPC_TLS_KEY_FILE"] = certificates_->server_key_file;
    return env;
  }

  static std::shared_ptr<grpc::ChannelCredentials> Trusting(const std::string& ca,
                                                            const std::string& cert = "",
                                                            const std::string& key = "") {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ca;
    options.pem_cert_chain = cert;
    options.pem_private_key = key;
    return grpc::SslCredentials(options);
  }

  // grpc.health.v1 Check over a new channel with `credentials`: "SERVING" or the error.
  static std::string HealthOver(const e2e::ServiceProcess& service,
                                const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    auto stub =
        grpc::health::v1::Health::NewStub(grpc::CreateChannel(service.grpc_target(), credentials));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = stub->Check(&context, request, &response);
    if (!status.ok()) return Describe(status);
    return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestCertificates* certificates_ = nullptr;
  static inline e2e::System* system_ = nullptr;
};

TEST_F(TlsTest, EveryServiceAnswersTlsClientsThatTrustTheCaAndRefusesPlaintextAndOthers) {
  const auto tls = Trusting(certificates_->ca);
  for (const char* name :
       {e2e::kScheduling, e2e::kRecording, e2e::kTriggers, e2e::kNotifications}) {
    SCOPED_TRACE(name);
    // StartService waits for SERVING over `tls`: the TLS handshake works.
    auto service = system_->StartService(name, TlsEnv(), tls);
    ASSERT_TRUE(service.ok()) << service.status();
    EXPECT_EQ((*service)->Health(), "SERVING");

    // Server reflection over TLS lists the service's RPCs; each still wants a token.
    auto channel = (*service)->Channel();
    auto catalogue = RpcCatalogue::FromServer(channel);
    ASSERT_TRUE(catalogue.ok()) << catalogue.status();
    const std::vector<Rpc> rpcs = (*catalogue)->ApplicationRpcs();
    ASSERT_FALSE(rpcs.empty());
    auto request = PlausibleRequest(**catalogue, rpcs.front(), "devon");
    const CallResult anonymous = Call(*channel, rpcs.front(), *request);
    EXPECT_EQ(anonymous.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << rpcs.front().name() << ": " << Describe(anonymous.status);
    CallOptions signed_in;
    signed_in.metadata = {
        Bearer(Sign(ValidClaims("manager-1", {"oversight_admin"}), e2e::kTestJwtSecret))};
    const CallResult answered = Call(*channel, rpcs.front(), *request, signed_in);
    EXPECT_NE(answered.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << rpcs.front().name() << ": " << Describe(answered.status);
    EXPECT_NE(answered.status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << rpcs.front().name() << ": " << Describe(answered.status);

    // A plaintext client, and a TLS client that trusts another CA, get nothing.
    EXPECT_NE(HealthOver(**service, grpc::InsecureChannelCredentials()), "SERVING");
    EXPECT_NE(HealthOver(**service, Trusting(certificates_->other_ca)), "SERVING");
    EXPECT_EQ(HealthOver(**service, tls), "SERVING");
    (*service)->Crash();  // SIGKILL: a graceful stop takes seconds and is not tested here
  }
}

TEST_F(TlsTest, MutualTlsAdmitsOnlyClientsWithACertificateFromTheClientCa) {
  std::map<std::string, std::string> env = TlsEnv();
  env["OVERSIGHT_GRPC_TLS_CLIENT_CA_FILE"] = certificates_->ca_file;
  const auto client =
      Trusting(certificates_->ca, certificates_->client_cert, certificates_->client_key);
  auto service = system_->StartService(e2e::kNotifications, env, client);
  ASSERT_TRUE(service.ok()) << service.status();
  EXPECT_EQ(HealthOver(**service, client), "SERVING");
  EXPECT_NE(HealthOver(**service, Trusting(certificates_->ca)), "SERVING")
      << "a TLS client without a certificate got in";
  EXPECT_NE(HealthOver(**service, Trusting(certificates_->ca, certificates_->other_client_cert,
                                           certificates_->other_client_key)),
            "SERVING")
      << "a client certificate from another CA got in";
  EXPECT_NE(HealthOver(**service, grpc::InsecureChannelCredentials()), "SERVING");
  (*service)->Crash();
}

TEST_F(TlsTest, TheImagesHealthProbeAnswersOverMutualTlsAsTheChartRunsIt) {
  // The chart's probes with grpc.tls on (helm/oversight/templates/deployment.yaml): the pod asks
  // itself on 127.0.0.1 with its own certificate, naming the name its certificate carries.
  std::map<std::string, std::string> env = TlsEnv();
  env["OVERSIGHT_GRPC_TLS_CLIENT_CA_FILE"] = certificates_->ca_file;
  const auto client =
      Trusting(certificates_->ca, certificates_->client_cert, certificates_->client_key);
  auto service = system_->StartService(e2e::kScheduling, env, client);
  ASSERT_TRUE(service.ok()) << service.status();
  health_probe::CheckOptions probe{.target = (*service)->grpc_target(),
                                   .timeout = absl::Seconds(3),
                                   .tls_ca_file = certificates_->ca_file,
                                   .tls_server_name = "localhost",
                                   .tls_cert_file = certificates_->client_cert_file,
                                   .tls_key_file = certificates_->client_key_file};
  auto answer = health_probe::Check(probe);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, health_probe::ServingStatus::kServing);

  health_probe::CheckOptions wrong_name = probe;  // the certificate does not carry this name
  wrong_name.tls_server_name = "elsewhere.example.org";
  EXPECT_FALSE(health_probe::Check(wrong_name).ok());
  health_probe::CheckOptions no_client_certificate = probe;
  no_client_certificate.tls_cert_file.clear();
  no_client_certificate.tls_key_file.clear();
  EXPECT_FALSE(health_probe::Check(no_client_certificate).ok());
  health_probe::CheckOptions half = probe;  // a certificate without its key is a usage error
  half.tls_key_file.clear();
  EXPECT_EQ(health_probe::Check(half).status().code(), absl::StatusCode::kInvalidArgument);
  (*service)->Crash();
}

TEST_F(TlsTest, AnUnreadableTlsFileStopsTheServiceAtStartNamingTheSetting) {
  std::map<std::string, std::string> env = TlsEnv();
  env["OVERSIGHT_GRPC_TLS_KEY_FILE"] = dir_->File("no-such-key.pem");
  auto service = system_->StartService(e2e::kTriggers, env, Trusting(certificates_->ca));
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.status().message().find("grpc.tls.key_file"), std::string::npos)
      << service.status();
}

}  // namespace
}  // namespace oversight::rpc_testing
