// Every RPC a running service binary serves, found through its gRPC server reflection (the
// descriptors the binary was generated with), and a way to call any of them by name with a
// request built from those descriptors (grpc::GenericStub). A new RPC or a new service is
// covered by the tests that iterate over a catalogue without anyone listing it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"

namespace oversight::rpc_testing {

// One method of one service.
struct Rpc {
  std::string service;  // full name, "oversight.recording.v1.RecordingService"
  std::string method;   // "GetRecord"
  const google::protobuf::MethodDescriptor* descriptor = nullptr;

  // "/oversight.recording.v1.RecordingService/GetRecord", what goes on the wire.
  std::string path() const { return "/" + service + "/" + method; }
  // "RecordingService.GetRecord", for test output.
  std::string name() const;
  bool server_streaming() const { return descriptor->server_streaming(); }
  bool client_streaming() const { return descriptor->client_streaming(); }
  const google::protobuf::Descriptor* input() const { return descriptor->input_type(); }
};

// Services every binary serves by design without a token (health, reflection) or only in
// `clock.mode: manual` (ClockControl, for tests and the demo): see docs/security.md.
bool IsInfrastructureService(const std::string& service);

// Not thread-safe to build; const methods may be called from several threads.
class RpcCatalogue {
 public:
  // Lists the services `channel`'s server serves (grpc.reflection.v1alpha ListServices) and
  // loads the files that define them with every dependency (FileContainingSymbol).
  // UNAVAILABLE if the server does not answer within `timeout`.
  static absl::StatusOr<std::unique_ptr<RpcCatalogue>> FromServer(
      const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout = absl::Seconds(10));

  // Every service name the server listed, sorted (infrastructure ones included).
  const std::vector<std::string>& services() const { return services_; }
  // Every method of every service that is not infrastructure (IsInfrastructureService).
  std::vector<Rpc> ApplicationRpcs() const;
  // Every method of `service` (empty if the server does not serve it).
  std::vector<Rpc> RpcsOf(const std::string& service) const;

  // A new, empty message of a type the catalogue knows (nullptr if it does not).
  std::unique_ptr<google::protobuf::Message> NewMessage(
      const google::protobuf::Descriptor* type) const;
  // A new message parsed from text format (for hand-written requests); INVALID_ARGUMENT with
  // the parser's complaint if the text does not parse.
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseMessage(
      const google::protobuf::Descriptor* type, const std::string& text) const;

  const google::protobuf::DescriptorPool& pool() const { return *pool_; }

 private:
  RpcCatalogue();

  google::protobuf::SimpleDescriptorDatabase database_;
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
  std::vector<std::string> services_;
};

// How to make one call.
struct CallOptions {
  // Metadata to send; for a bearer token {"authorization", "Bearer <jwt>"}.
  std::vector<std::pair<std::string, std::string>> metadata;
  absl::Duration deadline = absl::Seconds(10);
  // Server-streaming calls: stop reading after this many messages (then cancel) or when the
  // deadline passes; an accepted stream ends as DEADLINE_EXCEEDED or CANCELLED, never an error
  // of the server's own.
  int max_stream_messages = 1;
};

struct CallResult {
  grpc::Status status;
  std::vector<std::string> responses;  // serialized response messages, in order
  // True for a server-streaming call that the server accepted (it sent its initial metadata or
  // a message) and that the client ended by deadline or cancellation.
  bool stream_accepted = false;
};

// Calls `rpc` on `channel` with the serialized `request` bytes, unary or server streaming.
CallResult Call(grpc::ChannelInterface& channel, const Rpc& rpc, const std::string& request,
                const CallOptions& options = {});
CallResult Call(grpc::ChannelInterface& channel, const Rpc& rpc,
                const google::protobuf::Message& request, const CallOptions& options = {});

// "INVALID_ARGUMENT: authority_id is required" (messages longer than 300 bytes are cut).
std::string Describe(const grpc::Status& status);

}  // namespace oversight::rpc_testing
