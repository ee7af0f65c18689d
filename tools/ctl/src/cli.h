// The oversight-ctl command line, as a function so it can also run in-process.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace oversight::ctl {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the call failed (gRPC status on stderr), or not SERVING
inline constexpr int kExitUsage = 2;   // bad command line

// Runs one subcommand (args exclude the program name) and returns its exit code:
//   token         --secret S --subject X [--role R]... [--authority A] [--team T] [--ttl 1h]
//                 [--issuer I] [--audience A]                    prints an HS256 JWT
//   health        --target HOST:PORT [--service NAME] [--wait 30s]  prints SERVING or why not
//   tasks         --target T --authority A [--owner X] [--child C] [--team T] [--status S]
//                 [--limit N] [--token JWT] [--json]             lists tasks
//   task-summary  --target T --authority A [--token JWT] [--json]  counts by rule id and status
//   notifications --target T --authority A --recipient X [--token JWT] [--unacknowledged]
//                 [--json]                                       lists a person's notifications
// --secret defaults to $OVERSIGHT_AUTH_JWT_SECRET and --token to $OVERSIGHT_TOKEN; --ca-file
// PEM switches the channel to TLS. Results go to `out`, errors (with the gRPC status code and
// message) to `err`. Blocks on the network; otherwise no side effects.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace oversight::ctl
