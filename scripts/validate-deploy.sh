#!/usr/bin/env bash
# Offline validation of everything a platform team deploys: the Helm chart (with Helm itself),
# the rendered manifests, the broken-values guard rails, the alert rules (promtool), the Grafana
# dashboard, the Dockerfile, the compose file and the runtime image's file tree.
#
#   validate-deploy.sh all                  every check below except rootfs and metric-names
#   validate-deploy.sh chart                helm lint --strict + helm template (default and
#                                           production values), manifest checks, NOTES, package
#   validate-deploy.sh broken               each values file in fixtures/broken-values is refused
#                                           with the reason its "# expect:" line names
#   validate-deploy.sh checkers             the checkers refuse the insecure fixtures
#   validate-deploy.sh monitoring           promtool check/test rules, dashboard, chart copies,
#                                           metric-name checker on a fixture scrape
#   validate-deploy.sh containers           Dockerfile and compose file (docker-compose config)
#   validate-deploy.sh yaml                 yamllint on the hand-written YAML
#   validate-deploy.sh rootfs <build-dir>   assemble the image tree from a build, check every
#                                           binary's libraries resolve inside it, run each one
#                                           chrooted as uid 10001
#   validate-deploy.sh metric-names SRC...  the dashboard's and alerts' oversight_* names exist in
#                                           the given /metrics URLs or scrape files
#   validate-deploy.sh live-metrics <build-dir>  start Redis, the embedded broker and the four
#                                           services from a build, publish a little traffic
#                                           (kcat), check their /metrics as above, then SIGTERM
#                                           each and expect exit 0
#
# Environment: OVERSIGHT_CACHE_DIR (Helm binary, see scripts/install-helm.sh), HELM (a helm
# binary to use instead of building one).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${ROOT}/tools/deploy_validation"
CHART="${ROOT}/helm/oversight"
PROD_VALUES="${ROOT}/helm/values-production.yaml"
KUBE_VERSION=1.31.0
WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT

passed=0
failed=0
ok() {
  echo "ok   $*"
  passed=$((passed + 1))
}
bad() {
  echo "FAIL $*"
  failed=$((failed + 1))
}
need() {
  command -v "$1" >/dev/null || {
    echo "validate-deploy.sh: $1 not found ($2)" >&2
    exit 1
  }
}

helm_bin() {
  if [[ -n "${HELM:-}" ]]; then
    echo "${HELM}"
  else
    "${ROOT}/scripts/install-helm.sh"
  fi
}

# kubestrict (tools/deploy_validation/kubestrict): strict decoding into the Kubernetes API types,
# built once per source version with the machine's Go into the cache.
kubestrict_bin() {
  local src="${TOOLS}/kubestrict"
  local hash
  hash="$(cat "${src}"/go.mod "${src}"/go.sum "${src}"/*.go | sha256sum | cut -c1-16)"
  local bin="${OVERSIGHT_CACHE_DIR:-$HOME/.cache/oversight}/bin/kubestrict-${hash}"
  if [[ ! -x "${bin}" ]]; then
    need go "Go builds tools/deploy_validation/kubestrict"
    mkdir -p "$(dirname "${bin}")"
    echo "validate-deploy.sh: building kubestrict (one time)" >&2
    (cd "${src}" && go build -trimpath -o "${bin}.partial.$$" .) >&2 || {
      echo "validate-deploy.sh: building kubestrict failed" >&2
      exit 1
    }
    mv -f "${bin}.partial.$$" "${bin}"
  fi
  echo "${bin}"
}

partitions_of() { # values files... -> kafka.partitions after merging
  python3 - "$@" <<'EOF'
import sys, yaml
p = None
for f in sys.argv[1:]:
    d = yaml.safe_load(open(f)) or {}
    p = (d.get("kafka") or {}).get("partitions", p)
print(p)
EOF
}

# render <name> <values...>: lint, template, check; leaves ${WORK}/<name>.yaml
render() {
  local name="$1"
  shift
  local args=()
  for v in "$@"; do args+=(-f "$v"); done
  if "${HELM_BIN}" lint --strict --kube-version "${KUBE_VERSION}" "${CHART}" "${args[@]}" >"${WORK}/${name}-lint.txt" 2>&1; then
    ok "helm lint --strict (${name} values)"
  else
    bad "helm lint --strict (${name} values)"
    cat "${WORK}/${name}-lint.txt"
  fi
  if "${HELM_BIN}" template "oversight" "${CHART}" --namespace oversight --kube-version "${KUBE_VERSION}" \
    "${args[@]}" >"${WORK}/${name}.yaml" 2>"${WORK}/${name}-template.txt"; then
    ok "helm template (${name} values)"
  else
    bad "helm template (${name} values)"
    cat "${WORK}/${name}-template.txt"
    return
  fi
}

