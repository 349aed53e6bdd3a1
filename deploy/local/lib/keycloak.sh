# shellcheck shell=bash
# Keycloak (OpenID Connect identity provider), production mode on the local
# PostgreSQL: distribution from Maven Central, built once into the shared cache,
# run with a home folder of its own per clone.
#
# The cache holds the unzipped distribution after `kc.sh build` (database vendor
# and health checks are build options) and is never written afterwards. Keycloak
# finds everything it writes below `kc.home.dir` (data/: the realm import folder,
# transaction logs, tmp; providers/) and reads its build from
# <home>/lib/quarkus: so each clone gets $GRIDLINE_DATA/keycloak/home with `lib`
# a symlink into the cache, and starts `kc.sh start --optimized -Dkc.home.dir=<home>`
# (a later -D wins over the one kc.sh sets). No copy, no second JVM for an import step.

KEYCLOAK_VERSION=26.4.7
KEYCLOAK_DIST="$GRIDLINE_CACHE/keycloak-$KEYCLOAK_VERSION"
# Build options; changing them rebuilds the cached distribution (the marker holds them).
KEYCLOAK_BUILD_OPTIONS=(--db=postgres --health-enabled=true)
KEYCLOAK_PORT="${GRIDLINE_KEYCLOAK_PORT:-18080}"
KEYCLOAK_MANAGEMENT_PORT="${GRIDLINE_KEYCLOAK_MANAGEMENT_PORT:-19000}"
KEYCLOAK_URL="http://127.0.0.1:$KEYCLOAK_PORT"
KEYCLOAK_REALM=gridline
KEYCLOAK_REALM_FILE="$STACK_DIR/../keycloak/gridline-realm.json"
KEYCLOAK_ADMIN_USER=admin
KEYCLOAK_STATE="$GRIDLINE_DATA/keycloak"            # passwords (mode 600), realm checksum
KEYCLOAK_HOME="$KEYCLOAK_STATE/home"                # kc.home.dir of this clone
KEYCLOAK_ADMIN_PASSWORD_FILE="$KEYCLOAK_STATE/admin-password"
KEYCLOAK_DB_PASSWORD_FILE="$KEYCLOAK_STATE/db-password"
KEYCLOAK_DB=keycloak                                # database and role of the local PostgreSQL
KEYCLOAK_PIDFILE="$RUN_DIR/keycloak.pid"
KEYCLOAK_LOG="$LOG_DIR/keycloak.log"
KEYCLOAK_START_TIMEOUT="${GRIDLINE_KEYCLOAK_START_TIMEOUT:-120}"

# The marker records the build options, so a change of them rebuilds.
keycloak_install() {
  need_cmd java openjdk-17-jre-headless
  need_cmd curl curl
  local marker="$KEYCLOAK_DIST/.gridline-built" want="${KEYCLOAK_BUILD_OPTIONS[*]}"
  [[ -f "$marker" && "$(cat "$marker")" == "$want" ]] && return 0
  need_cmd mvn maven
  need_cmd unzip unzip
  local tmp="$KEYCLOAK_DIST.tmp.$$" started=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log "keycloak: fetching Keycloak $KEYCLOAK_VERSION from Maven Central (about 160 MB, once)"
  # Run outside the repo so that no project pom is picked up.
  if ! (cd "$tmp" && mvn -B -q dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
    -DoutputDirectory="$tmp") >"$GRIDLINE_CACHE/keycloak-mvn.log" 2>&1; then
    tail -n 30 "$GRIDLINE_CACHE/keycloak-mvn.log" >&2
    rm -rf "$tmp"
    die "mvn could not fetch Keycloak $KEYCLOAK_VERSION; see $GRIDLINE_CACHE/keycloak-mvn.log"
  fi
  unzip -q "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" -d "$tmp"
  rm -f "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" # Maven keeps its own copy
  log "keycloak: kc.sh build ${KEYCLOAK_BUILD_OPTIONS[*]} (about 20 s, once)"
  if ! "$tmp/keycloak-$KEYCLOAK_VERSION/bin/kc.sh" build "${KEYCLOAK_BUILD_OPTIONS[@]}" \
    >"$GRIDLINE_CACHE/keycloak-build.log" 2>&1 9>&-; then
    tail -n 30 "$GRIDLINE_CACHE/keycloak-build.log" >&2
    rm -rf "$tmp"
    die "kc.sh build failed; see $GRIDLINE_CACHE/keycloak-build.log"
  fi
  printf '%s\n' "$want" >"$tmp/keycloak-$KEYCLOAK_VERSION/.gridline-built"
  # Another clone may have finished first: keep one and drop the other.
  rm -rf "$KEYCLOAK_DIST"
  mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_DIST"
  rm -rf "$tmp"
  log "keycloak: distribution built into $KEYCLOAK_DIST in $((SECONDS - started))s"
}

