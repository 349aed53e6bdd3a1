# shellcheck shell=bash
# Object storage with the S3 API: SeaweedFS (Apache-2.0), one `weed server`
# process holding master, volume server, filer and S3 gateway, built from the Go
# module proxy like FerretDB (mongo.sh). Evidence files go to bucket
# gridline-evidence, made with S3 Object Lock (and so versioning) on the first up.
#
# S3 requests must be signed with the identity made on the first up: access key
# id and secret in $GRIDLINE_DATA/seaweedfs (mode 600, never printed), granted
# Admin/Read/Write/List/Tagging on all buckets by the -s3.config file. Without
# that file SeaweedFS would accept any credentials.

SEAWEEDFS_MODULE=github.com/seaweedfs/seaweedfs
SEAWEEDFS_VERSION=4.53 # what `weed version` says of this commit
SEAWEEDFS_MODULE_VERSION=v0.0.0-20261109003541-7506e5f91cd6
SEAWEEDFS_COMMIT="${SEAWEEDFS_MODULE_VERSION##*-}"
SEAWEEDFS_BIN="$GRIDLINE_CACHE/seaweedfs-$SEAWEEDFS_COMMIT/weed"
# Every listener on 127.0.0.1; each gRPC port is given (SeaweedFS' default is
# port + 10000), all below the ephemeral range (32768 and up).
S3_PORT="${GRIDLINE_S3_PORT:-18333}"
S3_MASTER_PORT="${GRIDLINE_S3_MASTER_PORT:-19333}"
S3_VOLUME_PORT="${GRIDLINE_S3_VOLUME_PORT:-18480}"
S3_FILER_PORT="${GRIDLINE_S3_FILER_PORT:-18888}"
S3_GRPC_OFFSET=10000
S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
S3_REGION=us-east-1
S3_BUCKET=gridline-evidence
S3_STATE="$GRIDLINE_DATA/seaweedfs"             # credentials, S3 config (mode 600), data/
S3_DATA="$S3_STATE/data"                        # weed -dir: volumes, master's raft state, filer's leveldb
S3_ACCESS_KEY_ID_FILE="$S3_STATE/access-key-id"
S3_SECRET_KEY_FILE="$S3_STATE/secret-key"
S3_CONFIG_FILE="$S3_STATE/s3-config.json"
S3_PIDFILE="$RUN_DIR/seaweedfs.pid"
S3_LOG="$LOG_DIR/seaweedfs.log"
S3_START_TIMEOUT="${GRIDLINE_S3_START_TIMEOUT:-60}"
# Volumes are files that grow up to this size (no preallocation); each bucket is a
# collection of its own, and gets one volume at a time instead of SeaweedFS' seven.
S3_VOLUME_SIZE_MB=128

# `go install .../weed@<version>` is refused (the module's go.mod has replace
# directives), so: copy the module source out of the module cache, build there,
# keep only the binary.
s3_install() {
  [[ -x "$SEAWEEDFS_BIN" ]] && return 0
  [[ -x /usr/local/go/bin/go ]] && PATH="$PATH:/usr/local/go/bin"
  need_cmd go golang-go
  local dir src moddir started=$SECONDS
  dir="$(dirname "$SEAWEEDFS_BIN")"
  src="$dir/src"
  log "s3: building SeaweedFS $SEAWEEDFS_VERSION ($SEAWEEDFS_MODULE@$SEAWEEDFS_MODULE_VERSION) from the Go module proxy (about 5 min on 2 cores, once)"
  mkdir -p "$dir"
  moddir="$(cd "$dir" && go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_MODULE_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$moddir" ]] || die "go mod download $SEAWEEDFS_MODULE@$SEAWEEDFS_MODULE_VERSION failed"
  rm -rf "$src"
  cp -r "$moddir" "$src"
  chmod -R u+w "$src" # the module cache is read-only
  # -buildvcs=false: the copy is not a git checkout (and the cache may sit inside one).
  if ! (cd "$src" && go build -buildvcs=false -trimpath -o "$SEAWEEDFS_BIN.tmp" ./weed) \
    >"$dir/build.log" 2>&1 9>&-; then
    tail -n 30 "$dir/build.log" >&2
    die "SeaweedFS build failed; see $dir/build.log"
  fi
  mv "$SEAWEEDFS_BIN.tmp" "$SEAWEEDFS_BIN"
  rm -rf "$src"
  log "s3: built SeaweedFS $("$SEAWEEDFS_BIN" version 2>/dev/null | sed -n 's/^version [^ ]* \([0-9.]*\).*/\1/p') into $SEAWEEDFS_BIN in $((SECONDS - started))s"
}

