#include "oversight/e2e/service_process.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace oversight::e2e {
namespace {

std::string Tail(const std::string& text, size_t bytes = 3000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

// A minimal HTTP/1.0 GET on loopback (the metrics endpoint), without pulling in a client lib.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to 127.0.0.1:", port));
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return absl::UnavailableError("send failed");
  }
  std::string response;
  char buffer[8192];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;)
    response.append(buffer, n);
  ::close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || body == std::string::npos) {
    return absl::UnavailableError("malformed HTTP response");
  }
  if (response.find(" 200 ") == std::string::npos) {
    return absl::UnavailableError("HTTP status: " + response.substr(0, response.find("\r\n")));
  }
  return response.substr(body + 4);
}

}  // namespace

std::string ServiceBinary(const std::string& service_dir, const std::string& binary) {
  const char* dir = std::getenv("OVERSIGHT_BINARY_DIR");
  return std::string(dir == nullptr ? "." : dir) + "/services/" + service_dir + "/" + binary;
}

ServiceProcess::ServiceProcess(ServiceSpec spec) : spec_(std::move(spec)) {}

ServiceProcess::~ServiceProcess() {
  if (process_ != nullptr) process_->Kill();
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(ServiceSpec spec,
                                                                      absl::Duration timeout) {
  auto service = std::unique_ptr<ServiceProcess>(new ServiceProcess(std::move(spec)));
  if (auto status = service->Launch(timeout); !status.ok()) return status;
  return service;
}

absl::Status ServiceProcess::Launch(absl::Duration timeout) {
  ++generation_;
  const std::string ports_file = dir_.File(absl::StrCat("ports-", generation_, ".json"));
  testing::ChildProcessOptions options;
  options.argv = {spec_.binary, "--ports-file", ports_file};
  options.env = spec_.env;
  options.log_path = dir_.File(absl::StrCat(spec_.name, "-", generation_, ".log"));
  auto process = testing::ChildProcess::Start(options);
  if (!process.ok()) return process.status();
  process_ = *std::move(process);

  const absl::Time deadline = absl::Now() + timeout;
  grpc_port_ = metrics_port_ = 0;
  while (absl::Now() < deadline) {
    if (!process_->Running()) {
      return absl::UnavailableError(
          absl::StrCat(spec_.name, " exited during start-up; log:\n", Tail(ReadLog())));
    }
    if (grpc_port_ == 0) {
      std::ifstream in(ports_file);
      std::stringstream text;
      text << in.rdbuf();
      auto ports = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
      if (ports.is_object() && ports.contains("grpc")) {
        grpc_port_ = ports["grpc"].get<int>();
        metrics_port_ = ports.value("metrics", 0);
      }
    }
    if (grpc_port_ != 0 && Health() == "SERVING") return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::UnavailableError(
      absl::StrCat(spec_.name, " did not become SERVING in time; log:\n", Tail(ReadLog())));
}

std::shared_ptr<grpc::Channel> ServiceProcess::Channel() const {
  return grpc::CreateChannel(grpc_target(), grpc::InsecureChannelCredentials());
}

std::string ServiceProcess::Health() const {
  auto stub = grpc::health::v1::Health::NewStub(Channel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return "error: " + status.error_message();
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

absl::StatusOr<std::string> ServiceProcess::ScrapeMetrics() const {
  if (metrics_port_ == 0) return absl::FailedPreconditionError("no metrics port");
  return HttpGet(metrics_port_, "/metrics");
}

absl::StatusOr<int> ServiceProcess::Terminate(absl::Duration timeout) {
  if (process_ == nullptr) return absl::FailedPreconditionError("not running");
  if (auto status = process_->Signal(SIGTERM); !status.ok()) return status;
  return process_->Wait(timeout);
}

void ServiceProcess::Crash() {
  if (process_ != nullptr) process_->Kill();
}

absl::Status ServiceProcess::Restart(absl::Duration timeout) {
  return Launch(timeout);
}

const std::string& ServiceProcess::log_path() const {
  return process_->log_path();
}

std::string ServiceProcess::ReadLog() const {
  return process_ == nullptr ? "" : process_->ReadLog();
}

}  // namespace oversight::e2e
