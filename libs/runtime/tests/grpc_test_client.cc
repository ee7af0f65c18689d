#include "grpc_test_client.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_callback.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace oversight::runtime::test {
namespace {

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

// Reads a protobuf varint at `pos`.
bool ReadVarint(const std::string& data, size_t& pos, uint64_t& value) {
  value = 0;
  for (int shift = 0; pos < data.size() && shift < 64; shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(data[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// The length-delimited fields numbered `field` of a message.
std::vector<std::string> Fields(const std::string& message, uint64_t field) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < message.size()) {
    uint64_t key = 0;
    if (!ReadVarint(message, pos, key)) break;
    const uint64_t wire = key & 7;
    if (wire == 2) {
      uint64_t length = 0;
      if (!ReadVarint(message, pos, length) || pos + length > message.size()) break;
      if ((key >> 3) == field) out.push_back(message.substr(pos, length));
      pos += length;
    } else if (wire == 0) {
      uint64_t ignored;
      if (!ReadVarint(message, pos, ignored)) break;
    } else {
      break;  // fixed32/64 do not occur in these messages
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> HealthCheck(int port) {
  return HealthCheck(Channel(port));
}

absl::StatusOr<std::string> HealthCheck(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

absl::StatusOr<std::vector<std::string>> ReflectionServices(int port) {
  auto channel = Channel(port);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::internal::RpcMethod method("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel.get(), method, &context));
  // ServerReflectionRequest { list_services (field 7) = "" }
  const std::string request_bytes("\x3a\x00", 2);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  if (!stream->Write(request)) return absl::UnavailableError("reflection: write failed");
  stream->WritesDone();
  grpc::ByteBuffer response;
  if (!stream->Read(&response)) return absl::UnavailableError("reflection: no response");
  std::vector<grpc::Slice> slices;
  (void)response.Dump(&slices);
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  grpc::Status status = stream->Finish();
  // ServerReflectionResponse.list_services_response (6) -> ListServiceResponse.service (1) ->
  // ServiceResponse.name (1)
  std::vector<std::string> names;
  for (const std::string& list : Fields(bytes, 6)) {
    for (const std::string& service : Fields(list, 1)) {
      for (const std::string& name : Fields(service, 1))
        names.push_back(name);
    }
  }
  if (names.empty() && !status.ok()) {
    return absl::UnavailableError(absl::StrCat("reflection: ", status.error_message()));
  }
  return names;
}

}  // namespace oversight::runtime::test
