#!/usr/bin/env bash
# Oversight's benchmark (issues #11 and #10 part 4): the system end to end beside the ceilings of
# its own parts, on this machine, in one run. Not a test: it prints figures and writes them to
# docs/benchmarks.md (between the generated-table markers; the analysis around them is kept).
#
#   scripts/benchmark.sh [flags]
#
# Phases (--phases, comma-separated, in this order; default ceilings,system,large):
#   ceilings  the parts with their own tools: kcat (librdkafka) producing and consuming 200-byte
#             messages on the embedded broker (the broker oversight-bench uses), redis-benchmark
#             for each command our services send, on a redis-server with the same AOF settings
#             (appendonly yes, appendfsync everysec, no RDB)
#   system    oversight-bench at --cases open cases (default 10000): throughput (case events
#             from publish until every service settled and every outbox is empty) and latency
#             at --rate (default 2000/s) for --latency-seconds
#   large     the same at --large-cases open cases (default 1000000; loading them takes long)
#   load      oversight-bench holding --load-rate (default 2000/s) for --load-seconds (default
#             600) with every task completed: latency and memory per --window (default 60 s);
#             the table goes to docs/reliability.md by hand (section "Load"). On Apache Kafka
#             by default (--load-broker real: scripts/kafka-broker.sh starts one for the phase):
#             the embedded broker keeps about 5 MiB per partition, so a long run at a high rate
#             would lose records in the broker itself; --load-broker embedded for the old runs
#   report    (always, alone with --phases report) the table from every result in --out (each
#             result's command beside it in <result>.command), printed and written to --doc
#
# Other flags: --events N (throughput-phase events, default 20000), --out DIR (results,
# default build/bench-results), --doc PATH (default docs/benchmarks.md; "-": print only),
# --build DIR (default build), --service-env OVERSIGHT_KEY=VALUE (a setting for every service in
# the system, large and load phases; repeatable, e.g. the Kafka batching of docs/operations.md:
# --service-env OVERSIGHT_KAFKA_PROPERTIES_LINGER_MS=20). Results of earlier runs in --out are
# reported too (each with the time and load average it ran at), so a long phase can run on its
# own first.
# Needs: a build with -DOVERSIGHT_BUILD_BENCHMARKS=ON, kcat, redis-server, redis-benchmark,
# python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ROOT}/build"
OUT=""
DOC="${ROOT}/docs/benchmarks.md"
PHASES="ceilings,system,large"
CASES=10000
LARGE_CASES=1000000
EVENTS=20000
RATE=2000
LATENCY_SECONDS=20
LOAD_RATE=2000
LOAD_SECONDS=600
LOAD_BROKER=real
WINDOW=60
SERVICE_ENV=()
COMMAND_LINE="scripts/benchmark.sh $*"

die() {
  echo "benchmark.sh: $*" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --phases) PHASES="$2"; shift 2 ;;
    --cases) CASES="$2"; shift 2 ;;
    --large-cases) LARGE_CASES="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --latency-seconds) LATENCY_SECONDS="$2"; shift 2 ;;
    --load-rate) LOAD_RATE="$2"; shift 2 ;;
    --load-seconds) LOAD_SECONDS="$2"; shift 2 ;;
    --load-broker) LOAD_BROKER="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --doc) DOC="$2"; shift 2 ;;
    --build) BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --service-env) SERVICE_ENV+=(--service-env "$2"); shift 2 ;;
    -h | --help) sed -n '2,34p' "$0"; exit 0 ;;
    *) die "unknown flag $1 (see --help)" ;;
  esac
done
OUT="${OUT:-${BUILD}/bench-results}"
mkdir -p "${OUT}"
BENCH="${BUILD}/tools/bench/oversight-bench"
BROKER="${BUILD}/tools/embedded_broker/oversight-embedded-broker"
for tool in kcat redis-server redis-benchmark redis-cli python3; do
  command -v "${tool}" > /dev/null || die "${tool} is not installed (scripts/install-deps.sh)"
done

