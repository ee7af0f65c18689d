#!/usr/bin/env bash
# Runs the whole of Oversight on this machine and replays a local authority's year through it.
#
#   scripts/demo.sh                          install what is missing, build, run the year, report
#   scripts/demo.sh --authority stoke-on-trent   another policy pack (default devon; also
#                                            havering, lancashire, multi-agency)
#   scripts/demo.sh cin.xml episodes.csv header.csv   these statutory returns instead of the
#                                            DfE samples in ../shared/data/dfe/
#   scripts/demo.sh --children all           the returns' whole caseload (2,225 children open on
#                                            day one and those referred in the year, 236 staff:
#                                            about 9 minutes on 2 cores) instead of the default
#                                            seeded sample of 1,000 children
#   scripts/demo.sh --months 3 --children 300 --seed 7   a shorter or smaller year, another draw
#   scripts/demo.sh --report DIR             where the report goes (default ./demo-report)
#   scripts/demo.sh --keep-running           leave everything up after the report, until Ctrl-C
#   scripts/demo.sh --no-build               skip install-deps and the build (binaries must exist)
#
# It starts, on free ports in a fresh temp dir: redis-server (AOF on), the embedded Kafka broker
# (tools/embedded_broker), an SMTP listener that keeps every message (scripts/smtp-catcher.py)
# and the four services on a manual clock (a JWT secret generated for the run). It shows the
# importer's reading of the returns (oversight-import), sends one malformed HR event to show the
# dead-letter path, then runs oversight-sim (tools/simulator): the returns' children and a
# simulated workforce over the reporting year 1 April 2025 - 31 March 2026, day by day, with a
# live progress line. Finally it prints the summary, writes the report (index.html with charts,
# report.json, summary.txt, the emails caught) and stops everything with SIGTERM, also on Ctrl-C.
#
# Environment: OVERSIGHT_BUILD_DIR (default build, shared with scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# shellcheck source=scripts/demo/lib.sh
source scripts/demo/lib.sh

keep_running=0
build=1
authority=devon
months=12
seed=42
children=1000
report_dir="$repo/demo-report"
inputs=()
while (($#)); do
  case "$1" in
    --keep-running) keep_running=1 ;;
    --no-build) build=0 ;;
    --authority) authority=${2:?--authority needs a pack name}; shift ;;
    --authority=*) authority=${1#--authority=} ;;
    --months) months=${2:?--months needs a number}; shift ;;
    --seed) seed=${2:?--seed needs a number}; shift ;;
    --children) children=${2:?--children needs a number or all}; shift ;;
    --report) report_dir=${2:?--report needs a directory}; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "demo.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) inputs+=("$1") ;;
  esac
  shift
