#!/usr/bin/env bash
# Real Apache Kafka 3.9.1 (KRaft, single node, combined broker+controller) for tests and demos.
#
#   kafka-broker.sh fetch           resolve the broker's jars from Maven Central into the cache
#   kafka-broker.sh start <dir>     pick free ports, format storage, start, wait until it answers
#                                   metadata, write "host:port" to <dir>/bootstrap
#   kafka-broker.sh stop <dir>      stop the broker started in <dir> (SIGTERM, then SIGKILL)
#   kafka-broker.sh kill <dir>      SIGKILL the broker started in <dir>, without warning (a crash)
#   kafka-broker.sh restart <dir>   stop and start again on the same ports with the same data
#
# Environment:
#   OVERSIGHT_CACHE_DIR     cache root (default ~/.cache/oversight); jars go to kafka-3.9.1/libs
#   KAFKA_HEAP_OPTS         JVM heap options (default -Xmx512m -Xms64m)
#   KAFKA_START_TIMEOUT     seconds to wait for the broker to answer (default 120)
#   KAFKA_TLS_CERT, KAFKA_TLS_KEY
#                           the certificate (PEM) and unencrypted PKCS#8 key of the secured
#                           listeners below; the PLAINTEXT listener stays either way
#   KAFKA_SCRAM_USERS       start: also listen with SASL_SSL (SCRAM-SHA-512 over TLS) on a port
#                           written to <dir>/sasl_ssl_bootstrap, for the users
#                           "name:password[,name:password...]"
#   KAFKA_SSL_CLIENT_CA     start: also listen with SSL on a port written to <dir>/ssl_bootstrap,
#                           admitting only clients whose certificate this CA (PEM) signed
#                           (mutual TLS, ssl.client.auth=required)
#
# Kafka 3.9 is the newest line that still speaks every protocol version librdkafka 2.0.2 uses.
set -euo pipefail

KAFKA_VERSION=3.9.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${OVERSIGHT_CACHE_DIR:-$HOME/.cache/oversight}"
LIBS_DIR="${CACHE_DIR}/kafka-${KAFKA_VERSION}/libs"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms64m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"