has_phase() { [[ ",${PHASES}," == *",$1,"* ]]; }
now() { date +%s.%N; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Processes this script started, stopped on exit.
PIDS=()
SCRATCH="$(mktemp -d /tmp/oversight-benchmark.XXXXXX)"
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "${pid}" 2> /dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "${pid}" 2> /dev/null || true
  done
  rm -rf "${SCRATCH}"
  if [[ -n "${LOAD_KAFKA_DIR:-}" ]]; then
    "${ROOT}/scripts/kafka-broker.sh" stop "${LOAD_KAFKA_DIR}" > /dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# --- ceilings: Kafka --------------------------------------------------------------------------
KAFKA_PRODUCE_MESSAGES=300000
# The embedded broker keeps about 5 MiB per partition (and drops older records): the consume
# test reads a topic small enough to be kept whole.
KAFKA_CONSUME_MESSAGES=24000
kafka_ceiling() {
  local dir="${SCRATCH}/kafka"
  mkdir -p "${dir}"
  "${BROKER}" --partitions 3 --no-default-topics --topic bench.produce --topic bench.consume \
    --bootstrap-file "${dir}/bootstrap" < /dev/null > "${dir}/broker.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    [[ -s "${dir}/bootstrap" ]] && break
    sleep 0.1
  done
  [[ -s "${dir}/bootstrap" ]] || die "the embedded broker did not start: $(cat "${dir}/broker.log")"
  local bootstrap
  bootstrap="$(cat "${dir}/bootstrap")"
  python3 -c "import sys; sys.stdout.write(('m' * 200 + '\n') * ${KAFKA_PRODUCE_MESSAGES})" \
    > "${dir}/messages"
  head -n "${KAFKA_CONSUME_MESSAGES}" "${dir}/messages" > "${dir}/consume-messages"
  # As our producers: idempotent, acks=all, a small linger.
  local producer=(-X enable.idempotence=true -X acks=all -X linger.ms=5)
  local start end
  start="$(now)"
  kcat -P -q -b "${bootstrap}" -t bench.produce "${producer[@]}" < "${dir}/messages"
  end="$(now)"
  local produce_seconds
  produce_seconds="$(python3 -c "print(${end} - ${start})")"
  kcat -P -q -b "${bootstrap}" -t bench.consume "${producer[@]}" < "${dir}/consume-messages"
  # Three reads of the whole topic from the beginning; the median (kcat's start-up included).
  local seconds=()
  for _ in 1 2 3; do
    start="$(now)"
    local got
    got="$(kcat -C -q -b "${bootstrap}" -t bench.consume -o beginning -e \
      -X fetch.wait.max.ms=10 -f '\n' | wc -l)"
    end="$(now)"
    [[ "${got}" -eq "${KAFKA_CONSUME_MESSAGES}" ]] ||
      die "kcat consumed ${got} of ${KAFKA_CONSUME_MESSAGES} messages"
    seconds+=("$(python3 -c "print(${end} - ${start})")")
  done
  python3 - "${OUT}/kafka.json" "${KAFKA_PRODUCE_MESSAGES}" "${produce_seconds}" \
    "${KAFKA_CONSUME_MESSAGES}" "${seconds[@]}" "$(loadavg)" << 'EOF'
import json, statistics, sys, time
path, produced, produce_s, consumed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
consume_s = statistics.median(float(s) for s in sys.argv[5:8])
json.dump({"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average": sys.argv[8],
           "message_bytes": 200, "produce_messages": produced, "produce_seconds": produce_s,
           "produce_per_second": produced / produce_s, "consume_messages": consumed,
           "consume_seconds": consume_s, "consume_per_second": consumed / consume_s},
          open(path, "w"), indent=2)
EOF
  kill "${PIDS[-1]}" 2> /dev/null || true
  echo "kafka ceiling: $(python3 -c "import json; d = json.load(open('${OUT}/kafka.json')); print(f\"produce {d['produce_per_second']:.0f}/s, consume {d['consume_per_second']:.0f}/s\")")"
}

# --- ceilings: Redis --------------------------------------------------------------------------
REDIS_REQUESTS=100000
REDIS_CLIENTS=8 # about as many connections as the four services keep busy
VALUE="$(printf 'v%.0s' $(seq 1 200))"
# Every command the services send per case event (oversight-bench's INFO commandstats), as
# redis-benchmark sends it: one command per round trip, random keys out of 100,000.
redis_commands() {
  cat << EOF
ping|PING
get|GET k:__rand_int__
set|SET k:__rand_int__ ${VALUE}
exists|EXISTS k:__rand_int__
del|DEL d:__rand_int__
pexpire|PEXPIRE k:__rand_int__ 1209600000
hset|HSET h:__rand_int__ a 1 b 2 c 3 d ${VALUE}
hsetnx|HSETNX h:__rand_int__ e 5
hget|HGET h:__rand_int__ d
hmget|HMGET h:__rand_int__ a b c d
hgetall|HGETALL h:__rand_int__
hincrby|HINCRBY c:__rand_int__ n 1
sadd|SADD s:__rand_int__ m:__rand_int__
smembers|SMEMBERS s:__rand_int__
zadd|ZADD z __rand_int__ m:__rand_int__
zscore|ZSCORE z m:__rand_int__
xadd|XADD x * r ${VALUE}
evalsha|EVALSHA @SHA@ 1 k:__rand_int__
EOF
}
redis_ceiling() {
  local dir="${SCRATCH}/redis"
  mkdir -p "${dir}"
  local port
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  redis-server --bind 127.0.0.1 --port "${port}" --dir "${dir}" --appendonly yes \
    --appendfsync everysec --save '' --logfile "${dir}/redis.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    redis-cli -p "${port}" ping > /dev/null 2>&1 && break
    sleep 0.1
  done
  # The script body is trivial: what EVALSHA itself costs over the commands it runs.
  local sha
  sha="$(redis-cli -p "${port}" SCRIPT LOAD "return redis.call('EXISTS', KEYS[1])")"
  local results="${dir}/rps"
  : > "${results}"
  set -f # the commands' words are not globs (XADD x * ...)
  while IFS='|' read -r name command; do
    command="${command//@SHA@/${sha}}"
    # shellcheck disable=SC2086 # the command's words
    local rps
    rps="$(redis-benchmark -h 127.0.0.1 -p "${port}" -c "${REDIS_CLIENTS}" -n "${REDIS_REQUESTS}" \
      -r 100000 -P 1 --csv ${command} | tail -n 1 | cut -d, -f2 | tr -d '"')"
    echo "${name} ${rps}" >> "${results}"
    [[ "${rps}" =~ ^[0-9.]+$ ]] || die "redis-benchmark ${command%% *} failed: ${rps}"
    echo "  redis-benchmark ${name}: ${rps} requests/s"
  done < <(redis_commands)
  set +f
  local used
  used="$(redis-cli -p "${port}" INFO persistence | tr -d '\r' | grep -E '^aof_enabled:' | cut -d: -f2)"
  [[ "${used}" == "1" ]] || die "the ceiling's redis-server runs without AOF"
  python3 - "${OUT}/redis.json" "${results}" "${REDIS_CLIENTS}" "${REDIS_REQUESTS}" "$(loadavg)" << 'EOF'
import json, sys, time
path, results, clients, requests, load = sys.argv[1:6]
rps = {}
for line in open(results):
    name, value = line.split()
    rps[name] = float(value)
json.dump({"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average": load,
           "clients": int(clients), "requests": int(requests), "aof": "appendonly yes, appendfsync everysec",
           "requests_per_second": rps}, open(path, "w"), indent=2)
EOF
  kill "${PIDS[-1]}" 2> /dev/null || true
}

# --- the system -------------------------------------------------------------------------------
run_bench() { # name, oversight-bench flags...
  local name="$1"
  shift
  echo "oversight-bench $* ${SERVICE_ENV[*]} (output: ${OUT}/${name}.txt)"
  "${BENCH}" "$@" "${SERVICE_ENV[@]}" --json "${OUT}/${name}.json" 2> "${OUT}/${name}.log" | tee "${OUT}/${name}.txt"
  [[ "${PIPESTATUS[0]}" -eq 0 ]] || die "oversight-bench failed: $(tail -n 3 "${OUT}/${name}.log")"
  echo "${COMMAND_LINE}" > "${OUT}/${name}.command"
}

[[ -x "${BENCH}" ]] || die "${BENCH} is missing: configure with -DOVERSIGHT_BUILD_BENCHMARKS=ON and build oversight-bench"
echo "# Oversight benchmark: $(nproc) cores, load average $(loadavg), phases ${PHASES}"
if has_phase ceilings; then
  kafka_ceiling
  redis_ceiling
  echo "${COMMAND_LINE}" > "${OUT}/kafka.command"
  echo "${COMMAND_LINE}" > "${OUT}/redis.command"
fi
if has_phase system; then
  run_bench "system-${CASES}" --open-cases "${CASES}" --throughput-events "${EVENTS}" \
    --rate "${RATE}" --latency-seconds "${LATENCY_SECONDS}"
fi
if has_phase large; then
  run_bench "system-${LARGE_CASES}" --open-cases "${LARGE_CASES}" --throughput-events "${EVENTS}" \
    --rate "${RATE}" --latency-seconds "${LATENCY_SECONDS}"
fi
if has_phase load; then
  load_broker_flags=()
  if [[ "${LOAD_BROKER}" == real ]]; then
    kafka_dir="${OUT}/load-kafka"
    "${ROOT}/scripts/kafka-broker.sh" start "${kafka_dir}" > "${OUT}/load-kafka.log" 2>&1 ||
      die "Apache Kafka did not start: $(tail -n 5 "${OUT}/load-kafka.log")"
    LOAD_KAFKA_DIR="${kafka_dir}"  # stopped by cleanup
    export OVERSIGHT_KAFKA_BOOTSTRAP_FILE="${kafka_dir}/bootstrap"
    load_broker_flags=(--broker real)
  fi
  run_bench "load" --open-cases "${CASES}" --throughput-events 0 --latency-seconds 0 \
    --rate "${LOAD_RATE}" --load-seconds "${LOAD_SECONDS}" --window "${WINDOW}" \
    "${load_broker_flags[@]}"
fi

python3 "${ROOT}/scripts/benchmark_report.py" --results "${OUT}" --doc "${DOC}" \
  --cores "$(nproc)" --command "${COMMAND_LINE}"
