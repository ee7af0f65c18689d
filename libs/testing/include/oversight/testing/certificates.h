// Certificates for the TLS tests (gRPC, Kafka), made at test time with the openssl command line
// tool (OpenSSL 3): a CA, a server certificate it signed for 127.0.0.1 and localhost, a client
// certificate it signed (for mutual TLS), and a second CA with its own client certificate, which
// the services must not trust. EC P-256 keys, valid for one day.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace oversight::testing {

struct TestCertificates {
  // Files (PEM), for the services' grpc.tls.* settings, a broker's listener, client settings.
  // The keys are unencrypted PKCS#8.
  std::string ca_file;
  std::string server_cert_file;
  std::string server_key_file;
  std::string client_cert_file;
  std::string client_key_file;
  // Contents (PEM), for grpc::SslCredentials.
  std::string ca;
  std::string client_cert;
  std::string client_key;
  std::string other_ca;           // a CA that signed nothing the services use
  std::string other_client_cert;  // a client certificate signed by other_ca
  std::string other_client_key;
};

// Writes the certificates and keys into `dir`. INTERNAL with openssl's output if a step fails,
// NOT_FOUND if openssl is not on PATH.
absl::StatusOr<TestCertificates> MakeTestCertificates(const std::string& dir);

}  // namespace oversight::testing
