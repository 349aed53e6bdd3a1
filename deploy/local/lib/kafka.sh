# shellcheck shell=bash
# Apache Kafka, KRaft mode, one combined broker+controller node, jars from Maven Central.
# Clients sign in with SASL/SCRAM-SHA-512 over TLS, one user per app, and ACLs
# (StandardAuthorizer) decide what each may do; the broker's own listeners
# (inter-broker and controller) take mutual TLS only. The CA, the broker's
# certificate and every password are made per clone, like the signing keys
# (docs/security.md, "Kafka").

KAFKA_POM="$STACK_DIR/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
KAFKA_LIBS="$GRIDLINE_CACHE/kafka-$KAFKA_VERSION/libs"
KAFKA_HOME="$GRIDLINE_DATA/kafka"       # server.properties + cluster id
KAFKA_LOGDIR="$KAFKA_HOME/data"         # log.dirs (topics and the KRaft metadata log)
KAFKA_PIDFILE="$RUN_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_START_TIMEOUT="${GRIDLINE_KAFKA_START_TIMEOUT:-90}"
KAFKA_TLS_DIR="$KAFKA_HOME/tls"                 # ca.pem (clients trust it), the broker's key and certificate
KAFKA_CREDENTIALS_DIR="$KAFKA_HOME/credentials" # one password file per SCRAM user
KAFKA_SASL_MECHANISM=scram-sha-512
# The SCRAM users: the owner (a super user: topics and ACLs, tests), one per app,
# and one for the departments' systems that send commands (inbound topics).
# What each may do is set by `gridline kafka-acls` (libs/messaging/src/acls.ts).
KAFKA_ADMIN_USER=gridline-admin
KAFKA_USERS=("$KAFKA_ADMIN_USER" gridline-swc gridline-drc gridline-street gridline-gateway gridline-projector gridline-department)
# Principal of the broker's certificate on its mutual-TLS listeners: a super user.
KAFKA_BROKER_PRINCIPAL="CN=gridline-broker"

kafka_java() { # kafka_java <main class> <args...>: run a Kafka CLI tool quietly
  java -Xmx256m -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2-tools.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

# A per-clone CA and the broker's certificate (IP 127.0.0.1, localhost), made once.
# The broker presents it to clients and, on its own listeners, as its client identity.
kafka_tls() {
  local dir="$KAFKA_TLS_DIR"
  [[ -s "$dir/ca.pem" && -s "$dir/broker-keystore.pem" ]] && return 0
  need_cmd openssl openssl
  log "kafka: making a CA and the broker's TLS certificate in $dir"
  mkdir -p "$dir"
  chmod 700 "$dir"
  (
    cd "$dir"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
      -subj "/CN=Gridline local Kafka CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj "/$KAFKA_BROKER_PRINCIPAL" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth,clientAuth" >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem \
      -days 825 -extfile broker.ext 2>/dev/null
    # Kafka's PEM key store: the (PKCS#8, unencrypted) key, then the certificate chain.
    cat broker.key broker.pem ca.pem >broker-keystore.pem
    rm -f broker.csr broker.ext ca.srl
  ) || die "kafka: could not make the TLS certificates in $dir"
  # Clients need the CA certificate (public); the keys stay with this user.
  chmod 755 "$dir"
  chmod 644 "$dir/ca.pem"
}

# A random password per SCRAM user, made once (files readable by this user only).
kafka_passwords() {
  mkdir -p "$KAFKA_CREDENTIALS_DIR"
  chmod 700 "$KAFKA_CREDENTIALS_DIR"
  local user
  for user in "${KAFKA_USERS[@]}"; do
    [[ -s "$KAFKA_CREDENTIALS_DIR/$user" ]] && continue
    (umask 077 && openssl rand -hex 24 >"$KAFKA_CREDENTIALS_DIR/$user")
  done
}

# The admin tools reach the broker on its mutual-TLS listener, as the broker.
kafka_write_tool_config() {
  cat >"$KAFKA_HOME/internal-client.properties" <<EOF
# Written by deploy/local/stack.sh: the stack's own tools, on the mutual-TLS listener.
security.protocol=SSL
ssl.keystore.type=PEM
ssl.keystore.location=$KAFKA_TLS_DIR/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_TLS_DIR/ca.pem
EOF
}

# The SCRAM credentials live in the cluster's metadata: set each user's once, and
# again when its password file changes (the marker holds their checksums).
kafka_apply_users() {
  local marker="$KAFKA_CREDENTIALS_DIR/.applied" sums user
  sums="$(cd "$KAFKA_CREDENTIALS_DIR" && sha1sum "${KAFKA_USERS[@]}")"
  [[ -f "$marker" && "$(cat "$marker")" == "$sums" ]] && return 0
  log "kafka: setting the SCRAM credentials of ${KAFKA_USERS[*]}"
  for user in "${KAFKA_USERS[@]}"; do
    kafka_java kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_INTERNAL_PORT" \
      --command-config "$KAFKA_HOME/internal-client.properties" --alter --entity-type users \
      --entity-name "$user" \
      --add-config "SCRAM-SHA-512=[iterations=8192,password=$(cat "$KAFKA_CREDENTIALS_DIR/$user")]" \
      >>"$KAFKA_LOG" 2>&1 || die "kafka: could not set the SCRAM credentials of $user; see $KAFKA_LOG"
  done
  printf '%s\n' "$sums" >"$marker"
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
log.dirs=$KAFKA_LOGDIR

# Clients: SASL/SCRAM-SHA-512 over TLS. The broker's own listeners (to itself as
# a broker and as the controller; the stack's tools): mutual TLS with this CA.
listeners=CLIENT://127.0.0.1:$KAFKA_PORT,INTERNAL://127.0.0.1:$KAFKA_INTERNAL_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=CLIENT://127.0.0.1:$KAFKA_PORT,INTERNAL://127.0.0.1:$KAFKA_INTERNAL_PORT
listener.security.protocol.map=CLIENT:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.internal.ssl.client.auth=required
listener.name.controller.ssl.client.auth=required
ssl.keystore.type=PEM
ssl.keystore.location=$KAFKA_TLS_DIR/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_TLS_DIR/ca.pem

# Deny by default: a user may do what an ACL allows it. The broker (its certificate)
# and the owner are super users; nobody else is.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$KAFKA_BROKER_PRINCIPAL;User:$KAFKA_ADMIN_USER
allow.everyone.if.no.acl.found=false

# One broker: every replication factor and min ISR must be 1.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Topics are made by those allowed to make them (CREATE), never by a fetch.
auto.create.topics.enable=false
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
      --bootstrap-server "127.0.0.1:$KAFKA_INTERNAL_PORT" \
      --command-config "$KAFKA_HOME/internal-client.properties" --list >/dev/null 2>&1; then
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
  kafka_tls
  kafka_passwords
  kafka_write_tool_config
  local pid
  if pid="$(running_pid "$KAFKA_PIDFILE" "$KAFKA_HOME/server.properties")"; then
    log "kafka: already running (pid $pid)"
  else
    ensure_port_free "$KAFKA_PORT" kafka
    ensure_port_free "$KAFKA_CONTROLLER_PORT" "kafka controller"
    ensure_port_free "$KAFKA_INTERNAL_PORT" "kafka internal listener"
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
  kafka_apply_users
  log "kafka: ready on 127.0.0.1:$KAFKA_PORT (SASL_SSL, $KAFKA_SASL_MECHANISM)"
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
