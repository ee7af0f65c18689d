// oversight-import: statutory returns (CIN census, SSDA903) -> case events (JSON lines or Kafka).
#include <iostream>
#include <string>
#include <vector>

#include "command_line.h"
#include "run.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << oversight::importer::Usage();
    return oversight::importer::kExitImported;
  }
  absl::StatusOr<oversight::importer::CommandLine> command =
      oversight::importer::ParseCommandLine(args);
  if (!command.ok()) {
    std::cerr << "oversight-import: " << command.status().message() << "\n"
              << oversight::importer::Usage();
    return oversight::importer::kExitUsage;
  }
  return oversight::importer::Run(*command, absl::Now(), std::cout, std::cerr);
}
