#include "oversight/runtime/metrics.h"

#include <prometheus/exposer.h>

#include <chrono>
#include <exception>

#include "absl/strings/str_cat.h"

namespace oversight::runtime {
namespace {

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return absl::StrCat(static_cast<int>(code));
  }
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(std::string service, std::string method,
                     prometheus::Family<prometheus::Counter>* requests,
                     prometheus::Family<prometheus::Histogram>* durations)
      : service_(std::move(service)),
        method_(std::move(method)),
        requests_(requests),
        durations_(durations),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      requests_
          ->Add(
              {{"service", service_}, {"method", method_}, {"code", CodeName(status.error_code())}})
          .Increment();
      durations_
          ->Add({{"service", service_}, {"method", method_}},
                prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
          .Observe(seconds);
    }
    methods->Proceed();
  }

 private:
  std::string service_;
  std::string method_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* durations_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}

Metrics::~Metrics() = default;

absl::StatusOr<int> Metrics::Serve(const std::string& bind_address, int port) {
  if (exposer_ != nullptr) return absl::FailedPreconditionError("metrics already served");
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(absl::StrCat(bind_address, ":", port), 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics: cannot listen on ", bind_address, ":", port, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  port_ = ports.empty() ? port : ports.front();
  return port_;
}

GrpcMetricsInterceptorFactory::GrpcMetricsInterceptorFactory(prometheus::Registry& registry)
    : requests_(&prometheus::BuildCounter()
                     .Name("oversight_grpc_requests_total")
                     .Help("gRPC requests handled, by service, method and status code")
                     .Register(registry)),
      durations_(&prometheus::BuildHistogram()
                      .Name("oversight_grpc_request_duration_seconds")
                      .Help("gRPC request handling time in seconds, by service and method")
                      .Register(registry)) {}

grpc::experimental::Interceptor* GrpcMetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // info->method() is "/package.Service/Method".
  std::string path = info->method() != nullptr ? info->method() : "";
  std::string service = "unknown";
  std::string method = path;
  if (!path.empty() && path[0] == '/') {
    const size_t slash = path.find('/', 1);
    if (slash != std::string::npos) {
      service = path.substr(1, slash - 1);
      method = path.substr(slash + 1);
    }
  }
  return new MetricsInterceptor(std::move(service), std::move(method), requests_, durations_);
}

}  // namespace oversight::runtime
