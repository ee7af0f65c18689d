// libFuzzer target: ImportCinCensus on a CIN census XML document (the whole input).
// Contract: import_contract.h; the as-of day is the file's ReferenceDate, so the "not after
// as-of" check uses it when it parses.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "google/protobuf/stubs/logging.h"
#include "import_contract.h"
#include "oversight/statutory_returns/cin_census.h"

namespace sr = oversight::statutory_returns;

// Protobuf logs every invalid UTF-8 string it refuses; that is expected here and slows fuzzing.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  const auto result = sr::ImportCinCensus(in, "census.xml", sr::fuzz::FuzzOptions());
  if (!result.ok()) {
    sr::fuzz::CheckRefused(result.status(), "census.xml");
    return 0;
  }
  sr::fuzz::CheckIssues(result->issues, {"census.xml"});
  sr::fuzz::CheckEvents(*result, std::string(sr::kCinCensusSource), std::nullopt);
  return 0;
}
