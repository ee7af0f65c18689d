#include "oversight/runtime/clock_control.h"

namespace oversight::runtime {
namespace {

void Fill(absl::Time now, v1::TimeResponse* response) {
  const int64_t nanos = absl::ToUnixNanos(now);
  int64_t seconds = nanos / 1'000'000'000;
  int64_t rest = nanos % 1'000'000'000;
  if (rest < 0) {
    rest += 1'000'000'000;
    --seconds;
  }
  response->mutable_now()->set_seconds(seconds);
  response->mutable_now()->set_nanos(static_cast<int32_t>(rest));
}

}  // namespace

grpc::Status ClockControlService::GetTime(grpc::ServerContext*, const v1::GetTimeRequest*,
                                          v1::TimeResponse* response) {
  Fill(clock_->Now(), response);
  return grpc::Status::OK;
}

grpc::Status ClockControlService::SetTime(grpc::ServerContext*, const v1::SetTimeRequest* request,
                                          v1::TimeResponse* response) {
  if (!request->has_now()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "now is required");
  }
  clock_->Set(absl::FromUnixSeconds(request->now().seconds()) +
              absl::Nanoseconds(request->now().nanos()));
  Fill(clock_->Now(), response);
  return grpc::Status::OK;
}

grpc::Status ClockControlService::Advance(grpc::ServerContext*, const v1::AdvanceRequest* request,
                                          v1::TimeResponse* response) {
  if (!request->has_by()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "by is required");
  const absl::Duration by =
      absl::Seconds(request->by().seconds()) + absl::Nanoseconds(request->by().nanos());
  if (by < absl::ZeroDuration()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "by must not be negative");
  }
  Fill(clock_->Advance(by), response);
  return grpc::Status::OK;
}

}  // namespace oversight::runtime
