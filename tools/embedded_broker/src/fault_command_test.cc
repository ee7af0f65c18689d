#include "oversight/embedded_broker/fault_command.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "oversight/embedded_broker/embedded_broker.h"

namespace oversight::embedded_broker {
namespace {

TEST(FaultCommandTest, ParsesApiKeysByNameOrNumber) {
  EXPECT_EQ(*ParseApiKey("Produce"), 0);
  EXPECT_EQ(*ParseApiKey("fetch"), 1);
  EXPECT_EQ(*ParseApiKey("JoinGroup"), 11);
  EXPECT_EQ(*ParseApiKey("22"), 22);
  EXPECT_EQ(ParseApiKey("Frobnicate").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseApiKey("-1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FaultCommandTest, ParsesErrorCodesByNameOrNumber) {
  EXPECT_EQ(*ParseErrorCode("NOT_LEADER_FOR_PARTITION"),
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  EXPECT_EQ(*ParseErrorCode("rd_kafka_resp_err_request_timed_out"),
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  EXPECT_EQ(*ParseErrorCode("7"), 7);
  EXPECT_EQ(ParseErrorCode("NO_SUCH_ERROR").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FaultCommandTest, ExecutesCommandsAgainstAnInProcessCluster) {
  auto broker = EmbeddedBroker::Start({.brokers = 2, .partitions = 2, .topics = {"t1"}});
  ASSERT_TRUE(broker.ok()) << broker.status();
  EXPECT_NE((*broker)->bootstrap_servers().find(','), std::string::npos)
      << "two brokers, two addresses: " << (*broker)->bootstrap_servers();
  EXPECT_TRUE((*broker)->Execute("broker-down 2").ok());
  EXPECT_TRUE((*broker)->Execute("broker-up 2").ok());
  EXPECT_TRUE((*broker)->Execute("request-errors Produce NOT_LEADER_FOR_PARTITION 2").ok());
  EXPECT_TRUE((*broker)->Execute("clear-request-errors Produce").ok());
  EXPECT_TRUE((*broker)->Execute("leader t1 1 2").ok());
  EXPECT_TRUE((*broker)->Execute("rtt 1 5").ok());
  EXPECT_TRUE((*broker)->Execute("create-topic t2 4 2").ok());

  for (const char* bad :
       {"", "frobnicate", "broker-down", "broker-down 3", "broker-up x", "rtt 1",
        "request-errors Nope NOT_LEADER_FOR_PARTITION 1", "request-errors Produce NOPE 1",
        "request-errors Produce 6 0", "create-topic t3 0", "create-topic t3 1 3"}) {
    const absl::Status status = (*broker)->Execute(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << "\"" << bad << "\"";
    EXPECT_FALSE(status.message().empty()) << bad;
  }
}

TEST(FaultCommandTest, RejectsBadOptions) {
  EXPECT_EQ(EmbeddedBroker::Start({.brokers = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EmbeddedBroker::Start({.partitions = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace oversight::embedded_broker
