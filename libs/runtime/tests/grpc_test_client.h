#ifndef OVERSIGHT_RUNTIME_TESTS_GRPC_TEST_CLIENT_H_
#define OVERSIGHT_RUNTIME_TESTS_GRPC_TEST_CLIENT_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace oversight::runtime::test {

// grpc.health.v1 Check for the whole server (""): "SERVING", "NOT_SERVING", ... or an error.
absl::StatusOr<std::string> HealthCheck(int port);
absl::StatusOr<std::string> HealthCheck(const std::shared_ptr<grpc::Channel>& channel);

// Service names listed by the server-reflection service (grpc.reflection.v1alpha), read from
// the raw protobuf bytes (no reflection client library is installed).
absl::StatusOr<std::vector<std::string>> ReflectionServices(int port);

}  // namespace oversight::runtime::test

#endif  // OVERSIGHT_RUNTIME_TESTS_GRPC_TEST_CLIENT_H_
