# shellcheck shell=bash
# Apache Kafka, KRaft mode, one combined broker+controller node, jars from Maven Central.

KAFKA_POM="$STACK_DIR/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
KAFKA_LIBS="$GRIDLINE_CACHE/kafka-$KAFKA_VERSION/libs"
KAFKA_HOME="$GRIDLINE_DATA/kafka"       # server.properties + cluster id
KAFKA_LOGDIR="$KAFKA_HOME/data"         # log.dirs (topics and the KRaft metadata log)
KAFKA_PIDFILE="$RUN_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_START_TIMEOUT="${GRIDLINE_KAFKA_START_TIMEOUT:-90}"

kafka_java() { # kafka_java <main class> <args...>: run a Kafka CLI tool quietly
  java -Xmx256m -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2-tools.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

# Resolve the jars once per Kafka version into the shared cache. The marker
# holds the pom's checksum, so editing the pom (e.g. the log4j version) re-resolves.
kafka_install() {
  [[ -n "$KAFKA_VERSION" ]] || die "no <kafka.version> in $KAFKA_POM"
  need_cmd java openjdk-17-jre-headless
  local marker="$KAFKA_LIBS/.complete" sum
  sum="$(sha1sum <"$KAFKA_POM" | cut -d' ' -f1)"
  [[ -f "$marker" && "$(cat "$marker")" == "$sum" ]] && return 0
  need_cmd mvn maven
  log "kafka: resolving Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  local tmp="$KAFKA_LIBS.tmp.$$"
  rm -rf "$tmp"
  # -f: the pom sits in the repo; the output goes to the cache (outside the clone).
  if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" >"$GRIDLINE_CACHE/kafka-mvn.log" 2>&1; then
    tail -n 30 "$GRIDLINE_CACHE/kafka-mvn.log" >&2
    rm -rf "$tmp"
    die "mvn could not resolve Kafka $KAFKA_VERSION; see $GRIDLINE_CACHE/kafka-mvn.log"
  fi
  # mvn leaves target/ next to the pom: keep the repo clean.
  rm -rf "$STACK_DIR/kafka/target"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  printf '%s\n' "$sum" >"$marker"
}

# Regenerated on every start so that changes here take effect without a reset.
kafka_write_config() {
  mkdir -p "$KAFKA_LOGDIR"
  cat >"$KAFKA_HOME/server.properties" <<EOF
# Written by deploy/local/stack.sh on each start; edits are overwritten.
# Single node: broker and KRaft controller in one JVM, static voter set.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_LOGDIR

# One broker: every replication factor and min ISR must be 1.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Dev/test conveniences.
auto.create.topics.enable=true
num.partitions=3
group.initial.rebalance.delay.ms=0
# Fewer internal partitions than the default 50: one node hosts them all, and
# each is created and loaded before the first group/transaction can use it.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
EOF
}

# Format the storage once per data folder (meta.properties marks a formatted dir).
# With a static controller.quorum.voters, Kafka 4.x needs no --standalone.
kafka_format() {
  [[ -f "$KAFKA_LOGDIR/meta.properties" ]] && return 0
  local cluster_id
  if [[ -s "$KAFKA_HOME/cluster-id" ]]; then
    cluster_id="$(cat "$KAFKA_HOME/cluster-id")"
  else
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid)"
    printf '%s\n' "$cluster_id" >"$KAFKA_HOME/cluster-id"
  fi
  log "kafka: formatting storage (cluster id $cluster_id)"
  kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_HOME/server.properties" \
    >>"$KAFKA_LOG" 2>&1 || die "kafka storage format failed; see $KAFKA_LOG"
}

# The port opens before the broker has caught up with its metadata log; a
# metadata request through the Admin client (TopicCommand --list) proves it serves clients.
kafka_wait_ready() { # kafka_wait_ready <pid>
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  wait_for_port "$KAFKA_PORT" "$pid" kafka "$KAFKA_START_TIMEOUT" "$KAFKA_LOG"
  while ((SECONDS < deadline)); do
    if timeout 30 java -Xmx128m -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2-tools.properties" \
      -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || die "kafka exited during startup; see $KAFKA_LOG"
    sleep 1
  done
  die "kafka answered on port $KAFKA_PORT but not to a metadata request within ${KAFKA_START_TIMEOUT}s; see $KAFKA_LOG"
}

kafka_up() {
  kafka_install
  mkdir -p "$KAFKA_HOME"
  local pid
  if pid="$(running_pid "$KAFKA_PIDFILE" "$KAFKA_HOME/server.properties")"; then
    log "kafka: already running (pid $pid)"
  else
    ensure_port_free "$KAFKA_PORT" kafka
    ensure_port_free "$KAFKA_CONTROLLER_PORT" "kafka controller"
    kafka_write_config
    kafka_format
    log "kafka: starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (log: $KAFKA_LOG)"
    # The JVM flags of Kafka's own kafka-server-start.sh, with a bounded heap (2-core, shared machine).
    start_detached "$KAFKA_PIDFILE" "$KAFKA_LOG" \
      java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
      -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2.properties" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_HOME/server.properties"
    pid="$(cat "$KAFKA_PIDFILE")"
  fi
  kafka_wait_ready "$pid"
  log "kafka: ready on 127.0.0.1:$KAFKA_PORT"
}

kafka_status() {
  local pid
  if pid="$(running_pid "$KAFKA_PIDFILE" "$KAFKA_HOME/server.properties")"; then
    if port_open "$KAFKA_PORT"; then
      status_line kafka running "$pid" "127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT) Kafka $KAFKA_VERSION"
    else
      status_line kafka starting "$pid" "127.0.0.1:$KAFKA_PORT (not answering yet)"
    fi
  else
    status_line kafka stopped "" "127.0.0.1:$KAFKA_PORT"
    return 1
  fi
}

kafka_down() {
  local pid
  if ! pid="$(running_pid "$KAFKA_PIDFILE" "$KAFKA_HOME/server.properties")"; then
    log "kafka: not running"
    rm -f "$KAFKA_PIDFILE"
    return 0
  fi
  log "kafka: stopping (pid $pid)"
  # SIGTERM triggers a controlled shutdown (flushes logs, writes a clean-shutdown marker).
  stop_pid "$pid" kafka 30
  rm -f "$KAFKA_PIDFILE"
}

kafka_reset() {
  kafka_down
  log "kafka: deleting data"
  remove_data "$KAFKA_HOME"
  rm -f "$KAFKA_LOG"
}
