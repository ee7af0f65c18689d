// CPU time and resident memory of the processes a benchmark runs, read from /proc: its child
// processes by command name (the four services, redis-server, the embedded broker) and itself.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace oversight::bench {

struct ProcessStats {
  pid_t pid = 0;
  double cpu_seconds = 0;  // user + system since the process started
  int64_t rss_bytes = 0;
};

// The child processes of this process (direct children only), by their command name as the
// kernel keeps it (the first 15 characters: "oversight-sched", "redis-server" ...), plus "self"
// for this process. Processes that exit while being read are left out.
std::map<std::string, ProcessStats> SampleChildren();

// One process by pid; pid 0 if it cannot be read.
ProcessStats SampleProcess(pid_t pid);

// A short, readable name for a command name: "oversight-overs" -> "triggers",
// "oversight-sched" -> "scheduling", "oversight-notif" -> "notifications", "oversight-recor" ->
// "recording", "oversight-embed" -> "broker", "redis-server" -> "redis", "self" -> "driver";
// others unchanged.
std::string ProcessLabel(const std::string& command);

}  // namespace oversight::bench
