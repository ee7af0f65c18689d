// oversight-sim: a local authority's year, replayed against a running Oversight from its
// statutory returns and a simulated workforce, with a report (see tools/simulator/README.md).
#include <unistd.h>

#include <iostream>

#include "run.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << oversight::simulator::Usage();
    return 0;
  }
  auto options = oversight::simulator::ParseCommandLine(args);
  if (!options.ok()) {
    std::cerr << "oversight-sim: " << options.status().message() << "\n"
              << oversight::simulator::Usage();
    return 2;
  }
  auto report = oversight::simulator::Run(*options, std::cout, std::cerr);
  if (!report.ok()) {
    std::cerr << "oversight-sim: " << report.status() << "\n";
    return 1;
  }
  return 0;
}
