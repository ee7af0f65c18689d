#ifndef OVERSIGHT_TESTING_FUZZ_CHECK_H_
#define OVERSIGHT_TESTING_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace oversight::testing {

// Stops a fuzz run when a decoder breaks its contract: prints where and what to stderr, then
// aborts, so libFuzzer saves the input that did it (crash-<sha1> in the artifact directory).
// Used through OVERSIGHT_FUZZ_CHECK; not for unit tests (they use GoogleTest).
[[noreturn]] inline void FuzzContractBroken(const char* file, int line, const char* condition,
                                            std::string_view detail) {
  std::fprintf(stderr, "%s:%d: fuzz contract broken: %s\n  %.*s\n", file, line, condition,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace oversight::testing

// OVERSIGHT_FUZZ_CHECK(condition, detail): `detail` (anything convertible to std::string_view)
// is evaluated only when `condition` is false.
#define OVERSIGHT_FUZZ_CHECK(condition, detail)                                           \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      ::oversight::testing::FuzzContractBroken(__FILE__, __LINE__, #condition, (detail)); \
    }                                                                                     \
  } while (false)

#endif  // OVERSIGHT_TESTING_FUZZ_CHECK_H_
