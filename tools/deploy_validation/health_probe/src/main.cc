// oversight-health-probe: asks a gRPC server's grpc.health.v1 service whether it is serving.
// For container health checks where Kubernetes' native gRPC probe is not available (docker
// compose, `helm test`), and for scripts.
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "oversight/health_probe/health_probe.h"

namespace {

int Usage() {
  std::cerr
      << "usage: oversight-health-probe HOST:PORT [--service NAME] [--timeout SECONDS]\n"
         "           [--tls-ca PEM [--tls-server-name NAME] [--tls-cert PEM --tls-key PEM]]\n"
         "Calls grpc.health.v1.Health/Check; prints the answer. --tls-ca: over TLS, trusting that\n"
         "CA; --tls-server-name: the name the certificate must carry if not HOST; --tls-cert and\n"
         "--tls-key: a client certificate for mutual TLS.\n"
         "Exit 0 when SERVING, 1 when the server answers anything else, 2 when the call fails,\n"
         "64 on a usage error.\n";
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  oversight::health_probe::CheckOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--service" && has_value) {
      options.service = argv[++i];
    } else if (arg == "--tls-ca" && has_value) {
      options.tls_ca_file = argv[++i];
    } else if (arg == "--tls-server-name" && has_value) {
      options.tls_server_name = argv[++i];
    } else if (arg == "--tls-cert" && has_value) {
      options.tls_cert_file = argv[++i];
    } else if (arg == "--tls-key" && has_value) {
      options.tls_key_file = argv[++i];
    } else if (arg == "--timeout" && has_value) {
      double seconds = 0;
      if (!absl::SimpleAtod(argv[++i], &seconds) || seconds <= 0) return Usage();
      options.timeout = absl::Seconds(seconds);
    } else if (!arg.empty() && arg[0] != '-' && options.target.empty()) {
      options.target = std::string(arg);
    } else {
      return Usage();
    }
  }
  if (options.target.empty()) return Usage();

  const auto result = oversight::health_probe::Check(options);
  if (!result.ok()) {
    std::cout << options.target << ": " << result.status() << "\n";
    return 2;
  }
  std::cout << options.target << ": " << oversight::health_probe::ServingStatusName(*result)
            << "\n";
  return *result == oversight::health_probe::ServingStatus::kServing ? 0 : 1;
}
