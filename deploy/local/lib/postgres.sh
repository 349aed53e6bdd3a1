# shellcheck shell=bash
# PostgreSQL 15 from Debian, run as our own cluster (not Debian's "main" cluster):
# initdb + pg_ctl as the `postgres` OS user, 127.0.0.1:$PG_PORT, data per clone.

PG_BIN=/usr/lib/postgresql/15/bin
# Dev-only credentials, documented in README.md; never use them outside this machine.
PG_APP_USER=gridline
PG_APP_PASSWORD=gridline
# The services' own roles (docs/security.md, "Append-only history"): each signs in
# as itself, and may only append, to its own agency's streams; the gateway and the
# projector only read the history. Passwords are random, made once per clone.
PG_ROLE_DIR="$GRIDLINE_DATA/postgres-roles"
PG_SERVICE_ROLES=(gridline_swc gridline_drc gridline_street)
PG_READER_ROLES=(gridline_gateway gridline_projector)
# gridline_readmodels: FerretDB's backend (deploy/local/lib/mongo.sh), not ours to query.
PG_DATABASES=(gridline gridline_test gridline_readmodels)

# Where the cluster lives. Normally $GRIDLINE_DATA/postgres. The server runs as
# the `postgres` user, which cannot enter a clone below a private home such as
# /root (mode 700). Rather than loosening the permissions of someone's home, we
# then keep this clone's cluster below /var/lib/postgresql, in a folder named
# after a hash of the data path (still one per clone), and leave a symlink.
pg_paths() {
  # (Before the package is installed there is no postgres user: assume the default.)
  if ! id postgres >/dev/null 2>&1 ||
    (cd / && runuser -u postgres -- test -x "$GRIDLINE_DATA" -a -r "$GRIDLINE_DATA") 2>/dev/null; then
    PG_HOME="$GRIDLINE_DATA"
    PGDATA="$GRIDLINE_DATA/postgres"
    PG_LOG="$LOG_DIR/postgres.log"
  else
    local id
    id="$(printf '%s' "$GRIDLINE_DATA" | sha1sum | cut -c1-12)"
    PG_HOME="/var/lib/postgresql/gridline-$id"
    PGDATA="$PG_HOME/postgres"
    PG_LOG="$PG_HOME/postgres.log"
  fi
  # Unix sockets sit in the data folder, unless the path would exceed the
  # 107-byte limit of a socket path; then a short per-clone folder in /tmp.
  if (( ${#PGDATA} + 16 <= 100 )); then
    PG_SOCKET_DIR="$PGDATA"
  else
    PG_SOCKET_DIR="/tmp/gridline-pg-$(printf '%s' "$PGDATA" | sha1sum | cut -c1-12)"
  fi
}

# Run a command as the postgres OS user, from / so that tools do not complain
# about a working directory they cannot read; 9>&-: see take_lock.
as_postgres() { (cd / && runuser -u postgres -- "$@" 9>&-); }

pg_install() {
  [[ -x "$PG_BIN/postgres" ]] && return 0
  # Stop the package from creating and starting Debian's default cluster
  # (15/main on 5432): we never use it. createcluster.conf includes this folder.
  mkdir -p /etc/postgresql-common/createcluster.d
  printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.d/gridline.conf
  apt_install postgresql
  [[ -x "$PG_BIN/postgres" ]] || die "postgresql installed but $PG_BIN/postgres is missing (not PostgreSQL 15?)"
}

pg_pid() {
  local pid
  pid="$(head -n1 "$PGDATA/postmaster.pid" 2>/dev/null)" || return 1
  pid_is "$pid" "$PGDATA" || return 1
  printf '%s\n' "$pid"
}

pg_init_cluster() {
  [[ -f "$PGDATA/PG_VERSION" ]] && return 0
  log "postgres: initdb $PGDATA"
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  # peer for the local socket (admin as OS user postgres), passwords over TCP.
  as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  # Our settings live in a file of their own, rewritten on each start (pg_start).
  printf "\ninclude_if_exists = 'gridline.conf'\n" >>"$PGDATA/postgresql.conf"
}

pg_write_conf() {
  cat >"$PGDATA/gridline.conf" <<EOF
# Written by deploy/local/stack.sh on each start; edits are overwritten.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
# synchronous_commit stays on: an event acknowledged to a client must survive a crash
# of the server (the fault tests kill it).
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
# Five apps (10 connections each), FerretDB's pool (it grows to about 50 under the
# tests), Keycloak's and the tests' own: the default of 100 left no margin.
max_connections = 200
EOF
  chown postgres:postgres "$PGDATA/gridline.conf"
}

pg_start() {
  ensure_port_free "$PG_PORT" postgres
  pg_write_conf
  mkdir -p "$PG_SOCKET_DIR"
  chown postgres:postgres "$PG_SOCKET_DIR"
  touch "$PG_LOG"
  chown postgres:postgres "$PG_LOG"
  log "postgres: starting on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
  # pg_ctl puts the postmaster in its own session, so it outlives this shell;
  # -w waits (bounded by -t) until it accepts connections.
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
    tail -n 20 "$PG_LOG" >&2 || true
    die "postgres did not start within 60s; see $PG_LOG"
  fi
}

# psql as the superuser over the unix socket (peer auth).
pg_admin_sql() {
  as_postgres "$PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -qAtX "$@"
}

# Idempotent: create the role and databases if missing, (re)set the password.
pg_provision() {
  pg_admin_sql <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP_USER') THEN
    CREATE ROLE $PG_APP_USER LOGIN CREATEDB;
  END IF;
END \$\$;
ALTER ROLE $PG_APP_USER WITH LOGIN CREATEDB PASSWORD '$PG_APP_PASSWORD';
EOF
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [[ -z "$(pg_admin_sql -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
      log "postgres: creating database $db"
      pg_admin_sql -c "CREATE DATABASE $db OWNER $PG_APP_USER"
    fi
  done
}

# The password of one of the roles above (made when missing).
pg_role_password() {
  local file="$PG_ROLE_DIR/$1"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$PG_ROLE_DIR"
    chmod 700 "$PG_ROLE_DIR"
    (umask 077 && head -c 256 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 32 >"$file")
  fi
  cat "$file"
}

# Idempotent: the apps' roles (deploy/postgres/roles.sql, shared with compose and
# Kubernetes), with this clone's passwords.
pg_provision_roles() {
  local args=(-v "owner=$PG_APP_USER") role
  for role in "${PG_SERVICE_ROLES[@]}" "${PG_READER_ROLES[@]}"; do
    args+=(-v "${role#gridline_}_password=$(pg_role_password "$role")")
  done
  pg_admin_sql "${args[@]}" <"$REPO_DIR/deploy/postgres/roles.sql" >/dev/null
}

# postgres://<role>:<password>@…/<database>, for print_env.
pg_role_url() {
  printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$1" "$(cat "$PG_ROLE_DIR/$1" 2>/dev/null)" "$PG_PORT" "$2"
}

postgres_up() {
  pg_install
  pg_paths
  if [[ "$PG_HOME" != "$GRIDLINE_DATA" ]]; then
    mkdir -p "$PG_HOME"
    chown postgres:postgres "$PG_HOME"
    # Signposts in the data folder for people looking for the cluster/log.
    [[ -d "$GRIDLINE_DATA/postgres" && ! -L "$GRIDLINE_DATA/postgres" ]] ||
      ln -sfn "$PGDATA" "$GRIDLINE_DATA/postgres"
    ln -sfn "$PG_LOG" "$LOG_DIR/postgres.log"
  fi
  pg_init_cluster
  local pid
  if pid="$(pg_pid)"; then
    log "postgres: already running (pid $pid)"
  else
    pg_start
  fi
  pg_provision
  pg_provision_roles
  log "postgres: ready on 127.0.0.1:$PG_PORT"
}

postgres_status() {
  pg_paths
  local pid
  if pid="$(pg_pid)" && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    status_line postgres running "$pid" "127.0.0.1:$PG_PORT data=$PGDATA"
  elif [[ -n "${pid:-}" ]]; then
    status_line postgres starting "$pid" "127.0.0.1:$PG_PORT (not accepting connections)"
  else
    status_line postgres stopped "" "127.0.0.1:$PG_PORT"
    return 1
  fi
}

postgres_down() {
  pg_paths
  local pid
  if ! pid="$(pg_pid)"; then
    log "postgres: not running"
    return 0
  fi
  log "postgres: stopping (pid $pid)"
  # fast = roll back open transactions and shut down cleanly.
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null; then
    warn "postgres: fast shutdown timed out, using immediate"
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 10 stop >/dev/null || stop_pid "$pid" postgres 5
  fi
}

postgres_reset() {
  postgres_down
  pg_paths
  log "postgres: deleting data"
  if [[ "$PG_HOME" != "$GRIDLINE_DATA" ]]; then
    rm -rf -- "$PG_HOME"
    rm -f "$GRIDLINE_DATA/postgres" "$LOG_DIR/postgres.log"
  else
    remove_data "$PGDATA"
    rm -f "$PG_LOG"
  fi
  [[ "$PG_SOCKET_DIR" == /tmp/gridline-pg-* ]] && rm -rf -- "$PG_SOCKET_DIR"
  return 0
}
