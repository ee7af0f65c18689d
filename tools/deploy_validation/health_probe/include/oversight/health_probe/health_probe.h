#ifndef OVERSIGHT_HEALTH_PROBE_HEALTH_PROBE_H_
#define OVERSIGHT_HEALTH_PROBE_HEALTH_PROBE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace oversight::health_probe {

// grpc.health.v1.HealthCheckResponse.ServingStatus, with the same numbers.
enum class ServingStatus { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// "SERVING", "NOT_SERVING", ... as grpc.health.v1 spells them.
std::string ServingStatusName(ServingStatus status);

struct CheckOptions {
  // host:port of the gRPC server.
  std::string target;
  // Health service name to ask about; "" asks about the whole server.
  std::string service;
  // Deadline of the whole call (connecting included).
  absl::Duration timeout = absl::Seconds(5);
  // PEM file of the CA that signed the server's certificate; "" means plaintext.
  std::string tls_ca_file;
  // The name the server's certificate must carry when it is not the address dialled (a pod
  // probing itself on 127.0.0.1 with a certificate for its Service's DNS name); "" checks the
  // target's host.
  std::string tls_server_name;
  // PEM files of a client certificate and its key, for a server that wants mutual TLS; both or
  // neither.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Calls grpc.health.v1.Health/Check once and returns the server's answer.
// Errors: the call's gRPC status (UNAVAILABLE when nothing answers, DEADLINE_EXCEEDED on timeout,
// NOT_FOUND when the server does not know `service`), INVALID_ARGUMENT for an unreadable TLS file
// or a client certificate without its key (or the reverse). Thread-safe: each call uses its own
// channel.
absl::StatusOr<ServingStatus> Check(const CheckOptions& options);

}  // namespace oversight::health_probe

#endif  // OVERSIGHT_HEALTH_PROBE_HEALTH_PROBE_H_