done
[[ "$report_dir" == /* ]] || report_dir="$repo/$report_dir"

build_dir="${OVERSIGHT_BUILD_DIR:-build}"
packs_dir="$repo/libs/policy/data/packs"
if [[ "$children" == all ]]; then
  children=0
elif ! [[ "$children" =~ ^[1-9][0-9]*$ ]]; then
  echo "demo.sh: --children takes a positive number or all (got \"$children\")" >&2
  exit 2
fi
if [[ ! -f "$packs_dir/$authority.yaml" ]]; then
  echo "demo.sh: no policy pack \"$authority\" in libs/policy/data/packs (have: $(find "$packs_dir" -name "*.yaml" -printf "%f " | sed "s/\.yaml//g"))" >&2
  exit 2
fi

# --- the statutory returns -------------------------------------------------------------------
if ((${#inputs[@]} == 0)); then
  dfe_dir="$repo/../shared/data/dfe"
  inputs=("$dfe_dir/cin_census_sample.xml" "$dfe_dir/ssda903_episodes.csv" "$dfe_dir/ssda903_header.csv")
fi
returns_args=()
for file in "${inputs[@]}"; do
  [[ -r "$file" ]] || { echo "demo.sh: cannot read $file" >&2; exit 2; }
  first=$(head -c 4096 "$file")
  if [[ "$file" == *.xml ]] && grep -q 'LAchildID\|CINdetails' <<<"$first"; then
    returns_args+=(--cin "$file")
  elif [[ "$file" == *.xml ]]; then
    returns_args+=(--episodes-xml "$file")
  elif head -n 1 "$file" | grep -q 'DECOM'; then
    returns_args+=(--episodes "$file")
  elif head -n 1 "$file" | grep -q 'DOB'; then
    returns_args+=(--header "$file")
  else
    echo "demo.sh: $file is neither a CIN census XML, an SSDA903 XML export, nor an SSDA903 episodes or header CSV" >&2
    exit 2
  fi
done

# --- build -----------------------------------------------------------------------------------
targets=(oversight-scheduling oversight-recording oversight-oversight-triggers oversight-notifications
         oversight-embedded-broker oversight-import oversight-sim oversight-ctl)
if ((build)); then
  step "Installing dependencies and building (in $build_dir)"
  scripts/install-deps.sh
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"
fi
bin=$build_dir
[[ "$bin" == /* ]] || bin="$repo/$build_dir"
ctl="$bin/tools/ctl/oversight-ctl"
broker_bin="$bin/tools/embedded_broker/oversight-embedded-broker"
import_bin="$bin/tools/importer/oversight-import"
sim_bin="$bin/tools/simulator/oversight-sim"
for binary in "$ctl" "$broker_bin" "$import_bin" "$sim_bin" \
  "$bin/services/scheduling/oversight-scheduling" "$bin/services/recording/oversight-recording" \
  "$bin/services/oversight_triggers/oversight-oversight-triggers" \
  "$bin/services/notifications/oversight-notifications"; do
  [[ -x "$binary" ]] || { echo "demo.sh: $binary is missing (run without --no-build)" >&2; exit 1; }
done
for tool in redis-server redis-cli kcat curl /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "demo.sh: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done

# --- run directory and clean-up --------------------------------------------------------------
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/oversight-demo.XXXXXX")
log_dir="$run_dir/logs"
mail_dir="$run_dir/mail"
mkdir -p "$log_dir" "$run_dir/redis" "$mail_dir" "$run_dir/ports"
finished=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#started_pids[@]})); then
    step "Stopping (SIGTERM, newest first)"
    stop_all
  fi
  # The data (Redis files, the caught mail, copied into the report) goes; the logs stay.
  rm -rf "$run_dir/redis" "$run_dir/mail" "$run_dir/imported.jsonl"
  if ((!finished)); then
    say "demo.sh: stopped early (status $status); logs are in $log_dir"
    exit "$status"
  fi
  exit 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started_at=$SECONDS
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The services' clocks start the evening before the replayed year; oversight-sim moves them.
clock_start="2025-03-31T17:00:00Z"
step "Starting Oversight in $run_dir"

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$run_dir/redis" --appendonly yes \
  --appendfsync everysec --save "" --daemonize no --logfile "$log_dir/redis.log" &
track redis-server $!
wait_for "redis-server" 100 bash -c "redis-cli -p $redis_port ping 2>/dev/null | grep -q PONG" ||
  { tail_log "$log_dir/redis.log"; exit 1; }
printf '  %-22s 127.0.0.1:%-6s ready (appendonly yes, appendfsync everysec)\n' redis-server "$redis_port"

"$broker_bin" --bootstrap-file "$run_dir/bootstrap" </dev/null >"$log_dir/embedded-broker.log" 2>&1 &
track embedded-broker $!
wait_for "the embedded broker" 100 test -s "$run_dir/bootstrap" ||
  { tail_log "$log_dir/embedded-broker.log"; exit 1; }
bootstrap=$(head -n 1 "$run_dir/bootstrap")
printf '  %-22s %-16s ready (embedded broker, default topics)\n' kafka "$bootstrap"

/usr/bin/python3 scripts/smtp-catcher.py --maildir "$mail_dir" --port 0 --eml-only \
  --ready-file "$run_dir/smtp.ready" >"$log_dir/smtp-catcher.log" 2>&1 &
track smtp-catcher $!
wait_for "the SMTP listener" 100 test -s "$run_dir/smtp.ready" ||
  { tail_log "$log_dir/smtp-catcher.log"; exit 1; }
smtp_port=$(sed -n 's/.*"port": *\([0-9]*\).*/\1/p' "$run_dir/smtp.ready")
printf '  %-22s 127.0.0.1:%-6s ready (keeps every message in %s)\n' smtp-listener "$smtp_port" "$mail_dir"

service_env=(
  OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS="$bootstrap"
  OVERSIGHT_KAFKA_TOPIC_PARTITIONS=3
  OVERSIGHT_KAFKA_PROPERTIES_FETCH_WAIT_MAX_MS=10
  OVERSIGHT_REDIS_HOST=127.0.0.1
  OVERSIGHT_REDIS_PORT="$redis_port"
  OVERSIGHT_GRPC_PORT=0
  OVERSIGHT_METRICS_PORT=0
  OVERSIGHT_GRPC_BIND_ADDRESS=127.0.0.1
  OVERSIGHT_METRICS_BIND_ADDRESS=127.0.0.1
  OVERSIGHT_AUTH_JWT_SECRET="$secret"
  OVERSIGHT_CLOCK_MODE=manual
  OVERSIGHT_CLOCK_START="$clock_start"
  OVERSIGHT_POLICY_LIVE_FROM=2025-04-01
  OVERSIGHT_OUTBOX_POLL_INTERVAL=5ms
  OVERSIGHT_SCHEDULING_TIMER_INTERVAL=20ms
  OVERSIGHT_SMTP_URL="smtp://127.0.0.1:$smtp_port"
  OVERSIGHT_SMTP_FROM="oversight@$authority.example.gov.uk"
  OVERSIGHT_NOTIFICATIONS_DELIVERY_POLL_INTERVAL=20ms
  OVERSIGHT_NOTIFICATIONS_CASE_SYSTEM_URL="https://case-system.$authority.example.gov.uk/"
)
declare -A grpc_port=() metrics_port=()
start_service() {
  local name=$1 binary=$2 ports="$run_dir/ports/$1.ports" pid
  env "${service_env[@]}" "$binary" --ports-file "$ports" </dev/null >"$log_dir/$name.log" 2>&1 &
  pid=$!
  track "$name" "$pid"
  wait_for "$name" 600 bash -c "test -s $ports && grep -q '\"metrics\"' $ports" ||
    { tail_log "$log_dir/$name.log"; exit 1; }
  grpc_port[$name]=$(sed -n 's/.*"grpc": *\([0-9]*\).*/\1/p' "$ports")
  metrics_port[$name]=$(sed -n 's/.*"metrics": *\([0-9]*\).*/\1/p' "$ports")
  if ! "$ctl" health --target "127.0.0.1:${grpc_port[$name]}" --wait 60s >/dev/null 2>&1; then
    warn "$name did not become healthy; its log ($log_dir/$name.log) ends with:"
    tail_log "$log_dir/$name.log"
    exit 1
  fi
  printf '  %-22s grpc 127.0.0.1:%-6s metrics http://127.0.0.1:%s/metrics  SERVING\n' \
    "$name" "${grpc_port[$name]}" "${metrics_port[$name]}"
}
start_service recording "$bin/services/recording/oversight-recording"
start_service scheduling "$bin/services/scheduling/oversight-scheduling"
start_service oversight-triggers "$bin/services/oversight_triggers/oversight-oversight-triggers"
start_service notifications "$bin/services/notifications/oversight-notifications"

# --- the returns, as the importer reads them -------------------------------------------------
step "Reading the statutory returns (oversight-import --out, issues listed in the log)"
import_args=()
for ((i = 0; i < ${#returns_args[@]}; i += 2)); do
  import_args+=("${returns_args[i]}" "${returns_args[i + 1]}")
done
"$import_bin" --authority "$authority" "${import_args[@]}" --out "$run_dir/imported.jsonl" \
  --issues "$log_dir/import-issues.csv" >"$log_dir/import.log" 2>&1 ||
  { warn "oversight-import failed"; tail_log "$log_dir/import.log"; exit 1; }
sed 's/^/  /' "$log_dir/import.log" | head -n 30
say "  (each issue with file, line and reason: $log_dir/import-issues.csv)"

# One malformed record, as an HR system with a bug would send it, to show the dead-letter path.
publish oversight.workforce-events.v1 sw-typo oversight.workforce.v1.WorkerJoined hr-joined-sw-typo \
  "hr://$authority" \
  "{\"meta\":{\"eventId\":\"hr-joined-sw-typo\",\"authorityId\":\"$authority\"},\"workerId\":\"sw-typo\",\"startDate\":\"01/02/2024\"}"

# --- the year --------------------------------------------------------------------------------
step "Replaying the year with oversight-sim (authority $authority, seed $seed)"
sim_args=(--authority "$authority" --kafka "$bootstrap" --ports-dir "$run_dir/ports"
          --report "$report_dir" --mail-dir "$mail_dir" --months "$months" --seed "$seed"
          --children "$children" "${returns_args[@]}")
rm -rf "$report_dir"
if ! OVERSIGHT_AUTH_JWT_SECRET="$secret" "$sim_bin" "${sim_args[@]}" 2> >(tee "$log_dir/sim.log" >&2); then
  warn "oversight-sim failed; its log is $log_dir/sim.log"
  exit 1
fi

step "Dead letters (bad input goes to oversight.dead-letters.v1 with its reason)"
for name in recording scheduling oversight-triggers notifications; do
  while read -r count reason; do
    [[ -z "${count:-}" || "$count" == 0 ]] && continue
    say "  $name: $count ($reason)"
  done < <(metric_by_label "${metrics_port[$name]}" oversight_dead_letters_total reason)
done
kcat -C -b "$bootstrap" -t oversight.dead-letters.v1 -e -q -J 2>/dev/null >"$log_dir/dead-letters.jsonl" || true
/usr/bin/python3 scripts/demo/dead_letters.py "$log_dir/dead-letters.jsonl" 5 | sed 's/^/    /' || true

step "The report"
say "  $report_dir/index.html   charts: on-time rates per team and month, overdue items by kind,"
say "                                 oversight tasks by trigger; the emails caught"
say "  $report_dir/report.json  every figure, as the services answered over gRPC"
say "  $report_dir/emails/      $(find "$report_dir/emails" -name '*.eml' 2>/dev/null | wc -l) emails the SMTP listener caught"
say "  logs: $log_dir"
say "  ran for $((SECONDS - started_at))s after the build"
finished=1

if ((keep_running)); then
  step "Running until Ctrl-C (the clocks stay where the year ended). Try:"
  operator_token=$("$ctl" token --secret "$secret" --subject hos-01 --role senior-manager --authority "$authority" --ttl 12h)
  say "  export OVERSIGHT_TOKEN=$operator_token"
  say "  $ctl task-summary --target 127.0.0.1:${grpc_port[oversight-triggers]} --authority $authority"
  say "  $ctl tasks --target 127.0.0.1:${grpc_port[oversight-triggers]} --authority $authority --owner tm-01"
  say "  redis-cli -p $redis_port    kcat -C -b $bootstrap -t oversight.tasks.v1 -e"
  while true; do sleep 1; done
fi
