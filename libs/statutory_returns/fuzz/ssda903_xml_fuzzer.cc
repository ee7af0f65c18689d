// libFuzzer target: ParseSsda903Xml on an SSDA903 XML export (the whole input) and
// ImportSsda903Episodes on its episodes and header.
// Contract: import_contract.h; as-of is the recorded day (2024-04-01).
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "google/protobuf/stubs/logging.h"
#include "import_contract.h"
#include "oversight/statutory_returns/ssda903.h"

namespace sr = oversight::statutory_returns;

// Protobuf logs every invalid UTF-8 string it refuses; that is expected here and slows fuzzing.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<sr::Issue> issues;
  const auto parsed = sr::ParseSsda903Xml(in, "ssda903.xml", &issues);
  if (!parsed.ok()) {
    sr::fuzz::CheckRefused(parsed.status(), "ssda903.xml");
    return 0;
  }
  const auto result =
      sr::ImportSsda903Episodes(parsed->episodes, &parsed->header, sr::fuzz::FuzzOptions());
  OVERSIGHT_FUZZ_CHECK(result.ok(), result.status().ToString());
  sr::fuzz::CheckIssues(issues, {"ssda903.xml"});
  sr::fuzz::CheckIssues(result->issues, {"ssda903.xml"});
  sr::fuzz::CheckEvents(*result, std::string(sr::kSsda903Source), absl::CivilDay(2024, 4, 1));
  return 0;
}
