#ifndef OVERSIGHT_RUNTIME_GRPC_STATUS_H_
#define OVERSIGHT_RUNTIME_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace oversight::runtime {

// The longest status message sent to a client. gRPC carries the message in a header; one that
// echoes a huge value (a 1 MiB id) would exceed the client's metadata limit, and the client would
// only see "RESOURCE_EXHAUSTED: received initial metadata size exceeds limit" instead of the
// error.
inline constexpr size_t kMaxStatusMessageBytes = 1024;

// `message` cut to kMaxStatusMessageBytes (at a UTF-8 character boundary) with
// "... (N more bytes)" appended when it is longer; unchanged otherwise.
std::string BoundedStatusMessage(absl::string_view message);

// The gRPC status for an absl::Status: the codes are the same canonical codes, so a handler
// passes a library's error straight through (UNAVAILABLE stays retryable, INVALID_ARGUMENT does
// not) with its message (bounded, see BoundedStatusMessage).
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      BoundedStatusMessage(status.message()));
}

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_GRPC_STATUS_H_
