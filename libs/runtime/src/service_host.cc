#include "oversight/runtime/service_host.h"

#include <fcntl.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "oversight/runtime/clock_control.h"

namespace oversight::runtime {
namespace {

// Self-pipe for SIGTERM/SIGINT: the handler only writes a byte (async-signal-safe).
std::atomic<int> g_signal_write_fd{-1};

extern "C" void OnTerminationSignal(int sig) {
  const int saved = errno;
  const char byte = static_cast<char>(sig);
  const int fd = g_signal_write_fd.load();
  if (fd >= 0) (void)!::write(fd, &byte, 1);
  errno = saved;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ServiceHost::ServiceHost(std::string service_name, int argc, const char* const* argv)
    : name_(std::move(service_name)), config_(Config::FromArgs(argc, argv)) {
  Init();
}

ServiceHost::ServiceHost(std::string service_name, Config config, std::ostream* log_out)
    : name_(std::move(service_name)), config_(std::move(config)), log_out_(log_out) {
  Init();
}

ServiceHost::~ServiceHost() = default;

void ServiceHost::Init() {
  const std::string level_name =
      config_.GetEnum("log.level", "info", {"debug", "info", "warn", "error"});
  logger_ = std::make_unique<Logger>(name_, *ParseLogLevel(level_name), log_out_);

  const std::string mode = config_.GetEnum("clock.mode", "system", {"system", "manual", "scaled"});
  absl::Time start = absl::Now();
  if (config_.Has("clock.start")) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, config_.GetString("clock.start"), &start, &error)) {
      config_.AddError("clock.start", absl::StrCat("not an RFC 3339 time (", error, ")"));
      start = absl::Now();
    }
  }
  if (mode == "manual") {
    auto manual = std::make_unique<ManualClock>(start);
    manual_clock_ = manual.get();
    clock_control_ = std::make_unique<ClockControlService>(manual_clock_);
    owned_clock_ = std::move(manual);
  } else if (mode == "scaled") {
    const double scale = config_.GetDouble("clock.scale", 60.0, 1e-6, 1e9);
    owned_clock_ = std::make_unique<ScaledClock>(start, scale);
  }
  clock_ = owned_clock_ != nullptr ? owned_clock_.get() : SystemClock::Default();

  authenticator_ = Authenticator::FromConfig(config_, clock_);
  if (authenticator_ == nullptr) {
    const bool required = config_.GetBool("auth.required", true);
    if (required && !config_.Has("auth.jwt.secret") && !config_.Has("auth.jwt.public_key_file")) {
      config_.AddError("auth.jwt.secret",
                       "set auth.jwt.secret or auth.jwt.public_key_file (or auth.required: false "
                       "to accept anonymous callers)");
    }
    authenticator_ = Authenticator::Anonymous();
  }
}

void ServiceHost::AddGrpcService(grpc::Service* service) {
  services_.push_back(service);
}

void ServiceHost::AddWorker(std::string name, std::function<void(std::stop_token)> worker) {
  workers_.push_back(Worker{std::move(name), std::move(worker)});
}

void ServiceHost::RequestShutdown() {
  Shutdown(0);
}

void ServiceHost::Shutdown(int exit_code) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!shutdown_requested_) exit_code_ = exit_code;
  shutdown_requested_ = true;
  cv_.notify_all();
}

bool ServiceHost::WaitUntilServing(absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return serving_ || finished_; });
  return serving_;
}

