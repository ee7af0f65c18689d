#!/usr/bin/env bash
# Runs the whole of Oversight on this machine and shows what it makes of a real-looking caseload.
#
#   scripts/demo.sh                       install what is missing, build, run, report, stop
#   scripts/demo.sh --keep-running        leave everything up (with how to query it) until Ctrl-C
#   scripts/demo.sh --authority lancashire   another policy pack (default devon)
#   scripts/demo.sh cin.xml episodes.csv header.csv   import these statutory returns instead of
#                                         the DfE samples in ../shared/data/dfe/
#   scripts/demo.sh --no-build            skip install-deps and the build (binaries must exist)
#
# It starts, on free ports, in a fresh temp dir: redis-server (AOF on), the embedded Kafka broker
# (tools/embedded_broker), and the four services (a JWT secret generated for the run); publishes
# a small workforce and a few case allocations (JSON with CloudEvents headers, through kcat);
# imports the statutory returns with oversight-import; waits until the services have consumed
# everything; prints tasks, notifications and dead letters (through oversight-ctl); then stops
# everything with SIGTERM, also on Ctrl-C. Logs stay in the temp dir, whose path it prints.
#
# Environment: OVERSIGHT_BUILD_DIR (default build, shared with scripts/test.sh),
# OVERSIGHT_DEMO_SETTLE_TIMEOUT (seconds to wait for the system to settle, default 300).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# shellcheck source=scripts/demo/lib.sh
source scripts/demo/lib.sh

