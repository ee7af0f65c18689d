#ifndef OVERSIGHT_RUNTIME_GRPC_STATUS_H_
#define OVERSIGHT_RUNTIME_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace oversight::runtime {

// The gRPC status for an absl::Status: the codes are the same canonical codes, so a handler
// passes a library's error straight through (UNAVAILABLE stays retryable, INVALID_ARGUMENT does
// not) with its message.
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_GRPC_STATUS_H_
