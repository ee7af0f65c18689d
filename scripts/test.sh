#!/usr/bin/env bash
# Builds Oversight and runs every test with ctest, on a fresh Debian machine.
#
#   scripts/test.sh                 install what is missing, build, run all tests
#   scripts/test.sh --sanitize      the same under AddressSanitizer + UndefinedBehaviorSanitizer
#                                   (separate build dir; CI runs this pass too, see .ci/run)
#   scripts/test.sh -L unit         extra arguments go to ctest (here: only unit tests)
#
# Environment: OVERSIGHT_BUILD_DIR (default build, or build-asan with --sanitize),
# OVERSIGHT_CACHE_DIR (default ~/.cache/oversight: Apache Kafka jars, Helm binary).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=""
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize="address,undefined" ;;
    *) ctest_args+=("$arg") ;;
  esac
done

scripts/install-deps.sh
scripts/kafka-broker.sh fetch

if [[ -n "$sanitize" ]]; then
  build_dir="${OVERSIGHT_BUILD_DIR:-build-asan}"
  cmake_args=(-DOVERSIGHT_SANITIZE="$sanitize" -DCMAKE_BUILD_TYPE=Debug -DOVERSIGHT_BUILD_BENCHMARKS=OFF)
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  build_dir="${OVERSIGHT_BUILD_DIR:-build}"
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DOVERSIGHT_DEPLOY_LIVE_METRICS=ON)
fi

cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" -j2 --output-on-failure --timeout 600 "${ctest_args[@]}"