absl::Status ServiceHost::WritePortsFile() const {
  const std::string path = config_.GetString("runtime.ports_file");
  if (path.empty()) return absl::OkStatus();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "{\"grpc\":" << grpc_port_.load() << ",\"metrics\":" << metrics_port_.load() << "}\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

int ServiceHost::Run() {
  auto finish = [&](int code) {
    std::lock_guard<std::mutex> lock(mu_);
    serving_ = false;
    finished_ = true;
    cv_.notify_all();
    return code;
  };

  // Every key the runtime reads, read now, so Validate() sees them all.
  const int grpc_port = static_cast<int>(config_.GetInt("grpc.port", 0, 0, 65535));
  const std::string grpc_bind = config_.GetString("grpc.bind_address", "0.0.0.0");
  const int metrics_port = static_cast<int>(config_.GetInt("metrics.port", 0, 0, 65535));
  const std::string metrics_bind = config_.GetString("metrics.bind_address", "0.0.0.0");
  const absl::Duration grace =
      config_.GetDuration("runtime.shutdown_grace", absl::Seconds(10), absl::Milliseconds(1));
  const std::string cert_file = config_.GetString("grpc.tls.cert_file");
  const std::string key_file = config_.GetString("grpc.tls.key_file");
  const std::string client_ca_file = config_.GetString("grpc.tls.client_ca_file");
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!cert_file.empty() || !key_file.empty() || !client_ca_file.empty()) {
    auto cert = ReadFile(cert_file);
    auto key = ReadFile(key_file);
    if (!cert.ok()) config_.AddError("grpc.tls.cert_file", std::string(cert.status().message()));
    if (!key.ok()) config_.AddError("grpc.tls.key_file", std::string(key.status().message()));
    grpc::SslServerCredentialsOptions ssl;
    if (cert.ok() && key.ok()) ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!client_ca_file.empty()) {
      auto ca = ReadFile(client_ca_file);
      if (!ca.ok()) config_.AddError("grpc.tls.client_ca_file", std::string(ca.status().message()));
      if (ca.ok()) ssl.pem_root_certs = *ca;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    if (cert.ok() && key.ok()) credentials = grpc::SslServerCredentials(ssl);
  }

  absl::Status valid = config_.Validate();
  if (!valid.ok()) {
    for (const std::string& error : config_.Errors()) {
      logger_->Error("configuration problem", {{"problem", error}});
    }
    std::cerr << name_ << ": " << valid.message() << std::endl;
    return finish(2);
  }
  if (authenticator_->anonymous()) {
    logger_->Warn("auth.required is false: every caller is anonymous");
  }

  // Signals: SIGTERM/SIGINT -> shutdown, via a self-pipe read by a thread. Only one running
  // host per process owns the signals (others, e.g. in tests, stop via RequestShutdown()).
  int signal_pipe[2] = {-1, -1};
  if (::pipe2(signal_pipe, O_CLOEXEC) != 0) {
    logger_->Error("cannot create the signal pipe", {{"errno", errno}});
    return finish(1);
  }
  int expected = -1;
  const bool owns_signals = g_signal_write_fd.compare_exchange_strong(expected, signal_pipe[1]);
  struct sigaction old_term {};
  struct sigaction old_int {};
  if (owns_signals) {
    struct sigaction action {};
    action.sa_handler = OnTerminationSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, &old_term);
    ::sigaction(SIGINT, &action, &old_int);
  } else {
    logger_->Warn("another ServiceHost in this process handles SIGTERM/SIGINT");
  }
  std::thread signal_thread([this, read_fd = signal_pipe[0]] {
    char byte = 0;
    ssize_t n;
    do {
      n = ::read(read_fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 1 && byte != 0) {
      logger_->Info("signal received", {{"signal", static_cast<int>(byte)}});
      Shutdown(0);
    }
  });
  auto restore_signals = [&] {
    if (owns_signals) {
      ::sigaction(SIGTERM, &old_term, nullptr);
      ::sigaction(SIGINT, &old_int, nullptr);
      g_signal_write_fd.store(-1);
    }
    const char zero = 0;
    (void)!::write(signal_pipe[1], &zero, 1);  // wakes the thread if no signal came
    signal_thread.join();
    ::close(signal_pipe[0]);
    ::close(signal_pipe[1]);
  };

  absl::StatusOr<int> bound_metrics = metrics_.Serve(metrics_bind, metrics_port);
  if (!bound_metrics.ok()) {
    logger_->Error("cannot serve metrics",
                   {{"error", std::string(bound_metrics.status().message())}});
    restore_signals();
    return finish(1);
  }
  metrics_port_ = *bound_metrics;

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_grpc = 0;
  builder.AddListeningPort(absl::StrCat(grpc_bind, ":", grpc_port), credentials, &bound_grpc);
  for (grpc::Service* service : services_)
    builder.RegisterService(service);
  if (clock_control_ != nullptr) builder.RegisterService(clock_control_.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<GrpcMetricsInterceptorFactory>(metrics_.registry()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_grpc == 0) {
    logger_->Error(
        "cannot start the gRPC server (port in use, bad TLS files, or a service registered twice)",
        {{"address", absl::StrCat(grpc_bind, ":", grpc_port)}});
    restore_signals();
    return finish(1);
  }
  grpc_port_ = bound_grpc;
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(false);

  std::vector<std::jthread> threads;
  threads.reserve(workers_.size());
  for (const Worker& worker : workers_) {
    threads.emplace_back([this, &worker](std::stop_token stop) {
      logger_->Info("worker started", {{"worker", worker.name}});
      worker.fn(stop);
      if (stop.stop_requested()) {
        logger_->Info("worker stopped", {{"worker", worker.name}});
      } else {
        logger_->Error("worker exited unexpectedly; shutting down", {{"worker", worker.name}});
        Shutdown(1);
      }
    });
  }

  health->SetServingStatus(true);
  absl::Status ports = WritePortsFile();
  if (!ports.ok())
    logger_->Error("cannot write the ports file", {{"error", std::string(ports.message())}});
  logger_->Info("serving", {{"grpc_port", grpc_port_.load()},
                            {"metrics_port", metrics_port_.load()},
                            {"clock", config_.GetString("clock.mode", "system")},
                            {"tls", credentials != nullptr && !cert_file.empty()}});
  {
    std::unique_lock<std::mutex> lock(mu_);
    serving_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return shutdown_requested_; });
    serving_ = false;
  }

  logger_->Info("shutting down");
  health->SetServingStatus(false);
  for (std::jthread& thread : threads)
    thread.request_stop();
  for (std::jthread& thread : threads)
    thread.join();
  server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server->Wait();
  restore_signals();
  int code;
  {
    std::lock_guard<std::mutex> lock(mu_);
    code = exit_code_;
  }
  logger_->Info("stopped", {{"exit_code", code}});
  return finish(code);
}

}  // namespace oversight::runtime
