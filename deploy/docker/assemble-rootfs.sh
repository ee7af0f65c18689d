#!/usr/bin/env bash
# Assemble the runtime image's whole root filesystem from a finished build: the four service
# binaries, oversight-import and oversight-health-probe, exactly the shared libraries they load (their ldd closure and the dynamic loader), the
# policy data, CA certificates, time-zone data, a passwd/group with the non-root user, and the
# copyright files of the Debian packages the libraries come from. No shell, no package manager.
#
#   assemble-rootfs.sh <build-dir> <rootfs-dir>
#
# The Dockerfile's build stage runs this and the runtime stage is `FROM scratch` + this tree; the
# deploy tests run the same script on the local build and start each binary chrooted into the tree.
set -euo pipefail

SERVICES=(oversight-scheduling oversight-recording oversight-oversight-triggers oversight-notifications)
# Command-line tools shipped beside the services: statutory-returns import (run as a Job) and
# the grpc.health.v1 probe (compose health checks, `helm test`).
CLI_TOOLS=(oversight-import oversight-health-probe)
APP_UID=10001
APP_GID=10001

die() {
  echo "assemble-rootfs.sh: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || die "usage: assemble-rootfs.sh <build-dir> <rootfs-dir>"
SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="$(cd "$1" && pwd)"
ROOT="$2"
mkdir -p "${ROOT}"
ROOT="$(cd "${ROOT}" && pwd)"
[[ "${ROOT}" != "/" ]] || die "refusing to assemble into /"

# copy_path <absolute path>: copy a file into ROOT at the same path, following symlinks and
# recreating the symlink chain so sonames resolve the same way inside.
copy_path() {
  local src="$1"
  while [[ -L "${src}" ]]; do
    local target
    target="$(readlink "${src}")"
    mkdir -p "${ROOT}$(dirname "${src}")"
    ln -sfn "${target}" "${ROOT}${src}"
    [[ "${target}" == /* ]] || target="$(dirname "${src}")/${target}"
    src="${target}"
  done
  mkdir -p "${ROOT}$(dirname "${src}")"
  cp -p "${src}" "${ROOT}${src}"
}

# Binaries.
mkdir -p "${ROOT}/usr/bin"
BINARIES=("${SERVICES[@]}" "${CLI_TOOLS[@]}")
for name in "${BINARIES[@]}"; do
  bin="$(find "${BUILD_DIR}/services" "${BUILD_DIR}/tools" -type f -name "${name}" -perm -u+x -print -quit 2>/dev/null || true)"
  [[ -n "${bin}" ]] || die "${name} not found under ${BUILD_DIR}/services or ${BUILD_DIR}/tools (build it first)"
  install -m 0755 "${bin}" "${ROOT}/usr/bin/${name}"
  strip --strip-debug "${ROOT}/usr/bin/${name}"
done

# Shared libraries: the ldd closure of every binary, plus the dynamic loader.
declare -A libs=()
for name in "${BINARIES[@]}"; do
  out="$(ldd "${ROOT}/usr/bin/${name}")" || die "ldd failed on ${name}"
  if grep -q "not found" <<<"${out}"; then
    die "${name} needs libraries that are not installed: $(grep 'not found' <<<"${out}" | tr -s ' \t' ' ')"
  fi
  while read -r path; do
    [[ -n "${path}" ]] && libs["${path}"]=1
  done < <(awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}' <<<"${out}")
done
for lib in "${!libs[@]}"; do
  copy_path "${lib}"
done

# Copyright files of the packages those libraries come from.
packages="$(for lib in "${!libs[@]}"; do dpkg -S "$(readlink -f "${lib}")" 2>/dev/null || dpkg -S "${lib}" 2>/dev/null || true; done |
  cut -d: -f1 | sort -u)"
for pkg in ${packages} ca-certificates tzdata; do
  if [[ -f "/usr/share/doc/${pkg}/copyright" ]]; then
    mkdir -p "${ROOT}/usr/share/doc/${pkg}"
    cp "/usr/share/doc/${pkg}/copyright" "${ROOT}/usr/share/doc/${pkg}/"
  fi
done
printf '%s\n' "${packages}" >"${ROOT}/usr/share/doc/oversight-runtime-packages.txt"

# Policy data shipped with the image (the chart can mount other packs and calendars over it).
mkdir -p "${ROOT}/usr/share/oversight/policy/packs" "${ROOT}/usr/share/oversight/policy/calendar"
cp "${SOURCE_DIR}"/libs/policy/data/packs/*.yaml "${ROOT}/usr/share/oversight/policy/packs/"
cp "${SOURCE_DIR}"/libs/policy/data/calendar/*.json "${ROOT}/usr/share/oversight/policy/calendar/"

# TLS roots (Kafka SSL, SMTPS, webhooks) and time zones (deadlines count in Europe/London).
[[ -f /etc/ssl/certs/ca-certificates.crt ]] || die "install ca-certificates in the build stage"
[[ -d /usr/share/zoneinfo/Europe ]] || die "install tzdata in the build stage"
mkdir -p "${ROOT}/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "${ROOT}/etc/ssl/certs/"
mkdir -p "${ROOT}/usr/share"
cp -a /usr/share/zoneinfo "${ROOT}/usr/share/"
ln -sfn /usr/share/zoneinfo/Etc/UTC "${ROOT}/etc/localtime"

# Users, name resolution, a writable /tmp (an emptyDir in Kubernetes).
cat >"${ROOT}/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
oversight:x:${APP_UID}:${APP_GID}:oversight:/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"${ROOT}/etc/group" <<EOF
root:x:0:
oversight:x:${APP_GID}:
nogroup:x:65534:
EOF
printf 'hosts: files dns\n' >"${ROOT}/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"${ROOT}/etc/hosts"
mkdir -p "${ROOT}/tmp"
chmod 1777 "${ROOT}/tmp"

count="$(find "${ROOT}" -type f -name '*.so*' | wc -l)"
size="$(du -sh "${ROOT}" | cut -f1)"
echo "assemble-rootfs.sh: ${#BINARIES[@]} binaries, ${count} shared libraries from $(wc -w <<<"${packages}") packages, ${size} in ${ROOT}"