# A password of letters and digits (no quoting anywhere), 32 characters.
keycloak_new_password() {
  local pw=''
  while ((${#pw} < 32)); do
    pw+="$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s' "${pw:0:32}"
}

keycloak_write_secret() { # keycloak_write_secret <file>: once, mode 600
  [[ -s "$1" ]] && return 0
  (umask 077 && keycloak_new_password >"$1")
  chmod 600 "$1"
}

# Database `keycloak` owned by role `keycloak`, on the local PostgreSQL. A clone
# whose Keycloak state is new (first up, or after `reset keycloak`) gets a fresh
# database: the old one would hold another bootstrap admin and the old realm.
keycloak_provision_db() {
  pg_paths
  pg_pid >/dev/null || die "keycloak needs postgres: run \`deploy/local/stack.sh up postgres\` first"
  local fresh=0
  [[ -s "$KEYCLOAK_ADMIN_PASSWORD_FILE" ]] || fresh=1
  mkdir -p "$KEYCLOAK_STATE"
  chmod 700 "$KEYCLOAK_STATE"
  keycloak_write_secret "$KEYCLOAK_DB_PASSWORD_FILE"
  # The password goes through stdin, never on a command line.
  pg_admin_sql <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$KEYCLOAK_DB') THEN
    CREATE ROLE $KEYCLOAK_DB LOGIN;
  END IF;
END \$\$;
ALTER ROLE $KEYCLOAK_DB WITH LOGIN NOCREATEDB NOSUPERUSER PASSWORD '$(cat "$KEYCLOAK_DB_PASSWORD_FILE")';
EOF
  local exists
  exists="$(pg_admin_sql -c "SELECT 1 FROM pg_database WHERE datname = '$KEYCLOAK_DB'")"
  if [[ -n "$exists" && $fresh -eq 1 ]]; then
    log "keycloak: new Keycloak state, dropping the old database $KEYCLOAK_DB"
    pg_admin_sql -c "DROP DATABASE $KEYCLOAK_DB WITH (FORCE)"
    exists=''
  fi
  if [[ -z "$exists" ]]; then
    log "keycloak: creating database $KEYCLOAK_DB"
    pg_admin_sql -c "CREATE DATABASE $KEYCLOAK_DB OWNER $KEYCLOAK_DB"
    # Keycloak imports the realm file at this start: remember which one.
    rm -f "$KEYCLOAK_STATE/realm.sha1"
  fi
  keycloak_write_secret "$KEYCLOAK_ADMIN_PASSWORD_FILE"
}

# The per-clone home: lib from the cache (read only), the rest our own.
keycloak_prepare_home() {
  mkdir -p "$KEYCLOAK_HOME/data/import" "$KEYCLOAK_HOME/providers"
  ln -sfn "$KEYCLOAK_DIST/lib" "$KEYCLOAK_HOME/lib"
  # --import-realm reads data/import at every start and skips a realm that
  # exists: the file is only imported into a new database (see the README).
  [[ -f "$KEYCLOAK_REALM_FILE" ]] || die "missing $KEYCLOAK_REALM_FILE"
  cp "$KEYCLOAK_REALM_FILE" "$KEYCLOAK_HOME/data/import/gridline-realm.json"
  local sum
  sum="$(sha1sum <"$KEYCLOAK_REALM_FILE" | cut -d' ' -f1)"
  if [[ ! -f "$KEYCLOAK_STATE/realm.sha1" ]]; then
    printf '%s\n' "$sum" >"$KEYCLOAK_STATE/realm.sha1"
  elif [[ "$(cat "$KEYCLOAK_STATE/realm.sha1")" != "$sum" ]]; then
    warn "keycloak: deploy/keycloak/gridline-realm.json changed since realm $KEYCLOAK_REALM was imported;" \
      "Keycloak keeps the imported one. To apply the file: \`deploy/local/stack.sh reset keycloak\` then \`up\`" \
      "(a new realm: users made by hand are gone, the demo accounts are seeded again)"
  fi
}

keycloak_marker() { printf '%s' "-Dkc.home.dir=$KEYCLOAK_HOME"; }

keycloak_wait_ready() { # keycloak_wait_ready <pid>
  local pid="$1" deadline=$((SECONDS + KEYCLOAK_START_TIMEOUT))
  local discovery="$KEYCLOAK_URL/realms/$KEYCLOAK_REALM/.well-known/openid-configuration"
  while ((SECONDS < deadline)); do
    if curl -sf -o /dev/null "http://127.0.0.1:$KEYCLOAK_MANAGEMENT_PORT/health/ready" &&
      curl -sf -o /dev/null "$discovery"; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$KEYCLOAK_LOG" >&2 || true
      die "keycloak exited during startup; see $KEYCLOAK_LOG"
    fi
    sleep 0.5
  done
  tail -n 30 "$KEYCLOAK_LOG" >&2 || true
  die "keycloak was not ready (health/ready on :$KEYCLOAK_MANAGEMENT_PORT and $discovery) within ${KEYCLOAK_START_TIMEOUT}s; see $KEYCLOAK_LOG"
}

keycloak_up() {
  keycloak_install
  local pid
  if pid="$(running_pid "$KEYCLOAK_PIDFILE" "$(keycloak_marker)")"; then
    log "keycloak: already running (pid $pid)"
  else
    ensure_port_free "$KEYCLOAK_PORT" keycloak
    ensure_port_free "$KEYCLOAK_MANAGEMENT_PORT" "keycloak management"
    keycloak_provision_db
    keycloak_prepare_home
    log "keycloak: starting Keycloak $KEYCLOAK_VERSION on $KEYCLOAK_URL (log: $KEYCLOAK_LOG)"
    # Secrets through the environment (readable by root only), never as arguments.
    # The bootstrap admin is made only while the master realm has no admin.
    # cache=local: one node, no cluster discovery.
    KC_DB_PASSWORD="$(cat "$KEYCLOAK_DB_PASSWORD_FILE")" \
      KC_BOOTSTRAP_ADMIN_USERNAME="$KEYCLOAK_ADMIN_USER" \
      KC_BOOTSTRAP_ADMIN_PASSWORD="$(cat "$KEYCLOAK_ADMIN_PASSWORD_FILE")" \
      JAVA_OPTS_KC_HEAP="-Xms256m -Xmx512m" \
      start_detached "$KEYCLOAK_PIDFILE" "$KEYCLOAK_LOG" \
      "$KEYCLOAK_DIST/bin/kc.sh" start --optimized "$(keycloak_marker)" \
      --db-url="jdbc:postgresql://127.0.0.1:$PG_PORT/$KEYCLOAK_DB" --db-username="$KEYCLOAK_DB" \
      --http-enabled=true --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" \
      --hostname="$KEYCLOAK_URL" --http-management-port="$KEYCLOAK_MANAGEMENT_PORT" \
      --cache=local --import-realm
    pid="$(cat "$KEYCLOAK_PIDFILE")"
  fi
  keycloak_wait_ready "$pid"
  log "keycloak: ready on $KEYCLOAK_URL (realm $KEYCLOAK_REALM, admin $KEYCLOAK_ADMIN_USER, password in $KEYCLOAK_ADMIN_PASSWORD_FILE)"
}

keycloak_status() {
  local pid
  if pid="$(running_pid "$KEYCLOAK_PIDFILE" "$(keycloak_marker)")"; then
    if curl -sf -o /dev/null "http://127.0.0.1:$KEYCLOAK_MANAGEMENT_PORT/health/ready"; then
      status_line keycloak running "$pid" "$KEYCLOAK_URL (management :$KEYCLOAK_MANAGEMENT_PORT) Keycloak $KEYCLOAK_VERSION"
    else
      status_line keycloak starting "$pid" "$KEYCLOAK_URL (not ready yet)"
    fi
  else
    status_line keycloak stopped "" "$KEYCLOAK_URL"
    return 1
  fi
}

keycloak_down() {
  local pid
  if ! pid="$(running_pid "$KEYCLOAK_PIDFILE" "$(keycloak_marker)")"; then
    log "keycloak: not running"
    rm -f "$KEYCLOAK_PIDFILE"
    return 0
  fi
  log "keycloak: stopping (pid $pid)"
  # kc.sh passes SIGTERM on to its JVM and waits for it.
  stop_pid "$pid" keycloak 30
  rm -f "$KEYCLOAK_PIDFILE"
}

# Deletes this clone's Keycloak state (passwords included); the database is
# dropped now if PostgreSQL runs, otherwise at the next up (the state is new).
keycloak_reset() {
  keycloak_down
  log "keycloak: deleting data"
  pg_paths
  if pg_pid >/dev/null 2>&1; then
    pg_admin_sql -c "DROP DATABASE IF EXISTS $KEYCLOAK_DB WITH (FORCE)"
  fi
  remove_data "$KEYCLOAK_STATE"
  rm -f "$KEYCLOAK_LOG"
}
