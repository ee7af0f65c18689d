// oversight-ctl: an operator's command line for a running Oversight (see README.md).
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return oversight::ctl::Run(args, std::cout, std::cerr);
}
