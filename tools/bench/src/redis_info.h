// What the benchmark reads from the services' Redis: command counts (INFO commandstats), memory
// (INFO memory) and where the memory is (every key counted by shape through SCAN, MEMORY USAGE
// of a sample of each shape).
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "oversight/redis/connection.h"

namespace oversight::bench {

struct CommandStat {
  int64_t calls = 0;
  double usec = 0;  // time spent executing (for EVALSHA: the whole script, its commands too)
};

// INFO commandstats, by lower-case command name ("evalsha", "hset" ...). Commands run by
// scripts are counted under their own names as well as inside their script's EVALSHA.
absl::StatusOr<std::map<std::string, CommandStat>> CommandStats(redis::Connection& connection);

// after - before, per command (commands with no calls in between left out).
std::map<std::string, CommandStat> Difference(const std::map<std::string, CommandStat>& after,
                                              const std::map<std::string, CommandStat>& before);

// A numeric field of INFO <section> ("used_memory" of "memory" ...); -1 if absent.
absl::StatusOr<double> InfoField(redis::Connection& connection, const std::string& section,
                                 const std::string& field);

// The key's shape: every ':'-separated segment that contains a digit becomes '*'
// ("ovs:{devon}:trg:child:bench-child-12:open" -> "ovs:{devon}:trg:child:*:open").
std::string KeyShape(const std::string& key);

struct KeyClass {
  int64_t keys = 0;        // keys of this shape (SCAN)
  int64_t sampled = 0;     // keys measured
  double mean_bytes = 0;   // MEMORY USAGE of the measured keys
  double total_bytes = 0;  // keys x mean_bytes
};

// Where the memory is: every key SCANned and grouped by KeyShape; up to `per_shape` keys of
// each shape measured with MEMORY USAGE (shapes of at most 3 keys, the authority-wide sets and
// sorted sets, with every member counted). Reads the whole keyspace: seconds at millions of keys.
absl::StatusOr<std::map<std::string, KeyClass>> MemoryByKeyShape(redis::Connection& connection,
                                                                 int per_shape = 200);

}  // namespace oversight::bench
