#include "oversight/testing/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "gtest/gtest.h"

namespace oversight::testing {
namespace {

TEST(PickFreePortTest, ReturnsAPortThatCanBeBound) {
  const int port = PickFreePort();
  ASSERT_GT(port, 0);
  ASSERT_LE(port, 65535);

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);
}

TEST(PickFreePortTest, SuccessiveCallsUsuallyDiffer) {
  // The kernel hands out ephemeral ports in sequence, so ten calls give more than one port.
  std::set<int> ports;
  for (int i = 0; i < 10; ++i)
    ports.insert(PickFreePort());
  EXPECT_GT(ports.size(), 1u);
}

}  // namespace
}  // namespace oversight::testing
