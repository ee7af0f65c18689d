// A GoogleTest fixture for suites that share one ServedSystem (the four binaries, seeded) and a
// StateReader over it: started once per suite, stopped after its last test. A test of a suite
// whose system did not start fails at once, saying so.
#pragma once

#include <gtest/gtest.h>

#include "oversight/rpc_testing/served_system.h"
#include "oversight/rpc_testing/system_state.h"

namespace oversight::rpc_testing {

class ServedSystemTest : public ::testing::Test {
 protected:
  // A suite that needs more set-up calls this first and returns if served_ is still null.
  static void SetUpTestSuite() {
    auto served = ServedSystem::Start();
    ASSERT_TRUE(served.ok()) << served.status();
    served_ = std::move(*served).release();
    auto reader = StateReader::Create(served_->system());
    ASSERT_TRUE(reader.ok()) << reader.status();
    state_ = std::move(*reader).release();
  }
  static void TearDownTestSuite() {
    delete state_;
    delete served_;
    state_ = nullptr;
    served_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(served_, nullptr) << "the system did not start";
    ASSERT_NE(state_, nullptr) << "the state reader did not start";
  }

  static inline ServedSystem* served_ = nullptr;
  static inline StateReader* state_ = nullptr;
};

}  // namespace oversight::rpc_testing
