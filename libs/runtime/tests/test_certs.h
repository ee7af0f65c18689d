#ifndef OVERSIGHT_RUNTIME_TESTS_TEST_CERTS_H_
#define OVERSIGHT_RUNTIME_TESTS_TEST_CERTS_H_

#include <string>

namespace oversight::runtime::test {

// A throw-away PKI made with OpenSSL for TLS tests: a CA, a server certificate for
// localhost/127.0.0.1 and a client certificate, all signed by the CA (PEM).
struct TestCerts {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};

TestCerts MakeTestCerts();

}  // namespace oversight::runtime::test

#endif  // OVERSIGHT_RUNTIME_TESTS_TEST_CERTS_H_
