// Seeded, order-independent choices: every choice is a hash of the run's seed and of what is
// being chosen about ("leaves:sw-0007"), so the same seed gives the same year whatever order
// the questions are asked in. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace oversight::simulator {

class Choice {
 public:
  explicit Choice(uint64_t seed) : seed_(seed) {}

  // A number in [0, 1) for `about`.
  double Uniform(std::string_view about) const;
  // True with probability `p`.
  bool Chance(std::string_view about, double p) const { return Uniform(about) < p; }
  // An integer in [low, high] (inclusive).
  int Between(std::string_view about, int low, int high) const;

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
};

}  // namespace oversight::simulator
