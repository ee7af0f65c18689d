// oversight-policy: explain due dates for a policy pack and a set of facts (see README.md).
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return oversight::policy_cli::Run(args, std::cout, std::cerr);
}