keep_running=0
build=1
authority=devon
inputs=()
while (($#)); do
  case "$1" in
    --keep-running) keep_running=1 ;;
    --no-build) build=0 ;;
    --authority) authority=${2:?--authority needs a pack name}; shift ;;
    --authority=*) authority=${1#--authority=} ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "demo.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) inputs+=("$1") ;;
  esac
  shift
done

build_dir="${OVERSIGHT_BUILD_DIR:-build}"
settle_timeout="${OVERSIGHT_DEMO_SETTLE_TIMEOUT:-300}"
packs_dir="$repo/libs/policy/data/packs"
if [[ ! -f "$packs_dir/$authority.yaml" ]]; then
  echo "demo.sh: no policy pack \"$authority\" in libs/policy/data/packs (have: $(find "$packs_dir" -name "*.yaml" -printf "%f " | sed "s/\.yaml//g"))" >&2
  exit 2
fi

# --- the statutory returns to import -------------------------------------------------------
if ((${#inputs[@]} == 0)); then
  dfe_dir="$repo/../shared/data/dfe"
  inputs=("$dfe_dir/cin_census_sample.xml" "$dfe_dir/ssda903_episodes.csv" "$dfe_dir/ssda903_header.csv")
fi
import_args=()
cin_file="" episodes_file=""
for file in "${inputs[@]}"; do
  [[ -r "$file" ]] || { echo "demo.sh: cannot read $file" >&2; exit 2; }
  first=$(head -c 4096 "$file")
  if [[ "$file" == *.xml ]] && grep -q 'LAchildID\|CINdetails' <<<"$first"; then
    import_args+=(--cin "$file"); cin_file=$file
  elif [[ "$file" == *.xml ]]; then
    import_args+=(--episodes-xml "$file")
  elif head -n 1 "$file" | grep -q 'DECOM'; then
    import_args+=(--episodes "$file"); episodes_file=$file
  elif head -n 1 "$file" | grep -q 'DOB'; then
    import_args+=(--header "$file")
  else
    echo "demo.sh: $file is neither a CIN census XML, an SSDA903 XML export, nor an SSDA903 episodes or header CSV" >&2
    exit 2
  fi
done

# --- build -----------------------------------------------------------------------------------
core_targets=(oversight-oversight-triggers oversight-notifications oversight-embedded-broker
              oversight-import oversight-ctl)
optional_targets=(oversight-scheduling oversight-recording)
if ((build)); then
  step "Installing dependencies and building (in $build_dir)"
  scripts/install-deps.sh
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target "${core_targets[@]}"
  for target in "${optional_targets[@]}"; do
    if ninja -C "$build_dir" -t targets all 2>/dev/null | grep -q "^$target:"; then
      cmake --build "$build_dir" -j"$(nproc)" --target "$target" ||
        warn "$target did not build; the demo continues without it"
    else
      warn "$target is not a target of this checkout yet; the demo continues without it"
    fi
  done
fi
bin=$build_dir
[[ "$bin" == /* ]] || bin="$repo/$build_dir"
ctl="$bin/tools/ctl/oversight-ctl"
broker_bin="$bin/tools/embedded_broker/oversight-embedded-broker"
import_bin="$bin/tools/importer/oversight-import"
for binary in "$ctl" "$broker_bin" "$import_bin" \
  "$bin/services/oversight_triggers/oversight-oversight-triggers" \
  "$bin/services/notifications/oversight-notifications"; do
  [[ -x "$binary" ]] || { echo "demo.sh: $binary is missing (run without --no-build)" >&2; exit 1; }
done
for tool in redis-server redis-cli kcat curl python3; do
  command -v "$tool" >/dev/null || { echo "demo.sh: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done

# --- run directory and clean-up --------------------------------------------------------------
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/oversight-demo.XXXXXX")
log_dir="$run_dir/logs"
mkdir -p "$log_dir" "$run_dir/redis"
finished=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((${#started_pids[@]})); then
    step "Stopping (SIGTERM, newest first)"
    stop_all
  fi
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
step "Starting Oversight in $run_dir"

# Redis, append-only file on.
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$run_dir/redis" --appendonly yes \
  --appendfsync everysec --save "" --daemonize no --logfile "$log_dir/redis.log" &
track redis-server $!
for _ in $(seq 100); do
  redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
  alive "${started_pids[-1]}" || break
  sleep 0.1
done
redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG ||
  { warn "redis-server did not answer"; tail_log "$log_dir/redis.log"; exit 1; }
printf '  %-22s 127.0.0.1:%-6s ready (appendonly yes)\n' redis-server "$redis_port"

# Kafka: the embedded broker (librdkafka's mock cluster), default topics created.
"$broker_bin" --bootstrap-file "$run_dir/bootstrap" </dev/null >"$log_dir/embedded-broker.log" 2>&1 &
track embedded-broker $!
for _ in $(seq 100); do
  [[ -s "$run_dir/bootstrap" ]] && break
  alive "${started_pids[-1]}" || break
  sleep 0.1
done
[[ -s "$run_dir/bootstrap" ]] ||
  { warn "the embedded broker did not start"; tail_log "$log_dir/embedded-broker.log"; exit 1; }
bootstrap=$(head -n 1 "$run_dir/bootstrap")
printf '  %-22s %-16s ready (embedded broker, default topics)\n' kafka "$bootstrap"

# The four services, on ephemeral ports read back from their ports files.
service_env=(
  OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS="$bootstrap"
  OVERSIGHT_KAFKA_TOPIC_PARTITIONS=3
  OVERSIGHT_KAFKA_PROPERTIES_FETCH_WAIT_MAX_MS=50
  OVERSIGHT_REDIS_HOST=127.0.0.1
  OVERSIGHT_REDIS_PORT="$redis_port"
  OVERSIGHT_GRPC_PORT=0
  OVERSIGHT_METRICS_PORT=0
  OVERSIGHT_GRPC_BIND_ADDRESS=127.0.0.1
  OVERSIGHT_METRICS_BIND_ADDRESS=127.0.0.1
  OVERSIGHT_AUTH_JWT_SECRET="$secret"
)
declare -A grpc_port=() metrics_port=()
services=()
start_service() {
  local name=$1 binary=$2 required=$3 ports="$run_dir/$1.ports" pid
  if [[ ! -x "$binary" ]]; then
    printf '  %-22s not built (%s is missing): continuing without it\n' "$name" "${binary#"$repo"/}"
    ((required)) && exit 1
    return 0
  fi
  env "${service_env[@]}" "$binary" --ports-file "$ports" </dev/null >"$log_dir/$name.log" 2>&1 &
  pid=$!
  track "$name" "$pid"
  for _ in $(seq 600); do
    [[ -s "$ports" ]] && grep -q '"metrics"' "$ports" && break
    alive "$pid" || break
    sleep 0.1
  done
  if [[ -s "$ports" ]]; then
    grpc_port[$name]=$(sed -n 's/.*"grpc": *\([0-9]*\).*/\1/p' "$ports")
    metrics_port[$name]=$(sed -n 's/.*"metrics": *\([0-9]*\).*/\1/p' "$ports")
  fi
  if [[ -n "${grpc_port[$name]:-}" ]] &&
    "$ctl" health --target "127.0.0.1:${grpc_port[$name]}" --wait 60s >/dev/null 2>&1; then
    printf '  %-22s grpc 127.0.0.1:%-6s metrics http://127.0.0.1:%s/metrics  SERVING\n' \
      "$name" "${grpc_port[$name]}" "${metrics_port[$name]}"
    services+=("$name")
    return 0
  fi
  warn "$name did not become healthy; its log ($log_dir/$name.log) ends with:"
  tail_log "$log_dir/$name.log"
  ((required)) && exit 1
  return 0
}
start_service recording "$bin/services/recording/oversight-recording" 0
start_service scheduling "$bin/services/scheduling/oversight-scheduling" 0
start_service oversight-triggers "$bin/services/oversight_triggers/oversight-oversight-triggers" 1
start_service notifications "$bin/services/notifications/oversight-notifications" 1
triggers="127.0.0.1:${grpc_port[oversight-triggers]}"
notifications="127.0.0.1:${grpc_port[notifications]}"
operator_token=$("$ctl" token --secret "$secret" --subject demo-operator --authority "$authority" --ttl 12h)

# --- the workforce and a few allocations -----------------------------------------------------
step "Publishing the workforce and allocating children (JSON over kcat, CloudEvents headers)"
workforce_topic=oversight.workforce-events.v1
case_topic=oversight.case-events.v1
published=0
supervisors=()
workers=()
while IFS=$'\t' read -r id name role team supervisor start; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  [[ "$supervisor" == - ]] && supervisor=""
  json=$(printf '{"meta":{"eventId":"hr-joined-%s","authorityId":"%s","subject":"%s","occurredAt":"%s","source":"hr://%s"},"workerId":"%s","displayName":"%s","role":"%s","teamId":"%s","supervisorId":"%s","startDate":%s,"employment":"EMPLOYMENT_PERMANENT"}' \
    "$id" "$authority" "$id" "$(now_rfc3339)" "$authority" "$id" "$name" "$role" "$team" "$supervisor" "$(date_json "$start")")
  publish "$workforce_topic" "$id" oversight.workforce.v1.WorkerJoined "hr-joined-$id" "hr://$authority" "$json"
  published=$((published + 1))
  [[ "$role" == ROLE_TEAM_MANAGER ]] && supervisors+=("$id")
  [[ "$role" == ROLE_SOCIAL_WORKER || "$role" == ROLE_SENIOR_PRACTITIONER ]] && workers+=("$id:$team")
  printf '  joined     %-10s %-26s %-11s supervisor %s\n' "$id" "$role" "$team" "${supervisor:--}"
done <scripts/demo/workforce.tsv

# One malformed record, as an HR system with a bug would send it, to show the dead-letter path.
publish "$workforce_topic" sw-typo oversight.workforce.v1.WorkerJoined hr-joined-sw-typo "hr://$authority" \
  "{\"meta\":{\"eventId\":\"hr-joined-sw-typo\",\"authorityId\":\"$authority\"},\"workerId\":\"sw-typo\",\"startDate\":\"01/02/2024\"}"
published=$((published + 1))
say "  published  one malformed WorkerJoined (startDate as text) to show the dead-letter path"

children=()
[[ -n "$episodes_file" ]] && while read -r child; do children+=("$child:CASE_TYPE_CHILD_LOOKED_AFTER"); done < <(pick_cla_children "$episodes_file" 3)
[[ -n "$cin_file" ]] && while read -r child; do children+=("$child:CASE_TYPE_CHILD_IN_NEED"); done < <(pick_cin_children "$cin_file" 3)
allocated=()
for i in "${!children[@]}"; do
  child=${children[i]%%:*}
  case_type=${children[i]#*:}
  worker=${workers[i % ${#workers[@]}]%%:*}
  team=${workers[i % ${#workers[@]}]#*:}
  json=$(printf '{"meta":{"eventId":"lcs-alloc-%s","authorityId":"%s","subject":"%s","occurredAt":"%s","source":"lcs://%s"},"childId":"%s","workerId":"%s","teamId":"%s","caseType":"%s","risk":"RISK_LEVEL_STANDARD"}' \
    "$child" "$authority" "$child" "$(now_rfc3339)" "$authority" "$child" "$worker" "$team" "$case_type")
  publish "$case_topic" "$child" oversight.cases.v1.CaseAllocated "lcs-alloc-$child" "lcs://$authority" "$json"
  published=$((published + 1))
  allocated+=("$child")
  printf '  allocated  child %-16s to %-9s (%s, %s)\n' "$child" "$worker" "$team" "$case_type"
done

# --- the statutory returns -------------------------------------------------------------------
step "Importing statutory returns with oversight-import --kafka (--authority $authority)"
"$import_bin" --authority "$authority" "${import_args[@]}" --kafka "$bootstrap" \
  >"$log_dir/import.log" 2>"$log_dir/import-issues.log" ||
  { warn "oversight-import failed"; tail_log "$log_dir/import.log"; tail_log "$log_dir/import-issues.log"; exit 1; }
sed 's/^/  /' "$log_dir/import.log" | head -n 14
imported=$(sed -n 's/^imported \([0-9]*\) events.*/\1/p' "$log_dir/import.log" | head -n 1)
imported=${imported:-0}
say "  (each issue, with file and line: $log_dir/import-issues.log)"

# --- wait for the system to settle -----------------------------------------------------------
step "Waiting for the services to consume everything"
expected=$((imported + published))
consumed_of() { metric_sum "${metrics_port[$1]}" oversight_events_consumed_total; }
previous="" stable=0 waited_from=$SECONDS
while true; do
  line="" total=""
  for name in "${services[@]}"; do
    count=$(consumed_of "$name")
    total="$total $count"
    if [[ "$name" == oversight-triggers ]]; then
      triggers_count=$count
      line="$line  $name $count/$expected"
    else
      line="$line  $name $count"
    fi
  done
  elapsed=$((SECONDS - waited_from))
  if [[ -t 1 ]]; then
    printf '\r  events consumed:%s  (%ds) ' "$line" "$elapsed"
  elif ((elapsed % 5 == 0)); then
    printf '  events consumed:%s  (%ds)\n' "$line" "$elapsed"
  fi
  if ((triggers_count >= expected)) && [[ "$total" == "$previous" ]]; then
    stable=$((stable + 1))
  else
    stable=0
  fi
  previous=$total
  if ((stable >= 3)); then
    [[ -t 1 ]] && printf '\n'
    say "  settled after ${elapsed}s:$line"
    break
  fi
  if ((SECONDS - waited_from > settle_timeout)); then
    printf '\n'
    warn "not settled after ${settle_timeout}s; showing what there is so far"
    break
  fi
  sleep 1
done

# --- what came out ---------------------------------------------------------------------------
step "Oversight tasks opened, by rule (oversight-ctl task-summary)"
summary=$("$ctl" task-summary --target "$triggers" --authority "$authority" --token "$operator_token" --timeout 60s) || true
printf '%s\n' "$summary" | sed 's/^/  /'
if grep -Eq '^all rules +0 +0 +0 +0 +0$' <<<"$summary"; then
  say "  (no oversight tasks: none of the $authority pack's case triggers fired for these events)"
fi

step "Tasks each supervisor owns, with due dates (oversight-ctl tasks --owner)"
for supervisor in "${supervisors[@]}"; do
  "$ctl" tasks --target "$triggers" --authority "$authority" --token "$operator_token" \
    --owner "$supervisor" --status requested --limit 6 --timeout 60s | sed 's/^/  /' || true
done
say "  (the import's children are not allocated to anyone here, so most of their tasks have no"
say "  owner; due dates follow the returns' own dates, many years ago. A few of them:)"
"$ctl" tasks --target "$triggers" --authority "$authority" --token "$operator_token" \
  --status requested --limit 5 --timeout 60s | sed 's/^/  /' || true

step "Each supervisor's notifications (oversight-ctl notifications)"
for supervisor in "${supervisors[@]}"; do
  token=$("$ctl" token --secret "$secret" --subject "$supervisor" --authority "$authority")
  say "  -- $supervisor"
  out=$("$ctl" notifications --target "$notifications" --authority "$authority" \
    --recipient "$supervisor" --token "$token" --timeout 60s) || true
  count_line=$(tail -n 1 <<<"$out")
  rows=$(($(wc -l <<<"$out") - 2))  # minus the header and the count line
  sed '$d' <<<"$out" | head -n 6 | sed 's/^/  /'
  if ((rows > 5)); then say "  ... $count_line in all"; else say "  $count_line"; fi
done

step "Dead letters"
dead_total=0
for name in "${services[@]}"; do
  while read -r count reason; do
    [[ -z "${count:-}" ]] && continue
    say "  $name: $count ($reason)"
    dead_total=$((dead_total + count))
  done < <(metric_by_label "${metrics_port[$name]}" oversight_dead_letters_total reason)
done
kcat -C -b "$bootstrap" -t oversight.dead-letters.v1 -e -q -J 2>/dev/null >"$log_dir/dead-letters.jsonl" || true
on_topic=$(wc -l <"$log_dir/dead-letters.jsonl")
say "  $dead_total dead-lettered (services' metrics), $on_topic records on oversight.dead-letters.v1 (one per consuming service):"
python3 scripts/demo/dead_letters.py "$log_dir/dead-letters.jsonl" 5 | sed 's/^/    /' || true

step "Logs"
say "  $log_dir: $(find "$log_dir" -maxdepth 1 -type f -printf '%f ')"
say "  ran for $((SECONDS - started_at))s after the build"
finished=1

if ((keep_running)); then
  step "Running until Ctrl-C. Try:"
  say "  export OVERSIGHT_TOKEN=$operator_token"
  say "  $ctl task-summary --target $triggers --authority $authority"
  say "  $ctl tasks --target $triggers --authority $authority --owner ${supervisors[0]}"
  say "  $ctl token --secret $secret --subject ${supervisors[0]}   # then:"
  say "  $ctl notifications --target $notifications --authority $authority --recipient ${supervisors[0]} --token <that token>"
  say "  redis-cli -p $redis_port    kcat -C -b $bootstrap -t oversight.tasks.v1 -e"
  while true; do sleep 1; done
fi
