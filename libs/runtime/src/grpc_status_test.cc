#include "oversight/runtime/grpc_status.h"

#include <gtest/gtest.h>

namespace oversight::runtime {
namespace {

TEST(ToGrpcStatusTest, PassesTheCodeAndMessageThrough) {
  const grpc::Status status = ToGrpcStatus(absl::NotFoundError("no task t-1 in devon"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no task t-1 in devon");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(ToGrpcStatusTest, AMessageEchoingAHugeValueIsCut) {
  const std::string id(1 << 20, 'x');  // "no task " + id + " in devon": 1048593 bytes
  const grpc::Status status = ToGrpcStatus(absl::NotFoundError("no task " + id + " in devon"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message().substr(0, 8), "no task ");
  EXPECT_LT(status.error_message().size(), kMaxStatusMessageBytes + 40);
  EXPECT_NE(status.error_message().find("... (1047569 more bytes)"), std::string::npos)
      << status.error_message().substr(kMaxStatusMessageBytes - 10);
}

TEST(BoundedStatusMessageTest, CutsAtACharacterBoundary) {
  // 1023 ASCII bytes then a two-byte character straddling the limit.
  const std::string message = std::string(1023, 'a') + "\xC3\xA9" + std::string(10, 'b');
  const std::string bounded = BoundedStatusMessage(message);
  EXPECT_EQ(bounded, std::string(1023, 'a') + "... (12 more bytes)");
  EXPECT_EQ(BoundedStatusMessage("short"), "short");
}

}  // namespace
}  // namespace oversight::runtime
