#include "clients.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "oversight/runtime/auth.h"
#include "oversight/scrape/http_get.h"

namespace oversight::simulator {
namespace {

constexpr const char* kServices[] = {kScheduling, kRecording, kTriggers, kNotifications};

}  // namespace

absl::Status FromGrpc(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(std::string(what), ": ", status.error_message()));
}

absl::StatusOr<Endpoints> ReadPortsFiles(const std::string& dir) {
  Endpoints endpoints;
  for (const char* service : kServices) {
    const std::string path = absl::StrCat(dir, "/", service, ".ports");
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json ports = nlohmann::json::parse(text.str(), nullptr, false);
    if (!ports.is_object() || !ports.contains("grpc") || !ports.contains("metrics")) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": expected {\"grpc\": N, \"metrics\": M}"));
    }
    ServiceAddress address;
    address.grpc_target = absl::StrCat("127.0.0.1:", ports["grpc"].get<int>());
    address.metrics_port = ports["metrics"].get<int>();
    endpoints[service] = address;
  }
  return endpoints;
}

absl::StatusOr<std::unique_ptr<Clients>> Clients::Connect(const Endpoints& endpoints,
                                                          std::string authority,
                                                          std::string jwt_secret) {
  auto clients = std::unique_ptr<Clients>(new Clients());
  clients->authority_ = std::move(authority);
  clients->jwt_secret_ = std::move(jwt_secret);
  clients->endpoints_ = endpoints;
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  for (const char* service : kServices) {
    auto it = endpoints.find(service);
    if (it == endpoints.end()) {
      return absl::FailedPreconditionError(absl::StrCat("no address for ", service));
    }
    auto channel = grpc::CreateCustomChannel(it->second.grpc_target,
                                             grpc::InsecureChannelCredentials(), arguments);
    clients->channels_[service] = channel;
    clients->clocks_[service] = runtime::v1::ClockControl::NewStub(channel);
  }
  clients->scheduling_ =
      scheduling::v1::SchedulingService::NewStub(clients->channels_[kScheduling]);
  clients->recording_ = recording::v1::RecordingService::NewStub(clients->channels_[kRecording]);
  clients->triggers_ =
      triggers::v1::OversightTriggersService::NewStub(clients->channels_[kTriggers]);
  clients->notifications_ =
      notifications::v1::NotificationsService::NewStub(clients->channels_[kNotifications]);
  return clients;
}

std::unique_ptr<grpc::ClientContext> Clients::As(const std::string& subject,
                                                 const std::vector<std::string>& roles,
                                                 absl::Time now) {
  // One token per person, roles and simulated day, valid for two simulated days.
  const int64_t day = absl::ToUnixSeconds(now) / 86400;
  const std::string key = absl::StrCat(subject, "|", absl::StrJoin(roles, ","));
  auto& [token_day, token] = tokens_[key];
  if (token.empty() || token_day != day) {
    runtime::TokenClaims claims;
    claims.subject = subject;
    claims.roles = roles;
    claims.authority_id = authority_;
    claims.issued_at = absl::FromUnixSeconds(day * 86400);
    claims.lifetime = absl::Hours(48);
    auto minted = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, jwt_secret_);
    token = minted.ok() ? *minted : "";
    token_day = day;
  }
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

absl::Status Clients::SetTime(absl::Time now) {
  runtime::v1::SetTimeRequest request;
  *request.mutable_now() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(now));
  for (auto& [service, clock] : clocks_) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    runtime::v1::TimeResponse response;
    if (auto status = FromGrpc(clock->SetTime(&context, request, &response),
                               absl::StrCat(service, " ClockControl.SetTime"));
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<scrape::Sample>> Clients::Metrics(const std::string& service) {
  auto it = endpoints_.find(service);
  if (it == endpoints_.end()) return absl::NotFoundError(absl::StrCat("no service ", service));
  auto body = scrape::HttpGet(it->second.metrics_host, it->second.metrics_port, "/metrics");
  if (!body.ok()) return body.status();
  return scrape::ParseSamples(*body);
}

std::vector<std::string> Clients::services() const {
  return {std::begin(kServices), std::end(kServices)};
}

}  // namespace oversight::simulator
