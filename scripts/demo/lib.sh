# shellcheck shell=bash disable=SC2154
# Functions for scripts/demo.sh (sourced, not run): processes, ports, events, metrics.
# Globals used: log_dir, bootstrap.

# Components started, in order; stop_all stops them in reverse.
started_names=()
started_pids=()

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
warn() { printf '  ! %s\n' "$*" >&2; }

# A free TCP port on 127.0.0.1 (for redis-server, which cannot report an ephemeral one).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# track NAME PID: remember a started component for stop_all.
track() {
  started_names+=("$1")
  started_pids+=("$2")
}

# True while PID runs (and is not a zombie).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]
}

# SIGTERM to every started component, newest first; waits up to 30 s each, then SIGKILL.
stop_all() {
  local i name pid code waited
  for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
    name=${started_names[i]}
    pid=${started_pids[i]}
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null && code=0 || code=$?
      say "  $name had already exited (exit code $code)"
      continue
    fi
    kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while alive "$pid" && ((waited < 300)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if alive "$pid"; then
      warn "$name did not stop within 30 s of SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null && code=0 || code=$?
    say "  stopped $name (pid $pid, exit code $code)"
  done
  started_names=()
  started_pids=()
}

# wait_for WHAT TENTHS COMMAND...: runs COMMAND every 0.1 s until it succeeds, up to TENTHS
# tries, while the newest started component is alive; says so and fails otherwise.
wait_for() {
  local what=$1 tries=$2 i
  shift 2
  for ((i = 0; i < tries; i++)); do
    "$@" 2>/dev/null && return 0
    alive "${started_pids[-1]}" || break
    sleep 0.1
  done
  warn "$what did not start"
  return 1
}

# tail_log FILE: the last lines of a log, indented, for a failure message.
tail_log() {
  if [[ -f "$1" ]]; then
    tail -n 15 "$1" | sed 's/^/      | /' >&2
  fi
}

# Samples of a counter grouped by one label: "value label" lines.
metric_by_label() {
  local port=$1 name=$2 label=$3
  curl -fsS --max-time 2 "http://127.0.0.1:${port}/metrics" 2>/dev/null |
    awk -v n="$name" -v l="$label" '
      index($1, n "{") == 1 {
        key = "?"
        if (match($0, l "=\"[^\"]*\"")) key = substr($0, RSTART + length(l) + 2, RLENGTH - length(l) - 3)
        s[key] += $NF
      }
      END { for (k in s) printf "%d %s\n", s[k], k }'
}

# RFC 3339 UTC now.
now_rfc3339() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# publish TOPIC KEY TYPE EVENT_ID SOURCE JSON: one event as a case or HR system sends it:
# the proto3 JSON mapping as the value, CloudEvents binary-mode headers, keyed by its subject.
publish() {
  local topic=$1 key=$2 type=$3 id=$4 source=$5 json=$6
  printf '%s\n' "$json" | kcat -P -b "$bootstrap" -t "$topic" -k "$key" \
    -H ce_specversion=1.0 -H "ce_id=$id" -H "ce_source=$source" -H "ce_type=$type" \
    -H "ce_subject=$key" -H "ce_time=$(now_rfc3339)" -H content-type=application/json \
    -X linger.ms=5 2>>"$log_dir/kcat.log"
}
