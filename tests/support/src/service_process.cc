#include "oversight/e2e/service_process.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "oversight/scrape/http_get.h"

namespace oversight::e2e {
namespace {

std::string Tail(const std::string& text, size_t bytes = 3000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
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
  return grpc::CreateChannel(grpc_target(), spec_.credentials != nullptr
                                                ? spec_.credentials
                                                : grpc::InsecureChannelCredentials());
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
  return scrape::HttpGet("127.0.0.1", metrics_port_, "/metrics");
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

absl::Status ServiceProcess::RestartWith(const std::map<std::string, std::string>& env,
                                         absl::Duration timeout) {
  for (const auto& [key, value] : env)
    spec_.env[key] = value;
  return Launch(timeout);
}

bool ServiceProcess::Running() const {
  return process_ != nullptr && process_->Running();
}

const std::string& ServiceProcess::log_path() const {
  return process_->log_path();
}

std::string ServiceProcess::ReadLog() const {
  return process_ == nullptr ? "" : process_->ReadLog();
}

}  // namespace oversight::e2e