cmd_chart() {
  HELM_BIN="$(helm_bin)"
  need yamllint "apt-get install yamllint"
  local base="${CHART}/values.yaml"
  render default
  render production "${PROD_VALUES}"

  local expect_default=(--expect-kind Deployment --expect-kind Service --expect-kind PodDisruptionBudget
    --expect-kind NetworkPolicy --expect-kind Job)
  local expect_prod=("${expect_default[@]}" --expect-kind HorizontalPodAutoscaler --expect-kind ScaledObject
    --expect-kind TriggerAuthentication --expect-kind ServiceMonitor --expect-kind PrometheusRule
    --expect-kind ConfigMap)
  if python3 "${TOOLS}/check_manifests.py" "${WORK}/default.yaml" \
    --max-replicas "$(partitions_of "${base}")" "${expect_default[@]}"; then
    ok "rendered manifests (default values) keep the platform rules"
  else
    bad "rendered manifests (default values) keep the platform rules"
  fi
  if python3 "${TOOLS}/check_manifests.py" "${WORK}/production.yaml" \
    --max-replicas "$(partitions_of "${base}" "${PROD_VALUES}")" "${expect_prod[@]}"; then
    ok "rendered manifests (production values) keep the platform rules"
  else
    bad "rendered manifests (production values) keep the platform rules"
  fi
  # Further shapes in helm/oversight/ci/ (chart-testing convention): same rules.
  local extra=()
  for f in "${CHART}"/ci/*-values.yaml; do
    [[ -e "${f}" ]] || continue
    local name
    name="ci-$(basename "${f}" -values.yaml)"
    render "${name}" "${f}"
    if python3 "${TOOLS}/check_manifests.py" "${WORK}/${name}.yaml" \
      --max-replicas "$(partitions_of "${base}" "${f}")"; then
      ok "rendered manifests (${name} values) keep the platform rules"
    else
      bad "rendered manifests (${name} values) keep the platform rules"
    fi
    extra+=("${name}")
  done

  local kubestrict
  kubestrict="$(kubestrict_bin)"
  for name in default production "${extra[@]}"; do
    # KEDA's kinds have no Go types there; check_manifests.py checks their field names.
    if "${kubestrict}" --allow-kind ScaledObject --allow-kind TriggerAuthentication "${WORK}/${name}.yaml"; then
      ok "every object (${name} values) decodes strictly into the Kubernetes API types"
    else
      bad "objects (${name} values) do not match the Kubernetes API types"
    fi
  done
  if yamllint -c "${TOOLS}/yamllint-rendered.yaml" "${WORK}/default.yaml" "${WORK}/production.yaml"; then
    ok "yamllint on rendered manifests"
  else
    bad "yamllint on rendered manifests"
  fi

  # The embedded alert rules and dashboard render to the same content as deploy/monitoring.
  if python3 - "${WORK}/production.yaml" "${ROOT}/deploy/monitoring" <<'EOF'; then
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
rule = next(d for d in docs if d["kind"] == "PrometheusRule")
want = yaml.safe_load(open(sys.argv[2] + "/oversight-alerts.rules.yaml"))
assert rule["spec"] == want, "PrometheusRule differs from deploy/monitoring/oversight-alerts.rules.yaml"
cm = next(d for d in docs if d["kind"] == "ConfigMap" and "oversight-dashboard.json" in d.get("data", {}))
dash = json.loads(cm["data"]["oversight-dashboard.json"])
assert dash == json.load(open(sys.argv[2] + "/oversight-dashboard.json")), "dashboard ConfigMap differs"
EOF
    ok "PrometheusRule and dashboard ConfigMap carry deploy/monitoring's content"
  else
    bad "PrometheusRule and dashboard ConfigMap carry deploy/monitoring's content"
  fi

  # NOTES.txt renders (helm only shows it on install, so render it through a scratch copy).
  cp -r "${CHART}" "${WORK}/notes-chart"
  cp "${CHART}/templates/NOTES.txt" "${WORK}/notes-chart/files/NOTES.txt"
  cat >"${WORK}/notes-chart/templates/zz-notes.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: rendered-notes
data:
  NOTES.txt: {{ tpl (.Files.Get "files/NOTES.txt") . | quote }}
EOF
  for values in "" "${PROD_VALUES}"; do
    local vargs=()
    [[ -n "${values}" ]] && vargs=(-f "${values}")
    if "${HELM_BIN}" template demo "${WORK}/notes-chart" --kube-version "${KUBE_VERSION}" "${vargs[@]}" \
      --show-only templates/zz-notes.yaml >"${WORK}/notes.yaml" 2>&1 &&
      python3 - "${WORK}/notes.yaml" <<'EOF'; then
import sys, yaml
notes = yaml.safe_load(open(sys.argv[1]))["data"]["NOTES.txt"]
for want in ("demo-oversight-scheduling", "demo-oversight-recording", "demo-oversight-oversight-triggers",
             "demo-oversight-notifications", "oversight.dead-letters.v1", "helm test demo"):
    assert want in notes, f"NOTES.txt lacks {want}"
EOF
      ok "NOTES.txt renders (${values:-default values})"
    else
      bad "NOTES.txt renders (${values:-default values})"
      cat "${WORK}/notes.yaml"
    fi
  done

  if "${HELM_BIN}" package "${CHART}" --destination "${WORK}/pkg" >/dev/null; then
    ok "helm package"
  else
    bad "helm package"
  fi
}

cmd_broken() {
  HELM_BIN="$(helm_bin)"
  local count=0
  for f in "${TOOLS}"/fixtures/broken-values/*.yaml; do
    count=$((count + 1))
    local name expect
    name="$(basename "${f}")"
    expect="$(sed -n 's/^# expect: //p' "${f}" | head -1)"
    [[ -n "${expect}" ]] || {
      bad "${name}: no '# expect:' line"
      continue
    }
    if "${HELM_BIN}" template oversight "${CHART}" --kube-version "${KUBE_VERSION}" -f "${f}" \
      >/dev/null 2>"${WORK}/err.txt"; then
      bad "${name}: helm template accepted a broken values file"
      continue
    fi
    if ! grep -qF -- "${expect}" "${WORK}/err.txt"; then
      bad "${name}: refused, but not for '${expect}':"
      cat "${WORK}/err.txt"
      continue
    fi
    # Schema violations must stop `helm lint --strict` too (template-time checks only log there).
    if grep -q "don't meet the specifications of the schema" "${WORK}/err.txt" &&
      "${HELM_BIN}" lint --strict --kube-version "${KUBE_VERSION}" "${CHART}" -f "${f}" >/dev/null 2>&1; then
      bad "${name}: helm lint --strict accepted a values file the schema refuses"
      continue
    fi
    ok "${name} refused: ${expect}"
  done
  ((count >= 5)) || bad "expected at least 5 broken values fixtures, found ${count}"
}

cmd_checkers() {
  HELM_BIN="$(helm_bin)"
  "${HELM_BIN}" template oversight "${CHART}" --kube-version "${KUBE_VERSION}" >"${WORK}/default.yaml"
  local out
  if out="$(python3 "${TOOLS}/check_manifests.py" "${TOOLS}/fixtures/insecure/manifest.yaml" --max-replicas 6)"; then
    bad "check_manifests.py accepted the insecure manifest"
  fi
  for want in "uses the latest tag" "may run as root" "no cpu limit" "has no livenessProbe" \
    "sets REDIS_PASSWORD inline" "no PodDisruptionBudget selects" "no NetworkPolicy selects" \
    "may scale to 50, above the 6 partitions" "no preStop hook" "no \`helm test\` Job" \
    "unknown field spec.triggers[0].metadata.lagTreshold" "kafka trigger allows idle consumers" \
    "scaled by several autoscalers" "serves TLS but does not run the image's health probe" \
    "does not take OVERSIGHT_OUTBOX_OWNER_ID from the pod's name" \
    "sets OVERSIGHT_OUTBOX_OWNER_ID to a fixed value"; do
    if grep -qF -- "${want}" <<<"${out}"; then ok "check_manifests.py reports: ${want}"; else bad "check_manifests.py misses: ${want}"; fi
  done
  if out="$("$(kubestrict_bin)" "${TOOLS}/fixtures/insecure/typos.yaml")"; then
    bad "kubestrict accepted misspelt fields"
  fi
  for want in 'unknown field "spec.replica"' 'unknown field "spec.template.spec.containers[0].lifecycle.preStop.sleep.second"' \
    'unknown field "spec.endpoints[0].honourLabels"' 'GRPCAction.spec.template.spec.containers.livenessProbe.ProbeHandler.grpc.port of type int32'; do
    if grep -qF -- "${want}" <<<"${out}"; then ok "kubestrict reports: ${want}"; else bad "kubestrict misses: ${want}"; fi
  done
  if out="$(python3 "${TOOLS}/check_container_files.py" --dockerfile "${TOOLS}/fixtures/insecure/Dockerfile" \
    --test-script "${ROOT}/scripts/test.sh" --rendered "${WORK}/default.yaml" \
    --compose "${TOOLS}/fixtures/insecure/compose.yaml")"; then
    bad "check_container_files.py accepted the insecure Dockerfile/compose"
  fi
  for want in "uses the latest tag" "does not run scripts/install-deps.sh --build-only" \
    "configure step sets ['-DCMAKE_BUILD_TYPE=Debug']" "must be a numeric non-root uid" \
    "installs shell tools" "must be exec form" "kafka is not a KRaft" "scheduling runs as root" \
    "scheduling has a writable root filesystem"; do
    if grep -qF -- "${want}" <<<"${out}"; then ok "check_container_files.py reports: ${want}"; else bad "check_container_files.py misses: ${want}"; fi
  done
}

cmd_monitoring() {
  need promtool "apt-get install prometheus (for promtool)"
  local rules="${ROOT}/deploy/monitoring/oversight-alerts.rules.yaml"
  local dash="${ROOT}/deploy/monitoring/oversight-dashboard.json"
  if promtool check rules "${rules}" >"${WORK}/p.txt" 2>&1; then ok "promtool check rules"; else
    bad "promtool check rules"
    cat "${WORK}/p.txt"
  fi
  if promtool test rules "${TOOLS}/alerts_test.yaml" >"${WORK}/p.txt" 2>&1; then ok "promtool test rules (each alert fires and stays quiet as intended)"; else
    bad "promtool test rules"
    cat "${WORK}/p.txt"
  fi
  sed "s#/etc/prometheus/rules/oversight-alerts.rules.yaml#${rules}#" "${ROOT}/deploy/compose/prometheus.yml" >"${WORK}/prometheus.yml"
  if promtool check config "${WORK}/prometheus.yml" >"${WORK}/p.txt" 2>&1; then ok "promtool check config (compose Prometheus)"; else
    bad "promtool check config (compose Prometheus)"
    cat "${WORK}/p.txt"
  fi
  for f in oversight-alerts.rules.yaml oversight-dashboard.json; do
    if cmp -s "${ROOT}/deploy/monitoring/${f}" "${CHART}/files/${f}"; then ok "helm/oversight/files/${f} is a copy of deploy/monitoring/${f}"; else
      bad "helm/oversight/files/${f} differs from deploy/monitoring/${f} (cp deploy/monitoring/${f} helm/oversight/files/)"
    fi
  done
  if python3 - "${dash}" "${rules}" <<'EOF'; then
import json, re, sys, yaml
d = json.load(open(sys.argv[1]))
panels = [p for p in d["panels"] if p["type"] != "row"]
ids = [p["id"] for p in d["panels"]]
assert len(ids) == len(set(ids)), "duplicate panel ids"
assert d.get("uid") and d.get("title"), "dashboard needs uid and title"
exprs = " ".join(t["expr"] for p in panels for t in p.get("targets", []))
for p in panels:
    assert p.get("targets"), f"panel {p['title']} has no query"
    assert p["datasource"]["uid"] == "${datasource}", f"panel {p['title']} ignores the datasource variable"
# The issue's list: event rates, consumer lag, dead letters, due/overdue, reminders, gRPC latency.
for metric in ("oversight_events_consumed_total", "oversight_kafka_consumer_lag", "oversight_dead_letters_total",
               "oversight_due_items", "oversight_notifications_total", "oversight_grpc_request_duration_seconds_bucket"):
    assert metric in exprs, f"dashboard shows no {metric}"
rules = yaml.safe_load(open(sys.argv[2]))
alerts = {r["alert"] for g in rules["groups"] for r in g["rules"]}
for a in ("OversightConsumerLagGrowing", "OversightDeadLetters", "OversightTimersFiringLate",
          "OversightSmtpFailing", "OversightServiceDown"):
    assert a in alerts, f"alert {a} missing"
for g in rules["groups"]:
    for r in g["rules"]:
        assert r["labels"]["severity"] in ("critical", "warning", "info"), r["alert"]
        assert r["annotations"]["runbook"].startswith("docs/operations.md#"), r["alert"]
ops = open(sys.argv[2].replace("deploy/monitoring/oversight-alerts.rules.yaml", "docs/operations.md")).read().lower()
for a in alerts:
    assert f"### {a.lower()}" in ops, f"docs/operations.md has no section for {a}"
EOF
    ok "dashboard panels and alert set cover the issue's list; every alert has a runbook section"
  else
    bad "dashboard/alert structure"
  fi
  local scrape="${TOOLS}/fixtures/metrics-scrape.txt"
  if python3 "${TOOLS}/check_metric_names.py" --metrics "${scrape}" --uses "${dash}" --uses "${rules}" >"${WORK}/m.txt"; then
    ok "metric-name checker: a scrape with every family passes"
  else
    bad "metric-name checker: a scrape with every family passes"
    cat "${WORK}/m.txt"
  fi
  grep -v 'oversight_timer_fire_delay_seconds' "${scrape}" >"${WORK}/partial.txt"
  if python3 "${TOOLS}/check_metric_names.py" --metrics "${WORK}/partial.txt" --uses "${dash}" --uses "${rules}" >"${WORK}/m.txt"; then
    bad "metric-name checker accepted a scrape without oversight_timer_fire_delay_seconds"
  elif grep -q "MISSING oversight_timer_fire_delay_seconds_bucket" "${WORK}/m.txt"; then
    ok "metric-name checker: a scrape missing a family is refused and the name reported"
  else
    bad "metric-name checker failed for the wrong reason"
    cat "${WORK}/m.txt"
  fi
}

cmd_containers() {
  HELM_BIN="$(helm_bin)"
  "${HELM_BIN}" template oversight "${CHART}" --kube-version "${KUBE_VERSION}" >"${WORK}/default.yaml"
  if python3 "${TOOLS}/check_container_files.py" --dockerfile "${ROOT}/deploy/docker/Dockerfile" \
    --test-script "${ROOT}/scripts/test.sh" --rendered "${WORK}/default.yaml" \
    --compose "${ROOT}/deploy/compose/compose.yaml"; then
    ok "Dockerfile and compose file keep the packaging rules"
  else
    bad "Dockerfile and compose file keep the packaging rules"
  fi
  need docker-compose "apt-get install docker-compose (validates the compose file offline)"
  if docker-compose -f "${ROOT}/deploy/compose/compose.yaml" --profile observability config -q 2>"${WORK}/c.txt"; then
    ok "docker-compose config (compose file is valid)"
  else
    bad "docker-compose config"
    cat "${WORK}/c.txt"
  fi
  if bash -n "${ROOT}/deploy/docker/assemble-rootfs.sh"; then ok "assemble-rootfs.sh parses"; else bad "assemble-rootfs.sh parses"; fi
}

cmd_yaml() {
  need yamllint "apt-get install yamllint"
  if (cd "${ROOT}" && yamllint -c "${TOOLS}/yamllint.yaml" deploy helm/values-production.yaml \
    helm/oversight/values.yaml helm/oversight/Chart.yaml helm/oversight/files helm/oversight/ci tools/deploy_validation/*.yaml \
    tools/deploy_validation/fixtures); then
    ok "yamllint (deploy/, chart values, fixtures)"
  else
    bad "yamllint (deploy/, chart values, fixtures)"
  fi
  if python3 -c 'import json,sys; json.load(open(sys.argv[1])); json.load(open(sys.argv[2]))' \
    "${CHART}/values.schema.json" "${ROOT}/deploy/monitoring/oversight-dashboard.json"; then
    ok "JSON files parse"
  else
    bad "JSON files parse"
  fi
}

cmd_rootfs() {
  local build_dir="${1:?usage: validate-deploy.sh rootfs <build-dir>}"
  [[ $(id -u) -eq 0 ]] || {
    echo "validate-deploy.sh rootfs: needs root for chroot" >&2
    exit 1
  }
  local tree="${WORK}/rootfs"
  local chroot_bin
  chroot_bin="$(command -v chroot)" || {
    echo "validate-deploy.sh rootfs: chroot not found" >&2
    exit 1
  }
  if "${ROOT}/deploy/docker/assemble-rootfs.sh" "${build_dir}" "${tree}"; then ok "assemble-rootfs.sh"; else
    bad "assemble-rootfs.sh"
    return
  fi
  for bin in "${tree}"/usr/bin/oversight-{scheduling,recording,oversight-triggers,notifications}; do
    local name
    name="$(basename "${bin}")"
    # The loader inside the tree resolves every library from the tree alone.
    if env -i "${chroot_bin}" --userspec=10001:10001 "${tree}" /lib64/ld-linux-x86-64.so.2 --list "/usr/bin/${name}" \
      >"${WORK}/ldd.txt" 2>&1 && ! grep -q "not found" "${WORK}/ldd.txt"; then
      ok "${name}: every shared library resolves inside the image tree"
    else
      bad "${name}: libraries missing inside the image tree"
      cat "${WORK}/ldd.txt"
    fi
    # Started as the image starts it (uid 10001, only the tree), with a configuration error so it
    # exits at once: the dynamic loader and start-up code ran, and the error is the config's.
    set +e
    env -i OVERSIGHT_GRPC_PORT=not-a-port "$(command -v timeout)" 20 "${chroot_bin}" --userspec=10001:10001 "${tree}" "/usr/bin/${name}" \
      >"${WORK}/run.txt" 2>&1
    local rc=$?
    set -e
    if ((rc != 0 && rc != 124 && rc != 127)) && ! grep -q "error while loading shared libraries" "${WORK}/run.txt" &&
      grep -q "OVERSIGHT_" "${WORK}/run.txt"; then
      ok "${name}: starts inside the image tree as uid 10001 and reports its configuration problems (exit ${rc})"
    else
      bad "${name}: did not start cleanly inside the image tree (exit ${rc})"
      head -20 "${WORK}/run.txt"
    fi
  done
  set +e
  env -i "${chroot_bin}" --userspec=10001:10001 "${tree}" /usr/bin/oversight-health-probe 127.0.0.1:9 --timeout 0.5 \
    >"${WORK}/run.txt" 2>&1
  rc=$?
  set -e
  if ((rc == 2)) && grep -q "DEADLINE_EXCEEDED\|UNAVAILABLE" "${WORK}/run.txt"; then
    ok "oversight-health-probe runs inside the image tree as uid 10001 (nothing on :9 -> exit 2)"
  else
    bad "oversight-health-probe does not run inside the image tree (exit ${rc})"
    head -20 "${WORK}/run.txt"
  fi
  if env -i "${chroot_bin}" --userspec=10001:10001 "${tree}" /usr/bin/oversight-import --help >"${WORK}/run.txt" 2>&1 &&
    grep -q "usage: oversight-import" "${WORK}/run.txt"; then
    ok "oversight-import runs inside the image tree as uid 10001"
  else
    bad "oversight-import does not run inside the image tree"
    head -20 "${WORK}/run.txt"
  fi
}

# live-metrics <build-dir>: start Redis, the embedded Kafka broker and the four services from a
# build on loopback, scrape their /metrics, check the dashboard's and alerts' names against them,
# then stop each service with SIGTERM and expect a clean exit 0 (graceful drain).
LIVE_PIDS=()
live_cleanup() {
  local pid
  for pid in "${LIVE_PIDS[@]}"; do
    kill "${pid}" 2>/dev/null || true
  done
  for pid in "${LIVE_PIDS[@]}"; do
    wait "${pid}" 2>/dev/null || true
  done
  rm -rf "${WORK}"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # wait_for <seconds> <command...>: poll until the command succeeds
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

cmd_live_metrics() {
  local build_dir="${1:?usage: validate-deploy.sh live-metrics <build-dir>}"
  build_dir="$(cd "${build_dir}" && pwd)"
  need redis-server "apt-get install redis-server"
  need redis-cli "apt-get install redis-server"
  need kcat "apt-get install kcat"
  trap live_cleanup EXIT
  local broker
  broker="$(find "${build_dir}/tools" -type f -name oversight-embedded-broker -perm -u+x -print -quit)"
  [[ -n "${broker}" ]] || {
    echo "validate-deploy.sh: oversight-embedded-broker not built in ${build_dir}" >&2
    exit 1
  }

  local redis_port redis_password=live-metrics-password
  redis_port="$(free_port)"
  redis-server --port "${redis_port}" --bind 127.0.0.1 --save "" --appendonly no \
    --requirepass "${redis_password}" --dir "${WORK}" >"${WORK}/redis.log" 2>&1 &
  LIVE_PIDS+=($!)
  "${broker}" --bootstrap-file "${WORK}/bootstrap" </dev/null >"${WORK}/broker.log" 2>&1 &
  LIVE_PIDS+=($!)
  if ! wait_for 20 redis-cli -p "${redis_port}" -a "${redis_password}" --no-auth-warning ping; then
    bad "redis-server did not start"
    return
  fi
  if ! wait_for 30 test -s "${WORK}/bootstrap"; then
    bad "embedded broker did not start"
    cat "${WORK}/broker.log"
    return
  fi
  local bootstrap smtp_port
  bootstrap="$(cat "${WORK}/bootstrap")"
  smtp_port="$(free_port)" # nothing listens: the metric families exist before any delivery

  local probe
  probe="$(find "${build_dir}/tools" -type f -name oversight-health-probe -perm -u+x -print -quit)"
  [[ -n "${probe}" ]] || {
    echo "validate-deploy.sh: oversight-health-probe not built in ${build_dir}" >&2
    exit 1
  }
  local -A service_pid=() metrics_url=() grpc_target=()
  local name bin grpc_port metrics_port
  for name in scheduling recording oversight-triggers notifications; do
    bin="$(find "${build_dir}/services" -type f -name "oversight-${name}" -perm -u+x -print -quit)"
    [[ -n "${bin}" ]] || {
      bad "oversight-${name} not built in ${build_dir}"
      continue
    }
    grpc_port="$(free_port)"
    metrics_port="$(free_port)"
    env OVERSIGHT_GRPC_PORT="${grpc_port}" OVERSIGHT_METRICS_PORT="${metrics_port}" \
      OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS="${bootstrap}" \
      OVERSIGHT_REDIS_HOST=127.0.0.1 OVERSIGHT_REDIS_PORT="${redis_port}" \
      OVERSIGHT_REDIS_PASSWORD="${redis_password}" \
      OVERSIGHT_POLICY_PACKS_DIR="${ROOT}/libs/policy/data/packs" \
      OVERSIGHT_POLICY_CALENDAR_FILE="${ROOT}/libs/policy/data/calendar/england-and-wales.json" \
      OVERSIGHT_AUTH_JWT_SECRET=live-metrics-jwt-secret-of-at-least-32-bytes OVERSIGHT_AUTH_JWT_ISSUER=live-metrics \
      OVERSIGHT_AUTH_JWT_AUDIENCE=oversight \
      OVERSIGHT_SMTP_URL="smtp://127.0.0.1:${smtp_port}" OVERSIGHT_WEBHOOK_HMAC_SECRET=live-metrics-hmac \
      "${bin}" >"${WORK}/${name}.log" 2>&1 &
    service_pid[${name}]=$!
    LIVE_PIDS+=($!)
    metrics_url[${name}]="http://127.0.0.1:${metrics_port}/metrics"
    grpc_target[${name}]="127.0.0.1:${grpc_port}"
  done

  # Health first, as the kubelet would (this is also the first RPC each service counts). Stop
  # waiting for a service that has exited.
  ready_or_exited() { ! kill -0 "$1" 2>/dev/null || "${probe}" "$2" --timeout 2; }
  for name in "${!grpc_target[@]}"; do
    if wait_for 60 ready_or_exited "${service_pid[${name}]}" "${grpc_target[${name}]}" &&
      kill -0 "${service_pid[${name}]}" 2>/dev/null; then
      ok "oversight-${name} answers grpc.health.v1 SERVING"
    else
      bad "oversight-${name} is not SERVING on grpc.health.v1 within 60 s"
      "${probe}" "${grpc_target[${name}]}" --timeout 2 || true
      tail -20 "${WORK}/${name}.log"
    fi
  done

  # Traffic, as an HR and a case system send it (JSON over kcat, CloudEvents headers), so that
  # the series that exist only once something happened appear too: consumer lag (after a
  # commit), the outbox gauges and relay counters, a dead letter. Then scrape until every name
  # the dashboard and alerts use is exposed, for at most 90 s.
  local now
  now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  live_publish() { # topic key type event-id json
    printf '%s\n' "$5" | kcat -P -b "${bootstrap}" -t "$1" -k "$2" -H ce_specversion=1.0 \
      -H "ce_id=$4" -H "ce_source=live-metrics://devon" -H "ce_type=$3" -H "ce_subject=$2" \
      -H "ce_time=${now}" -H content-type=application/json 2>>"${WORK}/kcat.log"
  }
  local meta='"authorityId":"devon","occurredAt":"'"${now}"'"'
  if live_publish oversight.workforce-events.v1 live-manager oversight.workforce.v1.WorkerJoined live-1 \
    '{"meta":{"eventId":"live-1",'"${meta}"'},"workerId":"live-manager","teamId":"live-team","startDate":{"year":2024,"month":1,"day":8}}' &&
    live_publish oversight.workforce-events.v1 live-worker oversight.workforce.v1.WorkerJoined live-2 \
      '{"meta":{"eventId":"live-2",'"${meta}"'},"workerId":"live-worker","teamId":"live-team","supervisorId":"live-manager","startDate":{"year":2025,"month":1,"day":6}}' &&
    live_publish oversight.case-events.v1 live-child oversight.cases.v1.CaseAllocated live-3 \
      '{"meta":{"eventId":"live-3",'"${meta}"'},"childId":"live-child","workerId":"live-worker","teamId":"live-team","caseType":"CASE_TYPE_CHILD_IN_NEED"}' &&
    live_publish oversight.workforce-events.v1 live-typo oversight.workforce.v1.WorkerJoined live-4 \
      '{"meta":{"eventId":"live-4",'"${meta}"'},"workerId":"live-typo","startDate":"01/02/2024"}'; then
    ok "published two workers, an allocation and a malformed record (kcat)"
  else
    bad "kcat could not publish to the embedded broker"
    cat "${WORK}/kcat.log"
  fi

  local deadline=$((SECONDS + 90)) sources=() names_rc=1
  while :; do
    sources=()
    for name in "${!metrics_url[@]}"; do
      kill -0 "${service_pid[${name}]}" 2>/dev/null || continue
      python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
        "${metrics_url[${name}]}" >"${WORK}/${name}.metrics" 2>/dev/null || continue
      sources+=(--metrics "${WORK}/${name}.metrics")
    done
    names_rc=1
    if ((${#sources[@]} == 2 * ${#metrics_url[@]})) && python3 "${TOOLS}/check_metric_names.py" "${sources[@]}" \
      --uses "${ROOT}/deploy/monitoring/oversight-dashboard.json" \
      --uses "${ROOT}/deploy/monitoring/oversight-alerts.rules.yaml" >"${WORK}/names.txt" 2>&1; then
      names_rc=0
      break
    fi
    ((SECONDS < deadline)) || break
    sleep 1
  done
  for name in "${!metrics_url[@]}"; do
    if [[ -s "${WORK}/${name}.metrics" ]]; then ok "oversight-${name} serves /metrics"; else
      bad "oversight-${name} does not serve /metrics"
      tail -20 "${WORK}/${name}.log"
    fi
  done
  [[ -f "${WORK}/names.txt" ]] && cat "${WORK}/names.txt"
  if ((names_rc == 0)); then
    ok "every oversight_* name in the dashboard and alerts is exposed by the running services"
  else
    bad "dashboard/alerts use names the running services do not expose"
  fi

  local rc
  for name in "${!service_pid[@]}"; do
    kill -TERM "${service_pid[${name}]}" 2>/dev/null || true
    rc=0
    if wait_for 30 bash -c "! kill -0 ${service_pid[${name}]}"; then
      wait "${service_pid[${name}]}" || rc=$?
      if ((rc == 0)); then ok "oversight-${name} drains and exits 0 on SIGTERM"; else
        bad "oversight-${name} exited ${rc} on SIGTERM"
        tail -20 "${WORK}/${name}.log"
      fi
    else
      bad "oversight-${name} still running 30 s after SIGTERM"
    fi
  done
}

cmd_metric_names() {
  (($# > 0)) || {
    echo "usage: validate-deploy.sh metric-names <url-or-file>..." >&2
    exit 2
  }
  local args=()
  for s in "$@"; do args+=(--metrics "$s"); done
  if python3 "${TOOLS}/check_metric_names.py" "${args[@]}" \
    --uses "${ROOT}/deploy/monitoring/oversight-dashboard.json" \
    --uses "${ROOT}/deploy/monitoring/oversight-alerts.rules.yaml"; then
    ok "every oversight_* name in the dashboard and alerts is exposed"
  else
    bad "dashboard/alerts use names the services do not expose"
  fi
}

[[ $# -ge 1 ]] || {
  sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}
command="$1"
shift
case "${command}" in
  all)
    cmd_yaml
    cmd_chart
    cmd_broken
    cmd_checkers
    cmd_monitoring
    cmd_containers
    ;;
  chart) cmd_chart ;;
  broken) cmd_broken ;;
  checkers) cmd_checkers ;;
  monitoring) cmd_monitoring ;;
  containers) cmd_containers ;;
  yaml) cmd_yaml ;;
  rootfs) cmd_rootfs "$@" ;;
  metric-names) cmd_metric_names "$@" ;;
  live-metrics) cmd_live_metrics "$@" ;;
  *)
    echo "validate-deploy.sh: unknown command ${command}" >&2
    exit 2
    ;;
esac
echo "validate-deploy ${command}: ${passed} passed, ${failed} failed"
((failed == 0))
