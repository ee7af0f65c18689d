#include "oversight/rpc_testing/rpc_catalogue.h"

#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/unknown_field_set.h"

namespace oversight::rpc_testing {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// grpc.reflection.v1alpha field numbers (reflection.proto): the messages are built and read as
// unknown-field sets, since no reflection client library is installed.
constexpr int kRequestFileContainingSymbol = 4;
constexpr int kRequestListServices = 7;
constexpr int kResponseFileDescriptors = 4;  // FileDescriptorResponse
constexpr int kResponseListServices = 6;     // ListServiceResponse
constexpr int kResponseError = 7;            // ErrorResponse

std::vector<std::string> LengthDelimited(const UnknownFieldSet& set, int number) {
  std::vector<std::string> out;
  for (int i = 0; i < set.field_count(); ++i) {
    const UnknownField& field = set.field(i);
    if (field.number() == number && field.type() == UnknownField::TYPE_LENGTH_DELIMITED) {
      out.push_back(field.length_delimited());
    }
  }
  return out;
}

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes;
}

// One generic call driven synchronously over a completion queue, one operation at a time (so
// each Next() returns the operation just started). Works for unary and streaming methods alike:
// on the wire a unary call is a stream of one request and one response.
class SyncGenericCall {
 public:
  SyncGenericCall(grpc::ChannelInterface& channel, const std::string& path,
                  const CallOptions& options)
      : stub_(std::shared_ptr<grpc::ChannelInterface>(&channel, [](grpc::ChannelInterface*) {})) {
    for (const auto& [key, value] : options.metadata)
      context_.AddMetadata(key, value);
    context_.set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
    call_ = stub_.PrepareCall(&context_, path, &queue_);
    started_ = call_ != nullptr && Step([&](void* tag) { call_->StartCall(tag); });
  }

  ~SyncGenericCall() {
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  bool Write(const std::string& bytes) {
    if (!started_) return false;
    grpc::ByteBuffer buffer = ToBuffer(bytes);
    return Step([&](void* tag) { call_->Write(buffer, tag); });
  }
  bool WritesDone() {
    return started_ && Step([&](void* tag) { call_->WritesDone(tag); });
  }
  bool Read(std::string* bytes) {
    if (!started_) return false;
    grpc::ByteBuffer buffer;
    if (!Step([&](void* tag) { call_->Read(&buffer, tag); })) return false;
    *bytes = FromBuffer(buffer);
    return true;
  }
  void Cancel() { context_.TryCancel(); }
  grpc::Status Finish() {
    if (call_ == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "no call was prepared");
    grpc::Status status;
    Step([&](void* tag) { call_->Finish(&status, tag); });
    return status;
  }

 private:
  template <typename Start>
  bool Step(Start start) {
    int marker = 0;
    start(&marker);
    void* tag = nullptr;
    bool ok = false;
    if (!queue_.Next(&tag, &ok)) return false;
    return ok && tag == &marker;
  }

  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::CompletionQueue queue_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  bool started_ = false;
};

}  // namespace

std::string Rpc::name() const {
  const size_t dot = service.rfind('.');
  return absl::StrCat(dot == std::string::npos ? service : service.substr(dot + 1), ".", method);
}

bool IsInfrastructureService(const std::string& service) {
  return service.rfind("grpc.health.", 0) == 0 || service.rfind("grpc.reflection.", 0) == 0 ||
         service == "oversight.runtime.v1.ClockControl";
}

RpcCatalogue::RpcCatalogue()
    : pool_(std::make_unique<google::protobuf::DescriptorPool>(&database_)),
      factory_(std::make_unique<google::protobuf::DynamicMessageFactory>(pool_.get())) {}

