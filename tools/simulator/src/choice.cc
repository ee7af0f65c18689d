#include "choice.h"

namespace oversight::simulator {
namespace {

// FNV-1a over the text, finished with splitmix64 so nearby texts land far apart.
uint64_t Hash(uint64_t seed, std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

}  // namespace

double Choice::Uniform(std::string_view about) const {
  return static_cast<double>(Hash(seed_, about) >> 11) * 0x1.0p-53;
}

int Choice::Between(std::string_view about, int low, int high) const {
  if (high <= low) return low;
  const auto span = static_cast<uint64_t>(high - low + 1);
  return low + static_cast<int>(Hash(seed_, about) % span);
}

}  // namespace oversight::simulator
