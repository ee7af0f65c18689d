// Test helper: a comparable dump of a Redis keyspace (libs/redis testing), so a test can assert
// that a rebuilt store equals the original key for key.
#pragma once

#include "oversight/redis/testing/keyspace.h"

namespace oversight::recording::testing {

using redis::testing::Differences;
using redis::testing::Keyspace;

}  // namespace oversight::recording::testing