s3_random() { # s3_random <length> <tr character class>: from /dev/urandom
  local out=''
  while ((${#out} < $1)); do
    out+="$(head -c 256 /dev/urandom | tr -dc "$2")"
  done
  printf '%s' "${out:0:$1}"
}

# The identity, once per data folder (a new one after `reset s3`), and the S3
# config that grants it everything on every bucket (rewritten on each start).
s3_credentials() {
  mkdir -p "$S3_STATE"
  chmod 700 "$S3_STATE"
  if [[ ! -s "$S3_ACCESS_KEY_ID_FILE" || ! -s "$S3_SECRET_KEY_FILE" ]]; then
    log "s3: making the S3 identity (access key id in $S3_ACCESS_KEY_ID_FILE, secret in $S3_SECRET_KEY_FILE)"
    # 20 and 40 characters, as AWS keys; letters and digits, so no JSON escaping.
    (umask 077 && printf 'GL%s' "$(s3_random 18 'A-Z0-9')" >"$S3_ACCESS_KEY_ID_FILE")
    (umask 077 && s3_random 40 'A-Za-z0-9' >"$S3_SECRET_KEY_FILE")
  fi
  chmod 600 "$S3_ACCESS_KEY_ID_FILE" "$S3_SECRET_KEY_FILE"
  # printf is a builtin: the secret never appears on a command line.
  (
    umask 077
    printf '{\n  "identities": [\n    {\n      "name": "gridline",\n      "credentials": [{ "accessKey": "%s", "secretKey": "%s" }],\n      "actions": ["Admin", "Read", "Write", "List", "Tagging"]\n    }\n  ]\n}\n' \
      "$(cat "$S3_ACCESS_KEY_ID_FILE")" "$(cat "$S3_SECRET_KEY_FILE")" >"$S3_CONFIG_FILE.tmp"
  )
  mv "$S3_CONFIG_FILE.tmp" "$S3_CONFIG_FILE"
}

# A signed S3 request with curl (--aws-sigv4); the credentials reach curl through
# its config on stdin, never its arguments. Prints the HTTP status (000: no answer).
s3_request() { # s3_request <curl args...>
  printf 'user = "%s:%s"\n' "$(cat "$S3_ACCESS_KEY_ID_FILE")" "$(cat "$S3_SECRET_KEY_FILE")" |
    curl -K - -s -o /dev/null -w '%{http_code}' --max-time 5 \
      --aws-sigv4 "aws:amz:$S3_REGION:s3" "$@" 2>/dev/null || true
}

s3_marker() { printf '%s' "-dir=$S3_DATA"; }

s3_ports() { printf '%s\n' "$S3_PORT" "$S3_MASTER_PORT" "$S3_VOLUME_PORT" "$S3_FILER_PORT"; }

s3_check_ports() {
  local port
  for port in $(s3_ports); do
    ((port + S3_GRPC_OFFSET <= 65535)) ||
      die "s3: port $port leaves no room for its gRPC port $((port + S3_GRPC_OFFSET)) (at most 65535)"
    ensure_port_free "$port" s3
    ensure_port_free "$((port + S3_GRPC_OFFSET))" "s3 (gRPC)"
  done
}

# Ready: the S3 port answers a signed request for the bucket. Until the filer has
# joined, the gateway answers 5xx or not at all; 403 means the identity is refused.
# Makes the bucket when it is missing, with Object Lock (which turns versioning on).
s3_wait_ready() { # s3_wait_ready <pid>
  local pid="$1" deadline=$((SECONDS + S3_START_TIMEOUT)) code
  while ((SECONDS < deadline)); do
    code="$(s3_request -I "$S3_ENDPOINT/$S3_BUCKET")"
    case "$code" in
      200) return 0 ;;
      404)
        log "s3: creating bucket $S3_BUCKET with Object Lock (and versioning)"
        code="$(s3_request -X PUT -H 'x-amz-bucket-object-lock-enabled: true' "$S3_ENDPOINT/$S3_BUCKET")"
        [[ "$code" == 200 ]] || die "s3: creating bucket $S3_BUCKET answered HTTP $code; see $S3_LOG"
        return 0
        ;;
      403) die "s3: the gateway refused this clone's S3 identity (HTTP 403); see $S3_LOG and $S3_CONFIG_FILE" ;;
    esac
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$S3_LOG" >&2 || true
      die "s3 exited during startup; see $S3_LOG"
    fi
    sleep 0.5
  done
  tail -n 30 "$S3_LOG" >&2 || true
  die "s3 was not ready (bucket $S3_BUCKET on $S3_ENDPOINT) within ${S3_START_TIMEOUT}s; see $S3_LOG"
}

