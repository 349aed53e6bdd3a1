# shellcheck shell=bash
# MongoDB wire protocol: FerretDB v1 on its PostgreSQL backend (database
# gridline_readmodels of the local PostgreSQL), built from the Go module proxy.
#
# Why not its SQLite backend: FerretDB v1 on SQLite evaluates any filter beyond a
# bare _id outside SQL, scanning the collection; the projection's guarded updates
# then slow down as collections grow (75 -> 15 events/s over 1,400 events). On
# PostgreSQL equality filters on top-level fields are pushed down, and read an
# index once ferretdb-indexes.sql has given FerretDB's btrees GIN twins (ADR 0002).

FERRETDB_VERSION=v1.24.2
FERRETDB_MODULE=github.com/FerretDB/FerretDB
FERRETDB_BIN="$GRIDLINE_CACHE/ferretdb-$FERRETDB_VERSION/ferretdb"
FERRETDB_PG_DATABASE=gridline_readmodels
FERRETDB_STATE="$GRIDLINE_DATA/ferretdb-state"   # state.json (instance id, telemetry choice)
FERRETDB_PIDFILE="$RUN_DIR/ferretdb.pid"
FERRETDB_LOG="$LOG_DIR/ferretdb.log"
FERRETDB_START_TIMEOUT="${GRIDLINE_MONGO_START_TIMEOUT:-30}"

# `go install .../cmd/ferretdb@v1.24.2` builds a binary that panics at start:
# build/version/version.txt is generated from git by upstream's build and is not
# in the module zip. So: copy the module source, write that file, build.
mongo_install() {
  [[ -x "$FERRETDB_BIN" ]] && return 0
  # Debian's golang-go is older than FerretDB's `go 1.24`; the go command then
  # fetches the required toolchain through the module proxy (GOTOOLCHAIN=auto).
  # The official Go tarball lives in /usr/local/go, which a non-login shell may lack on PATH.
  [[ -x /usr/local/go/bin/go ]] && PATH="$PATH:/usr/local/go/bin"
  need_cmd go golang-go
  local dir src moddir
  dir="$(dirname "$FERRETDB_BIN")"
  src="$dir/src"
  log "mongo: building FerretDB $FERRETDB_VERSION from the Go module proxy (about 1-2 min, once)"
  mkdir -p "$dir"
  # -json prints where the module landed in the module cache.
  moddir="$(cd "$dir" && go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$moddir" ]] || die "go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed"
  rm -rf "$src"
  cp -r "$moddir" "$src"
  chmod -R u+w "$src"   # the module cache is read-only
  printf '%s\n' "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  # -buildvcs=false: the copy is not a git checkout (and the cache may sit inside one).
  if ! (cd "$src" && go build -buildvcs=false -trimpath -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) \
    >"$dir/build.log" 2>&1; then
    tail -n 30 "$dir/build.log" >&2
    die "FerretDB build failed; see $dir/build.log"
  fi
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$src"
  log "mongo: built $("$FERRETDB_BIN" --version | head -n1) into $FERRETDB_BIN"
}

mongo_up() {
  mongo_install
  local pid
  # Index twins FerretDB's lookups can use (ferretdb-indexes.sql); idempotent.
  pg_paths
  pg_admin_sql -d "$FERRETDB_PG_DATABASE" <"$STACK_DIR/lib/ferretdb-indexes.sql" >/dev/null
  if pid="$(running_pid "$FERRETDB_PIDFILE" "$FERRETDB_STATE")"; then
    log "mongo: already running (pid $pid)"
  else
    ensure_port_free "$MONGO_PORT" mongo
    mkdir -p "$FERRETDB_STATE"
    log "mongo: starting FerretDB $FERRETDB_VERSION (PostgreSQL backend) on 127.0.0.1:$MONGO_PORT (log: $FERRETDB_LOG)"
    # --debug-addr=- : no metrics/pprof HTTP listener (it would take port 8088).
    # Log level error: at warn FerretDB dumps every error reply, e.g. one for each
    # client close (the driver's endSessions command is not implemented in v1).
    start_detached "$FERRETDB_PIDFILE" "$FERRETDB_LOG" \
      "$FERRETDB_BIN" --handler=postgresql \
      --postgresql-url="postgres://$PG_APP_USER:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT/$FERRETDB_PG_DATABASE" \
      --listen-addr="127.0.0.1:$MONGO_PORT" --state-dir="$FERRETDB_STATE" \
      --telemetry=disable --debug-addr=- --log-level="${GRIDLINE_MONGO_LOG_LEVEL:-error}"
    pid="$(cat "$FERRETDB_PIDFILE")"
  fi
  # FerretDB opens its listener after the backend is set up, so the port is enough.
  wait_for_port "$MONGO_PORT" "$pid" mongo "$FERRETDB_START_TIMEOUT" "$FERRETDB_LOG"
  log "mongo: ready on 127.0.0.1:$MONGO_PORT"
}

mongo_status() {
  local pid
  if pid="$(running_pid "$FERRETDB_PIDFILE" "$FERRETDB_STATE")"; then
    if port_open "$MONGO_PORT"; then
      status_line mongo running "$pid" "127.0.0.1:$MONGO_PORT FerretDB $FERRETDB_VERSION (PostgreSQL backend)"
    else
      status_line mongo starting "$pid" "127.0.0.1:$MONGO_PORT (not answering yet)"
    fi
  else
    status_line mongo stopped "" "127.0.0.1:$MONGO_PORT"
    return 1
  fi
}

mongo_down() {
  local pid
  if ! pid="$(running_pid "$FERRETDB_PIDFILE" "$FERRETDB_STATE")"; then
    log "mongo: not running"
    rm -f "$FERRETDB_PIDFILE"
    return 0
  fi
  log "mongo: stopping (pid $pid)"
  stop_pid "$pid" mongo 15
  rm -f "$FERRETDB_PIDFILE"
}

mongo_reset() {
  mongo_down
  log "mongo: deleting data"
  remove_data "$GRIDLINE_DATA/ferretdb" # the SQLite files of earlier versions of this stack
  pg_paths
  if pg_pid >/dev/null 2>&1; then
    pg_admin_sql -c "DROP DATABASE IF EXISTS $FERRETDB_PG_DATABASE" &&
      pg_admin_sql -c "CREATE DATABASE $FERRETDB_PG_DATABASE OWNER $PG_APP_USER"
  fi
  remove_data "$FERRETDB_STATE"
  rm -f "$FERRETDB_LOG"
}