absl::StatusOr<std::unique_ptr<RpcCatalogue>> RpcCatalogue::FromServer(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  auto catalogue = std::unique_ptr<RpcCatalogue>(new RpcCatalogue());
  CallOptions options;
  options.deadline = timeout;
  SyncGenericCall call(*channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                       options);
  auto exchange = [&](const UnknownFieldSet& request, UnknownFieldSet& response) -> absl::Status {
    std::string bytes;
    request.SerializeToString(&bytes);
    std::string reply;
    if (!call.Write(bytes) || !call.Read(&reply)) {
      return absl::UnavailableError(
          absl::StrCat("server reflection did not answer: ", Describe(call.Finish())));
    }
    if (!response.ParseFromString(reply)) {
      return absl::DataLossError("server reflection sent an unreadable response");
    }
    for (const std::string& error : LengthDelimited(response, kResponseError)) {
      UnknownFieldSet fields;
      fields.ParseFromString(error);
      return absl::NotFoundError(absl::StrCat(
          "server reflection: ",
          LengthDelimited(fields, 2).empty() ? "error" : LengthDelimited(fields, 2)[0]));
    }
    return absl::OkStatus();
  };

  UnknownFieldSet list;
  list.AddLengthDelimited(kRequestListServices, "");
  UnknownFieldSet listed;
  if (auto s = exchange(list, listed); !s.ok()) return s;
  for (const std::string& services : LengthDelimited(listed, kResponseListServices)) {
    UnknownFieldSet service_list;
    service_list.ParseFromString(services);
    for (const std::string& service : LengthDelimited(service_list, 1)) {
      UnknownFieldSet fields;
      fields.ParseFromString(service);
      for (const std::string& name : LengthDelimited(fields, 1))
        catalogue->services_.push_back(name);
    }
  }
  std::sort(catalogue->services_.begin(), catalogue->services_.end());

  // The server sends each file once per stream, with the dependencies not sent yet.
  std::set<std::string> loaded;
  for (const std::string& service : catalogue->services_) {
    UnknownFieldSet request;
    request.AddLengthDelimited(kRequestFileContainingSymbol, service);
    UnknownFieldSet files;
    if (auto s = exchange(request, files); !s.ok()) {
      // gRPC's built-in health service has no descriptor in the server's pool; it is called
      // with its own generated stub anyway.
      if (absl::IsNotFound(s) && IsInfrastructureService(service)) continue;
      return absl::Status(s.code(), absl::StrCat(service, ": ", s.message()));
    }
    for (const std::string& response : LengthDelimited(files, kResponseFileDescriptors)) {
      UnknownFieldSet file_list;
      file_list.ParseFromString(response);
      for (const std::string& bytes : LengthDelimited(file_list, 1)) {
        google::protobuf::FileDescriptorProto file;
        if (!file.ParseFromString(bytes)) {
          return absl::DataLossError("server reflection sent an unreadable file descriptor");
        }
        if (loaded.insert(file.name()).second) catalogue->database_.Add(file);
      }
    }
  }
  call.WritesDone();
  call.Finish();
  for (const std::string& service : catalogue->services_) {
    if (IsInfrastructureService(service)) continue;
    if (catalogue->pool_->FindServiceByName(service) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("the descriptors the server sent do not define ", service));
    }
  }
  return catalogue;
}

std::vector<Rpc> RpcCatalogue::RpcsOf(const std::string& service) const {
  std::vector<Rpc> out;
  const auto* descriptor = pool_->FindServiceByName(service);
  if (descriptor == nullptr) return out;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    out.push_back(Rpc{service, descriptor->method(i)->name(), descriptor->method(i)});
  }
  return out;
}

std::vector<Rpc> RpcCatalogue::ApplicationRpcs() const {
  std::vector<Rpc> out;
  for (const std::string& service : services_) {
    if (IsInfrastructureService(service)) continue;
    for (Rpc& rpc : RpcsOf(service))
      out.push_back(std::move(rpc));
  }
  return out;
}

std::unique_ptr<google::protobuf::Message> RpcCatalogue::NewMessage(
    const google::protobuf::Descriptor* type) const {
  if (type == nullptr || type->file()->pool() != pool_.get()) return nullptr;
  return std::unique_ptr<google::protobuf::Message>(factory_->GetPrototype(type)->New());
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> RpcCatalogue::ParseMessage(
    const google::protobuf::Descriptor* type, const std::string& text) const {
  auto message = NewMessage(type);
  if (message == nullptr) return absl::NotFoundError("type not in the catalogue");
  if (!google::protobuf::TextFormat::ParseFromString(text, message.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a ", type->full_name(), " in text format: ", text));
  }
  return message;
}

CallResult Call(grpc::ChannelInterface& channel, const Rpc& rpc, const std::string& request,
                const CallOptions& options) {
  CallResult result;
  SyncGenericCall call(channel, rpc.path(), options);
  if (call.Write(request)) {
    call.WritesDone();
    std::string response;
    while (call.Read(&response)) {
      result.responses.push_back(std::move(response));
      if (rpc.server_streaming() &&
          static_cast<int>(result.responses.size()) >= options.max_stream_messages) {
        call.Cancel();
      }
    }
  }
  result.status = call.Finish();
  result.stream_accepted =
      rpc.server_streaming() &&
      (result.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
       (result.status.error_code() == grpc::StatusCode::CANCELLED && !result.responses.empty()));
  return result;
}

CallResult Call(grpc::ChannelInterface& channel, const Rpc& rpc,
                const google::protobuf::Message& request, const CallOptions& options) {
  return Call(channel, rpc, request.SerializeAsString(), options);
}

std::string Describe(const grpc::Status& status) {
  std::string message = status.error_message();
  if (message.size() > 300)
    message = absl::StrCat(message.substr(0, 300), "... (", message.size(), " bytes)");
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int code = static_cast<int>(status.error_code());
  const std::string name = code >= 0 && code <= 16 ? kNames[code] : absl::StrCat("code ", code);
  return message.empty() ? name : absl::StrCat(name, ": ", message);
}

}  // namespace oversight::rpc_testing