s3_up() {
  s3_install
  need_cmd curl curl
  local pid
  if pid="$(running_pid "$S3_PIDFILE" "$(s3_marker)")"; then
    log "s3: already running (pid $pid)"
  else
    s3_check_ports
    s3_credentials
    mkdir -p "$S3_DATA"
    log "s3: starting SeaweedFS on $S3_ENDPOINT (master :$S3_MASTER_PORT, volume :$S3_VOLUME_PORT, filer :$S3_FILER_PORT; log: $S3_LOG)"
    # One volume per growth step (WEED_* variables override master.toml settings);
    # GOMEMLIMIT is a soft cap on the Go heap. No telemetry, no Iceberg or Lance
    # listeners; volumes stop at once on SIGTERM (no 10 s pre-stop wait).
    WEED_MASTER_VOLUME_GROWTH_COPY_1=1 GOMEMLIMIT=512MiB \
      start_detached "$S3_PIDFILE" "$S3_LOG" \
      "$SEAWEEDFS_BIN" -logtostderr=true server "$(s3_marker)" \
      -ip=127.0.0.1 -ip.bind=127.0.0.1 \
      -master.port="$S3_MASTER_PORT" -master.port.grpc="$((S3_MASTER_PORT + S3_GRPC_OFFSET))" \
      -master.volumeSizeLimitMB="$S3_VOLUME_SIZE_MB" -master.volumePreallocate=false \
      -master.telemetry=false \
      -volume.port="$S3_VOLUME_PORT" -volume.port.grpc="$((S3_VOLUME_PORT + S3_GRPC_OFFSET))" \
      -volume.max=0 -volume.preStopSeconds=0 \
      -filer -filer.port="$S3_FILER_PORT" -filer.port.grpc="$((S3_FILER_PORT + S3_GRPC_OFFSET))" \
      -s3 -s3.port="$S3_PORT" -s3.port.grpc="$((S3_PORT + S3_GRPC_OFFSET))" \
      -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$S3_CONFIG_FILE"
    pid="$(cat "$S3_PIDFILE")"
  fi
  [[ -s "$S3_ACCESS_KEY_ID_FILE" ]] || die "s3: running without $S3_ACCESS_KEY_ID_FILE: \`deploy/local/stack.sh reset s3\` then up"
  s3_wait_ready "$pid"
  log "s3: ready on $S3_ENDPOINT (bucket $S3_BUCKET, access key id in $S3_ACCESS_KEY_ID_FILE, secret in $S3_SECRET_KEY_FILE)"
}

s3_status() {
  local pid
  if pid="$(running_pid "$S3_PIDFILE" "$(s3_marker)")"; then
    if curl -sf -o /dev/null --max-time 2 "$S3_ENDPOINT/healthz"; then
      status_line s3 running "$pid" "$S3_ENDPOINT SeaweedFS $SEAWEEDFS_VERSION, bucket $S3_BUCKET"
    else
      status_line s3 starting "$pid" "$S3_ENDPOINT (not answering yet)"
    fi
  else
    status_line s3 stopped "" "$S3_ENDPOINT"
    return 1
  fi
}

s3_down() {
  local pid
  if ! pid="$(running_pid "$S3_PIDFILE" "$(s3_marker)")"; then
    log "s3: not running"
    rm -f "$S3_PIDFILE"
    return 0
  fi
  log "s3: stopping (pid $pid)"
  stop_pid "$pid" s3 30
  rm -f "$S3_PIDFILE"
}

# Deletes the objects, the buckets and the identity: the next up makes new keys.
s3_reset() {
  s3_down
  log "s3: deleting data"
  remove_data "$S3_STATE"
  rm -f "$S3_LOG"
}
