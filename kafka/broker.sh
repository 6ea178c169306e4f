#!/usr/bin/env bash
# A single-node KRaft Kafka broker from Maven Central's jars, for development and tests.
#   kafka/broker.sh up|down|status
# KAFKA_PORT (default 9092) is the client port; KAFKA_CONTROLLER_PORT defaults to a free port.
# KAFKA_STATE_DIR (default .kafka/<port>) holds config, data, log and pid.
# KAFKA_SASL_PORT, if set, adds a SASL_PLAINTEXT listener there with SCRAM-SHA-256 user
# KAFKA_SASL_USER (default worker) / KAFKA_SASL_PASSWORD (default worker-secret), for testing secured clients.
# With KAFKA_SSL_KEYSTORE (PKCS12, password KAFKA_SSL_PASSWORD) and KAFKA_SSL_TRUSTSTORE (PEM CA of client
# certificates): KAFKA_SSL_PORT adds an SSL listener, KAFKA_SASL_SSL_PORT a SASL_SSL one (the same SCRAM user),
# KAFKA_MTLS_PORT an SSL listener named MTLS that requires a client certificate.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
port=${KAFKA_PORT:-9092}
state=${KAFKA_STATE_DIR:-$root/.kafka/$port}
lib=$here/target/dependency
python=${PYTHON:-$root/.venv/bin/python}
pidfile=$state/broker.pid

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

fetch_jars() {
  # Resolved once, then cached in target/dependency (and ~/.m2).
  [ -f "$lib/.complete" ] && return
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime
  touch "$lib/.complete"
}

# A random cluster id; given with "=" because one in 64 starts with "-", which would read as an option.
cluster_id() { "$python" -c 'import base64,uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))'; }

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

write_config() {
  local controller=${KAFKA_CONTROLLER_PORT:-$(free_port)}
  local listeners="PLAINTEXT://127.0.0.1:$port" sasl="" tls=""
  local scram_login="scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
  if [ -n "${KAFKA_SASL_PORT:-}" ]; then
    listeners="$listeners,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT"
    sasl="listener.name.sasl_plaintext.$scram_login"
  fi
  [ -n "${KAFKA_SSL_PORT:-}" ] && listeners="$listeners,SSL://127.0.0.1:$KAFKA_SSL_PORT"
  if [ -n "${KAFKA_SASL_SSL_PORT:-}" ]; then
    listeners="$listeners,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT"
    sasl="$sasl
listener.name.sasl_ssl.$scram_login"
  fi
  [ -n "${KAFKA_MTLS_PORT:-}" ] && listeners="$listeners,MTLS://127.0.0.1:$KAFKA_MTLS_PORT"
  [ -n "$sasl" ] && sasl="sasl.enabled.mechanisms=SCRAM-SHA-256
$sasl"
  if [ -n "${KAFKA_SSL_KEYSTORE:-}" ]; then
    tls="ssl.keystore.type=PKCS12
ssl.keystore.location=$KAFKA_SSL_KEYSTORE
ssl.keystore.password=$KAFKA_SSL_PASSWORD
ssl.key.password=$KAFKA_SSL_PASSWORD
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_SSL_TRUSTSTORE
listener.name.mtls.ssl.client.auth=required"
  fi
  mkdir -p "$state/data"
  cat > "$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=$listeners,CONTROLLER://127.0.0.1:$controller
advertised.listeners=$listeners
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,MTLS:SSL
$sasl
$tls
controller.quorum.bootstrap.servers=127.0.0.1:$controller
log.dirs=$state/data
num.partitions=1
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=false
message.max.bytes=16777216
PROPS
}

up() {
  if running; then echo "kafka already running on 127.0.0.1:$port"; return; fi
  fetch_jars
  if [ ! -f "$state/server.properties" ]; then
    write_config
    local scram=()
    [ -n "${KAFKA_SASL_PORT:-}${KAFKA_SASL_SSL_PORT:-}" ] && scram=(--add-scram "SCRAM-SHA-256=[name=${KAFKA_SASL_USER:-worker},password=${KAFKA_SASL_PASSWORD:-worker-secret}]")
    java -cp "$lib/*" -Dlog4j2.configurationFile="$here/log4j2.properties" \
      kafka.tools.StorageTool format --standalone --cluster-id="$(cluster_id)" "${scram[@]}" \
      -c "$state/server.properties" > "$state/format.log" 2>&1
  fi
  nohup java -Xmx512m -cp "$lib/*" -Dkafka.logs.dir="$state" \
    -Dlog4j2.configurationFile="$here/log4j2.properties" \
    kafka.Kafka "$state/server.properties" > "$state/broker.log" 2>&1 &
  echo $! > "$pidfile"
  if ! "$python" "$here/wait_ready.py" "127.0.0.1:$port" 90 "$(cat "$pidfile")"; then
    echo "kafka did not become ready; see $state/broker.log" >&2
    tail -20 "$state/broker.log" >&2
    exit 1
  fi
  echo "kafka ready on 127.0.0.1:$port (state in $state)"
}

down() {
  if running; then
    local pid; pid=$(cat "$pidfile")
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    echo "kafka on port $port stopped"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) running && echo "running" || { echo "stopped"; exit 1; } ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
