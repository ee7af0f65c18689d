#pragma once

#include <ostream>

#include "absl/time/time.h"
#include "command_line.h"

namespace oversight::importer {

// Exit codes of oversight-import.
inline constexpr int kExitImported = 0;  // imported (issues, if any, were reported)
inline constexpr int kExitUnusable = 1;  // an input file is unusable, or output failed
inline constexpr int kExitUsage = 2;     // bad command line

// Runs one import: reads the files named in `command`, writes events to the chosen sink, prints
// the summary on `out` and issues on `err` (unless --issues names a file). `now` is recorded_at
// when --recorded-at is absent (main passes the wall clock). Returns an exit code.
int Run(const CommandLine& command, absl::Time now, std::ostream& out, std::ostream& err);

}  // namespace oversight::importer
