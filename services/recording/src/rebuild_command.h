// `oversight-recording rebuild`: the binary's second mode. Restores recording's Redis from Kafka
// (rebuild.h) with the service's own configuration (the same file, environment and --set keys:
// kafka.*, redis.*, topics.records / topics.workforce_events / topics.case_events, policy.*),
// then prints one JSON line with what it restored and exits:
//   0  rebuilt;  1  a read or a write failed (safe to run again: it is idempotent);
//   2  bad configuration, or the Redis already holds records (see below).
// Run it with the service stopped (scaled to 0), into an empty Redis: a store that already holds
// records may be newer than the topic (its outbox not yet relayed), so it is refused unless
// rebuild.allow_existing=true (for resuming an interrupted rebuild). rebuild.timeout (default
// 30m) bounds each topic's read.
#pragma once

namespace oversight::recording {

// argv[0] is the mode ("rebuild"); the rest are the configuration flags.
int RunRebuildCommand(int argc, const char* const* argv);

}  // namespace oversight::recording
