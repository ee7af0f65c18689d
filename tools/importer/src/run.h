#pragma once

#include <ostream>

#include "command_line.h"
#include "oversight/runtime/clock.h"

namespace oversight::importer {

// Exit codes of oversight-import.
inline constexpr int kExitImported = 0;  // imported (issues, if any, were reported)
inline constexpr int kExitUnusable = 1;  // an input file is unusable, or output failed
inline constexpr int kExitUsage = 2;     // bad command line

// Runs one import: reads the files named in `command`, writes events to the chosen sink, prints
// the summary on `out` and issues on `err` (unless --issues names a file). `clock` gives
// recorded_at when --recorded-at is absent. Returns an exit code.
int Run(const CommandLine& command, const oversight::runtime::Clock& clock, std::ostream& out,
        std::ostream& err);

}  // namespace oversight::importer