die() {
  echo "kafka-broker.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

fetch() {
  if [[ -f "${LIBS_DIR}/kafka_2.13-${KAFKA_VERSION}.jar" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (install maven) to fetch Kafka ${KAFKA_VERSION}"
  mkdir -p "${LIBS_DIR}.partial"
  mvn -q -B -Dstyle.color=never -f "${SCRIPT_DIR}/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="${LIBS_DIR}.partial" || die "mvn could not resolve Kafka ${KAFKA_VERSION}"
  rm -rf "${LIBS_DIR}"
  mv "${LIBS_DIR}.partial" "${LIBS_DIR}"
  echo "kafka-broker.sh: Kafka ${KAFKA_VERSION} jars in ${LIBS_DIR}"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A free port that is none of the arguments.
other_free_port() {
  local port
  port="$(free_port)"
  while [[ " $* " == *" ${port} "* ]]; do port="$(free_port)"; done
  echo "${port}"
}

pid_alive() {
  local pidfile="$1/kafka.pid"
  [[ -f "${pidfile}" ]] && kill -0 "$(cat "${pidfile}")" 2>/dev/null
}

write_config() {
  local dir="$1" broker_port controller_port cluster_id
  broker_port="$(free_port)"
  controller_port="$(free_port)"
  while [[ "${controller_port}" == "${broker_port}" ]]; do controller_port="$(free_port)"; done
  cluster_id="$(python3 -c 'import base64,uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')"
  local listeners="PLAINTEXT://127.0.0.1:${broker_port},CONTROLLER://127.0.0.1:${controller_port}"
  local advertised="PLAINTEXT://127.0.0.1:${broker_port}"
  local protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  local used_ports=("${broker_port}" "${controller_port}")
  if [[ -n "${KAFKA_SCRAM_USERS:-}" || -n "${KAFKA_SSL_CLIENT_CA:-}" ]]; then
    [[ -r "${KAFKA_TLS_CERT:-}" && -r "${KAFKA_TLS_KEY:-}" ]] ||
      die "KAFKA_SCRAM_USERS and KAFKA_SSL_CLIENT_CA need KAFKA_TLS_CERT and KAFKA_TLS_KEY (readable PEM files)"
    # A PEM key store: the private key, then the certificate chain, in one file.
    cat "${KAFKA_TLS_KEY}" "${KAFKA_TLS_CERT}" >"${dir}/keystore.pem"
  fi
  # Adds a listener speaking `protocol` (its name too) on another free port, whose address goes
  # to <dir>/<file>.pending.
  add_listener() {
    local protocol="$1" file="$2" port
    port="$(other_free_port "${used_ports[@]}")"
    used_ports+=("${port}")
    listeners="${listeners},${protocol}://127.0.0.1:${port}"
    advertised="${advertised},${protocol}://127.0.0.1:${port}"
    protocols="${protocols},${protocol}:${protocol}"
    echo "127.0.0.1:${port}" >"${dir}/${file}.pending"
  }
  if [[ -n "${KAFKA_SCRAM_USERS:-}" ]]; then
    echo "${KAFKA_SCRAM_USERS}" >"${dir}/scram.users"
    add_listener SASL_SSL sasl_ssl_bootstrap
  fi
  if [[ -n "${KAFKA_SSL_CLIENT_CA:-}" ]]; then
    [[ -r "${KAFKA_SSL_CLIENT_CA}" ]] || die "KAFKA_SSL_CLIENT_CA must be a readable PEM file"
    cp "${KAFKA_SSL_CLIENT_CA}" "${dir}/client-ca.pem"
    add_listener SSL ssl_bootstrap
  fi
  cat >"${dir}/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=${listeners}
advertised.listeners=${advertised}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=${protocols}
log.dirs=${dir}/data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
log.segment.bytes=16777216
EOF
  if [[ -n "${KAFKA_SCRAM_USERS:-}" ]]; then
    cat >>"${dir}/server.properties" <<EOF
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=${dir}/keystore.pem
EOF
  fi
  if [[ -n "${KAFKA_SSL_CLIENT_CA:-}" ]]; then
    cat >>"${dir}/server.properties" <<EOF
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=${dir}/keystore.pem
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=${dir}/client-ca.pem
listener.name.ssl.ssl.client.auth=required
EOF
  fi
  cat >"${dir}/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
EOF
  echo "127.0.0.1:${broker_port}" >"${dir}/bootstrap.pending"
  echo "${cluster_id}" >"${dir}/cluster.id"
}

java_run() {
  local dir="$1"
  shift
  # shellcheck disable=SC2086
  java ${HEAP_OPTS} -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:${dir}/log4j.properties" -Dkafka.logs.dir="${dir}" \
    -cp "${LIBS_DIR}/*" "$@"
}

launch() {
  local dir="$1" bootstrap deadline
  bootstrap="$(cat "${dir}/bootstrap.pending")"
  # Detached from our session and from the caller's pipes, so ctest's setup step can return.
  setsid java ${HEAP_OPTS} -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:${dir}/log4j.properties" -Dkafka.logs.dir="${dir}" \
    -cp "${LIBS_DIR}/*" kafka.Kafka "${dir}/server.properties" \
    >>"${dir}/kafka.out" 2>&1 </dev/null &
  echo $! >"${dir}/kafka.pid"
  deadline=$((SECONDS + START_TIMEOUT))
  until kcat -L -b "${bootstrap}" -m 3 >/dev/null 2>&1; do
    if ! pid_alive "${dir}"; then
      tail -n 40 "${dir}/kafka.out" "${dir}/server.log" >&2 2>/dev/null || true
      die "broker exited during start-up (logs in ${dir})"
    fi
    if ((SECONDS > deadline)); then
      tail -n 40 "${dir}/server.log" >&2 2>/dev/null || true
      stop "${dir}"
      die "broker did not answer metadata on ${bootstrap} within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  echo "${bootstrap}" >"${dir}/bootstrap"
  local listener
  for listener in sasl_ssl ssl; do
    if [[ -f "${dir}/${listener}_bootstrap.pending" ]]; then
      cp "${dir}/${listener}_bootstrap.pending" "${dir}/${listener}_bootstrap"
    fi
  done
  echo "BOOTSTRAP ${bootstrap}"
}

start() {
  local dir="$1"
  command -v java >/dev/null || die "java not found (a JDK 17 runs Kafka ${KAFKA_VERSION})"
  command -v kcat >/dev/null || die "kcat not found (used to wait for the broker)"
  fetch
  mkdir -p "${dir}"
  dir="$(cd "${dir}" && pwd)"
  if pid_alive "${dir}"; then
    # Left over from an interrupted run: a fresh start means fresh data.
    echo "kafka-broker.sh: stopping the broker left running from ${dir}" >&2
    stop "${dir}"
  fi
  rm -rf "${dir}/data" "${dir}/bootstrap" "${dir}/server.log" "${dir}/kafka.out" \
    "${dir}/sasl_ssl_bootstrap" "${dir}/sasl_ssl_bootstrap.pending" "${dir}/scram.users" \
    "${dir}/ssl_bootstrap" "${dir}/ssl_bootstrap.pending" "${dir}/client-ca.pem"
  write_config "${dir}"
  # --cluster-id=VALUE: a random id may start with "-", which a separate argument would be
  # read as an option.
  local scram=() user users
  if [[ -f "${dir}/scram.users" ]]; then
    IFS=',' read -ra users <"${dir}/scram.users"
    for user in "${users[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=${user%%:*},password=${user#*:}]")
    done
  fi
  java_run "${dir}" kafka.tools.StorageTool format --cluster-id="$(cat "${dir}/cluster.id")" \
    -c "${dir}/server.properties" "${scram[@]}" >"${dir}/format.log" 2>&1 ||
    { cat "${dir}/format.log" >&2; die "storage format failed"; }
  launch "${dir}"
}

stop() {
  local dir="$1" pid i
  [[ -f "${dir}/kafka.pid" ]] || return 0
  pid="$(cat "${dir}/kafka.pid")"
  if kill -0 "${pid}" 2>/dev/null; then
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "${pid}" 2>/dev/null; then
      echo "kafka-broker.sh: broker ${pid} ignored SIGTERM for 30s; killing" >&2
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  fi
  rm -f "${dir}/kafka.pid" "${dir}/bootstrap"
}

kill_broker() {
  local dir="$1" pid i
  [[ -f "${dir}/kafka.pid" ]] || return 0
  pid="$(cat "${dir}/kafka.pid")"
  kill -KILL "${pid}" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "${dir}/kafka.pid" "${dir}/bootstrap"
}

restart() {
  local dir="$1"
  [[ -f "${dir}/server.properties" && -f "${dir}/bootstrap.pending" ]] ||
    die "no broker was started from ${dir}"
  dir="$(cd "${dir}" && pwd)"
  stop "${dir}"
  launch "${dir}"
}

cmd="${1:-}"
case "${cmd}" in
fetch) fetch ;;
start | stop | restart)
  [[ $# -eq 2 ]] || usage
  "${cmd}" "$2"
  ;;
kill)
  [[ $# -eq 2 ]] || usage
  kill_broker "$2"
  ;;
*) usage ;;
esac
