#!/usr/bin/env bash
# Builds Oversight and runs every test with ctest, on a fresh Debian machine.
#
#   scripts/test.sh                 install what is missing, build, run all tests, then the fuzz
#                                   step: the libFuzzer targets built with clang in build-fuzz,
#                                   each run for OVERSIGHT_FUZZ_SECONDS (default 20) over its corpus
#   scripts/test.sh --sanitize      the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#                                   (separate build dir; CI runs this pass too, see .ci/run); no fuzz
#                                   step (the fuzz targets are sanitized already)
#   scripts/test.sh --fuzz          only the fuzz step
#   scripts/test.sh --fuzz-long     only the fuzz step, OVERSIGHT_FUZZ_LONG_SECONDS (default 600)
#                                   per target
#   scripts/test.sh --no-fuzz       everything but the fuzz step
#   scripts/test.sh -L unit         extra arguments go to ctest (here: only unit tests); the fuzz
#                                   step then runs only if asked for with --fuzz
#
# Environment: OVERSIGHT_BUILD_DIR (default build, or build-asan with --sanitize),
# OVERSIGHT_FUZZ_BUILD_DIR (default build-fuzz), OVERSIGHT_FUZZ_SECONDS,
# OVERSIGHT_FUZZ_LONG_SECONDS, OVERSIGHT_CACHE_DIR (default ~/.cache/oversight: Apache Kafka jars,
# Helm binary).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=""
fuzz=auto  # auto: after the full suite; only: the fuzz step alone; no: never
fuzz_seconds="${OVERSIGHT_FUZZ_SECONDS:-20}"
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize="address,undefined" ;;
    --fuzz) fuzz=only ;;
    --fuzz-long) fuzz=only fuzz_seconds="${OVERSIGHT_FUZZ_LONG_SECONDS:-600}" ;;
    --no-fuzz) fuzz=no ;;
    *) ctest_args+=("$arg") ;;
  esac
done
if [[ "$fuzz" == auto && ( -n "$sanitize" || ${#ctest_args[@]} -gt 0 ) ]]; then fuzz=no; fi

scripts/install-deps.sh

# The fuzz step (docs/reliability.md): only the fuzz targets and the libraries they link, built
# with clang, libFuzzer, ASan and UBSan; ctest runs each for $fuzz_seconds and fails on a broken
# contract, crash, leak, timeout or OOM (the input is kept in build-fuzz/fuzz/<target>/).
run_fuzz() {
  local dir="${OVERSIGHT_FUZZ_BUILD_DIR:-build-fuzz}"
  local compilers=()
  if [[ ! -f "$dir/CMakeCache.txt" ]]; then
    compilers=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
  fi
  cmake -S . -B "$dir" -G Ninja "${compilers[@]}" -DOVERSIGHT_FUZZ=ON \
    -DOVERSIGHT_FUZZ_SECONDS="$fuzz_seconds" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DOVERSIGHT_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build "$dir" --target oversight_fuzzers -j"$(nproc)"
  ctest --test-dir "$dir" -L fuzz -j2 --output-on-failure
}

if [[ "$fuzz" == only ]]; then
  run_fuzz
  exit 0
fi

scripts/kafka-broker.sh fetch

if [[ -n "$sanitize" ]]; then
  build_dir="${OVERSIGHT_BUILD_DIR:-build-asan}"
  cmake_args=(-DOVERSIGHT_SANITIZE="$sanitize" -DCMAKE_BUILD_TYPE=Debug -DOVERSIGHT_BUILD_BENCHMARKS=OFF)
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  build_dir="${OVERSIGHT_BUILD_DIR:-build}"
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi

cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" -j2 --output-on-failure --timeout 600 "${ctest_args[@]}"

if [[ "$fuzz" == auto ]]; then run_fuzz; fi
