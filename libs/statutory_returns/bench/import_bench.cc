// Throughput of parsing + validating + mapping the shared DfE samples (held in memory).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "oversight/statutory_returns/cin_census.h"
#include "oversight/statutory_returns/ssda903.h"

namespace oversight::statutory_returns {
namespace {

std::string Sample(const std::string& name) {
  const char* dir = std::getenv("OVERSIGHT_SHARED_DIR");
  std::ifstream in(std::string(dir && *dir ? dir : OVERSIGHT_DEFAULT_SHARED_DIR) + "/data/dfe/" +
                   name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ImportOptions Options() {
  ImportOptions options;
  options.authority_id = "devon";
  options.recorded_at = absl::FromUnixSeconds(1795500000);
  absl::LoadTimeZone("Europe/London", &options.zone);
  return options;
}

void BM_Ssda903EpisodesCsv(benchmark::State& state) {
  const std::string csv = Sample("ssda903_episodes.csv");
  const ImportOptions options = Options();
  size_t events = 0;
  for (auto _ : state) {
    std::istringstream in(csv);
    std::vector<Issue> issues;
    auto rows = ParseSsda903EpisodesCsv(in, "episodes.csv", &issues);
    auto result = ImportSsda903Episodes(*rows, nullptr, options);
    events = result->events.size();
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * csv.size()));
  state.counters["events"] = static_cast<double>(events);
}
BENCHMARK(BM_Ssda903EpisodesCsv)->Unit(benchmark::kMillisecond);

void BM_CinCensusXml(benchmark::State& state) {
  const std::string xml = Sample("cin_census_sample.xml");
  const ImportOptions options = Options();
  for (auto _ : state) {
    std::istringstream in(xml);
    auto result = ImportCinCensus(in, "cin.xml", options);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * xml.size()));
}
BENCHMARK(BM_CinCensusXml)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace oversight::statutory_returns
