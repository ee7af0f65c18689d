// libFuzzer target: the SSDA903 CSV files (ParseSsda903EpisodesCsv, ParseSsda903HeaderCsv) and
// ImportSsda903Episodes on what they read. Input: the episodes CSV, optionally followed by a
// line "%%" and the header CSV.
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
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find("\n%%\n");
  std::istringstream episodes_csv(std::string(input.substr(0, split)));
  std::vector<sr::Issue> issues;
  const auto episodes = sr::ParseSsda903EpisodesCsv(episodes_csv, "episodes.csv", &issues);
  if (!episodes.ok()) {
    sr::fuzz::CheckRefused(episodes.status(), "episodes.csv");
    return 0;
  }
  for (const sr::Ssda903Episode& episode : *episodes) {
    OVERSIGHT_FUZZ_CHECK(episode.file == "episodes.csv" && episode.line >= 2,
                         absl::StrCat("episode at ", episode.file, ":", episode.line));
  }
  std::optional<sr::Ssda903Header> header;
  if (split != std::string_view::npos) {
    std::istringstream header_csv(std::string(input.substr(split + 4)));
    auto parsed = sr::ParseSsda903HeaderCsv(header_csv, "header.csv", &issues);
    if (!parsed.ok()) {
      sr::fuzz::CheckRefused(parsed.status(), "header.csv");
      return 0;
    }
    header = *std::move(parsed);
  }
  const auto result =
      sr::ImportSsda903Episodes(*episodes, header ? &*header : nullptr, sr::fuzz::FuzzOptions());
  OVERSIGHT_FUZZ_CHECK(result.ok(), result.status().ToString());
  sr::fuzz::CheckIssues(issues, {"episodes.csv", "header.csv"});
  sr::fuzz::CheckIssues(result->issues, {"episodes.csv"});
  sr::fuzz::CheckEvents(*result, std::string(sr::kSsda903Source), absl::CivilDay(2024, 4, 1));
  return 0;
}
