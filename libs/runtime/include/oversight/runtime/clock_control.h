#ifndef OVERSIGHT_RUNTIME_CLOCK_CONTROL_H_
#define OVERSIGHT_RUNTIME_CLOCK_CONTROL_H_

#include "oversight/runtime/clock.h"
#include "oversight/runtime/v1/clock.grpc.pb.h"

namespace oversight::runtime {

// oversight.runtime.v1.ClockControl over a ManualClock: lets tests and the demo read, set and
// advance a service's time. ServiceHost registers it only with `clock.mode: manual`, which is
// never a production setting. Thread-safe (the clock is).
class ClockControlService final : public oversight::runtime::v1::ClockControl::Service {
 public:
  // `clock` must outlive the service.
  explicit ClockControlService(ManualClock* clock) : clock_(clock) {}

  grpc::Status GetTime(grpc::ServerContext* context, const v1::GetTimeRequest* request,
                       v1::TimeResponse* response) override;
  // INVALID_ARGUMENT without `now`.
  grpc::Status SetTime(grpc::ServerContext* context, const v1::SetTimeRequest* request,
                       v1::TimeResponse* response) override;
  // INVALID_ARGUMENT for a missing or negative `by` (time never runs backwards here).
  grpc::Status Advance(grpc::ServerContext* context, const v1::AdvanceRequest* request,
                       v1::TimeResponse* response) override;

 private:
  ManualClock* clock_;
};

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_CLOCK_CONTROL_H_
