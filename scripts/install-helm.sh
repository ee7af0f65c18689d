#!/usr/bin/env bash
# Build the pinned Helm from its Go module with the machine's Go, once, into the cache.
#
#   install-helm.sh          print the path of the helm binary (building it first if missing)
#
# Environment:
#   OVERSIGHT_CACHE_DIR   cache root (default ~/.cache/oversight); helm goes to bin/helm-<version>
#
# The version is pinned here and only here; scripts/validate-deploy.sh asks this script for the path.
set -euo pipefail

HELM_VERSION=v3.22.0
# Kubernetes version helm assumes by default (as Helm's own Makefile sets it from client-go v0.37).
K8S_MAJOR=1
K8S_MINOR=37

CACHE_DIR="${OVERSIGHT_CACHE_DIR:-$HOME/.cache/oversight}"
BIN_DIR="${CACHE_DIR}/bin"
HELM_BIN="${BIN_DIR}/helm-${HELM_VERSION}"

die() {
  echo "install-helm.sh: $*" >&2
  exit 1
}

if [[ -x "${HELM_BIN}" ]] && "${HELM_BIN}" version --short 2>/dev/null | grep -q "^${HELM_VERSION}"; then
  echo "${HELM_BIN}"
  exit 0
fi

command -v go >/dev/null || die "go not found: Helm is built from its Go module (install Go 1.24+)"

mkdir -p "${BIN_DIR}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
ldflags="-s -w"
ldflags+=" -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}"
ldflags+=" -X helm.sh/helm/v3/internal/version.metadata="
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${K8S_MAJOR}"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${K8S_MINOR}"
ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${K8S_MAJOR}"
ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${K8S_MINOR}"
echo "install-helm.sh: building helm ${HELM_VERSION} from its Go module (one time, a few minutes)" >&2
(
  cd "${work}"
  GOFLAGS=-mod=mod GOBIN="${work}/bin" go install -ldflags "${ldflags}" \
    "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" >&2
) || die "go install helm.sh/helm/v3/cmd/helm@${HELM_VERSION} failed"
mv "${work}/bin/helm" "${HELM_BIN}"
"${HELM_BIN}" version --short >&2
echo "${HELM_BIN}"
