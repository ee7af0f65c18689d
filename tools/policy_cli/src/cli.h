// The oversight-policy command line, as a function so tests can run it in-process.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace oversight::policy_cli {

// Runs one command (args exclude the program name) and returns the exit code:
// 0 success, 1 a pack/facts/calendar problem (message on `err`), 2 a usage error.
//   explain  --pack NAME --facts FILE [--json] [--packs-dir DIR] [--calendar FILE]
//   rules    --pack NAME [--packs-dir DIR]
//   validate --pack NAME [--packs-dir DIR]
// Reads only the files named; writes only to `out` and `err`.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace oversight::policy_cli
