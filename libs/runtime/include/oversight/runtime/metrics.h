#ifndef OVERSIGHT_RUNTIME_METRICS_H_
#define OVERSIGHT_RUNTIME_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
}

namespace oversight::runtime {

// The service's Prometheus registry and, once Serve() ran, its /metrics HTTP endpoint
// (prometheus-cpp Exposer). Modules register their families on registry() (keep each module's
// metrics in a probe beside its code). Thread-safe (prometheus-cpp metrics are).
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }

  // Starts serving /metrics on bind_address:port (port 0: an ephemeral port). Returns the port
  // actually bound, UNAVAILABLE if it cannot bind, FAILED_PRECONDITION if already serving.
  absl::StatusOr<int> Serve(const std::string& bind_address, int port);
  // The bound port, or 0 before Serve().
  int port() const { return port_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

// gRPC server interceptor factory recording RED metrics for every RPC:
//   oversight_grpc_requests_total{service,method,code}            counter
//   oversight_grpc_request_duration_seconds{service,method}       histogram
// `service` is the full gRPC service name (oversight.scheduling.v1.SchedulingService), `method`
// the method name, `code` the status code name (OK, INVALID_ARGUMENT, ...).
// Register with ServerBuilder::experimental().SetInterceptorCreators. Thread-safe.
class GrpcMetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit GrpcMetricsInterceptorFactory(prometheus::Registry& registry);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* durations_;
};

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_METRICS_H_
