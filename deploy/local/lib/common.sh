# shellcheck shell=bash
# Shared helpers for deploy/local/stack.sh: paths, logging, pid files, waiting, detaching.
# Sourced, never executed. Expects `set -euo pipefail` from the caller.

# ---- locations -------------------------------------------------------------
# The script lives in <repo>/deploy/local; data is per clone, downloads are shared.
STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$STACK_DIR/../.." && pwd)"
GRIDLINE_DATA="${GRIDLINE_DATA:-$REPO_DIR/.data/local}"
GRIDLINE_CACHE="${GRIDLINE_CACHE:-$HOME/.cache/gridline}"
RUN_DIR="$GRIDLINE_DATA/run"   # pid files and the lock
LOG_DIR="$GRIDLINE_DATA/logs"  # one log file per server

# ---- ports (overridable so that two stacks can coexist if ever needed) -----
# shellcheck disable=SC2034 # used by the per-server files
PG_PORT="${GRIDLINE_PG_PORT:-5433}"
KAFKA_PORT="${GRIDLINE_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${GRIDLINE_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_INTERNAL_PORT="${GRIDLINE_KAFKA_INTERNAL_PORT:-9094}" # the broker's own (mutual TLS)
MONGO_PORT="${GRIDLINE_MONGO_PORT:-27017}"

# ---- logging ---------------------------------------------------------------
log()  { printf '[stack] %s\n' "$*" >&2; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die()  { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# Make the data folders; the data root must be absolute because the servers get
# paths in their config files and run with another working directory.
init_dirs() {
  case "$GRIDLINE_DATA" in
    /?*) ;;
    *) die "GRIDLINE_DATA must be an absolute path (got '$GRIDLINE_DATA')" ;;
  esac
  mkdir -p "$GRIDLINE_DATA" "$RUN_DIR" "$LOG_DIR" "$GRIDLINE_CACHE"
  # PostgreSQL runs as the `postgres` user and writes its log here: keep these
  # two traversable whatever the umask (see pg_paths for the parent folders).
  chmod 755 "$GRIDLINE_DATA" "$LOG_DIR"
  # Self-ignoring data folder: nothing in it can be committed by accident,
  # whatever the repo's .gitignore says (and wherever GRIDLINE_DATA points).
  [[ -f "$GRIDLINE_DATA/.gitignore" ]] || printf '*\n' >"$GRIDLINE_DATA/.gitignore"
}

# Serialise concurrent invocations (e.g. two terminals running `up`): they would
# otherwise race on formatting storage or starting the same server twice.
# Servers started while the lock is held must not inherit fd 9, or they would
# hold the lock for as long as they run: every spawn of a server closes it (9>&-).
take_lock() {
  exec 9>"$RUN_DIR/stack.lock"
  flock -w 600 9 || die "another stack.sh holds $RUN_DIR/stack.lock"
}

# Install Debian packages only when a command is missing (fresh machine).
APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
need_cmd() { # need_cmd <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "'$1' is still missing after installing $2"
}

# ---- processes -------------------------------------------------------------
# A pid is ours only if it is alive and its command line contains a marker
# (a path inside our data folder): pid files can outlive a reboot and pids get reused.
pid_is() { # pid_is <pid> <marker>
  local pid="$1" marker="$2" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$marker"* ]]
}

# Prints the pid from a pid file if that process is running and ours.
running_pid() { # running_pid <pidfile> <marker>
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(head -n1 "$1" 2>/dev/null || true)"
  pid_is "$pid" "$2" || return 1
  printf '%s\n' "$pid"
}

# Start a command detached from this shell: own session (no SIGHUP when the
# terminal or CI step ends), stdin from /dev/null, output appended to a log.
# The inner bash writes its own pid and then execs, so the pid file holds the server's pid.
start_detached() { # start_detached <pidfile> <logfile> <cmd...>
  local pidfile="$1" logfile="$2"
  shift 2
  rm -f "$pidfile"
  printf '\n===== %s starting: %s\n' "$(date -Is)" "$*" >>"$logfile"
  # shellcheck disable=SC2016 # $$ and $@ are for the inner bash
  setsid bash -c 'trap "" HUP; echo $$ >"$0"; exec "$@"' "$pidfile" "$@" \
    >>"$logfile" 2>&1 </dev/null 9>&- &
  # Wait for the pid file (written before exec) so callers can rely on it.
  local _
  for _ in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "could not start $1 (no pid file $pidfile); see $logfile"
}

# Graceful stop: SIGTERM, wait, then SIGKILL.
stop_pid() { # stop_pid <pid> <name> <timeout seconds>
  local pid="$1" name="$2" timeout="$3" _
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((timeout * 5))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  warn "$name (pid $pid) still running after ${timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
}

# ---- network ---------------------------------------------------------------
port_open() { # port_open <port>  (127.0.0.1 only)
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Bounded wait until a port answers; fails early if the process died.
wait_for_port() { # wait_for_port <port> <pid> <name> <timeout> <logfile>
  local port="$1" pid="$2" name="$3" timeout="$4" logfile="$5" _
  for _ in $(seq 1 $((timeout * 5))); do
    port_open "$port" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited during startup; see $logfile"
    fi
    sleep 0.2
  done
  tail -n 20 "$logfile" >&2 || true
  die "$name did not answer on 127.0.0.1:$port within ${timeout}s; see $logfile"
}

# Refuse to start when something else already holds the port: the
# client would silently talk to the wrong server otherwise.
ensure_port_free() { # ensure_port_free <port> <name>
  if port_open "$1"; then
    die "port 127.0.0.1:$1 is already in use by a process this script did not start; stop it first (needed by $2)"
  fi
}

status_line() { # status_line <name> <state> <pid> <address>
  printf '%-9s %-8s pid=%-8s %s\n' "$1" "$2" "${3:--}" "$4"
}

# Delete a folder of ours; refuses anything that is not below the data root.
remove_data() { # remove_data <path>
  local path="$1"
  [[ -n "$path" && "$path" == "$GRIDLINE_DATA"/?* ]] || die "refusing to delete '$path' (outside $GRIDLINE_DATA)"
  rm -rf -- "$path"
}
