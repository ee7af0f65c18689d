#!/usr/bin/env bash
# Installs the Debian packages Oversight needs, skipping those already present.
#
#   scripts/install-deps.sh              build + test + demo packages
#   scripts/install-deps.sh --build-only what a container build stage needs
#
# Runs apt-get as root, or through sudo when not root.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev libhiredis-dev prometheus-cpp-dev libyaml-cpp-dev nlohmann-json3-dev
  libcurl4-openssl-dev libjwt-dev libssl-dev libexpat1-dev libjemalloc-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
)
runtime_packages=(
  redis-server kcat python3 python3-aiosmtpd python3-yaml yamllint clang-format
  openjdk-17-jre-headless maven golang-go curl prometheus docker-compose
  clang libclang-rt-14-dev  # the libFuzzer targets (scripts/test.sh fuzz step)
)

packages=("${build_packages[@]}")
if [[ "${1:-}" != "--build-only" ]]; then
  packages+=("${runtime_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  # Java, Maven and Go may come from outside Debian on a developer machine: accept any on PATH.
  case "$p" in
    openjdk-17-jre-headless) command -v java >/dev/null && continue ;;
    maven) command -v mvn >/dev/null && continue ;;
    golang-go) command -v go >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "install-deps: done"
