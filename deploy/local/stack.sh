#!/usr/bin/env bash
# Local dev/test stack for Gridline: PostgreSQL 15, Keycloak (OpenID Connect, on
# that PostgreSQL), Kafka (KRaft), FerretDB (MongoDB wire protocol) and SeaweedFS
# (S3 API, for evidence files), installed and started without Docker or systemd.
#
#   deploy/local/stack.sh up|status|down|reset|env [postgres|keycloak|kafka|mongo|s3 ...]
#
# up      install/build what is missing, start what is stopped, wait until each answers
# status  one line per server; exit code 0 only if all named servers run
# down    stop (graceful, then SIGKILL after a timeout)
# reset   down + delete the servers' data
# env     print the connection variables (eval "$(deploy/local/stack.sh env)");
#         Keycloak's admin password and the S3 secret key are only named by
#         their files, never printed
#
# GRIDLINE_DATA  data, logs, pid files (default <repo>/.data/local, per clone)
# GRIDLINE_CACHE downloads and builds  (default $HOME/.cache/gridline, shared)
# See deploy/local/README.md.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
# shellcheck source=lib/common.sh
source "$LIB_DIR/common.sh"
# shellcheck source=lib/postgres.sh
source "$LIB_DIR/postgres.sh"
# shellcheck source=lib/keycloak.sh
source "$LIB_DIR/keycloak.sh"
# shellcheck source=lib/kafka.sh
source "$LIB_DIR/kafka.sh"
# shellcheck source=lib/mongo.sh
source "$LIB_DIR/mongo.sh"
# shellcheck source=lib/seaweedfs.sh
source "$LIB_DIR/seaweedfs.sh"

# In start order (down goes backwards): Keycloak keeps its data in PostgreSQL;
# SeaweedFS (s3) depends on nothing.
ALL_SERVICES=(postgres keycloak kafka mongo s3)

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

print_env() {
  cat <<EOF
DATABASE_URL=postgres://$PG_APP_USER:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT/gridline
TEST_DATABASE_URL=postgres://$PG_APP_USER:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT/gridline_test
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
KAFKA_TLS_CA_FILE=$KAFKA_TLS_DIR/ca.pem
KAFKA_SASL_MECHANISM=$KAFKA_SASL_MECHANISM
KAFKA_SASL_USERNAME=$KAFKA_ADMIN_USER
KAFKA_SASL_PASSWORD_FILE=$KAFKA_CREDENTIALS_DIR/$KAFKA_ADMIN_USER
KAFKA_CREDENTIALS_DIR=$KAFKA_CREDENTIALS_DIR
MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT/gridline
KEYCLOAK_URL=$KEYCLOAK_URL
KEYCLOAK_REALM=$KEYCLOAK_REALM
KEYCLOAK_ADMIN_USER=$KEYCLOAK_ADMIN_USER
KEYCLOAK_ADMIN_PASSWORD_FILE=$KEYCLOAK_ADMIN_PASSWORD_FILE
EVIDENCE_S3_ENDPOINT=$S3_ENDPOINT
EVIDENCE_S3_REGION=$S3_REGION
EVIDENCE_S3_BUCKET=$S3_BUCKET
EVIDENCE_S3_ACCESS_KEY_ID=$(cat "$S3_ACCESS_KEY_ID_FILE" 2>/dev/null || true)
EVIDENCE_S3_SECRET_KEY_FILE=$S3_SECRET_KEY_FILE
EOF
  # KAFKA_SASL_* above is the owner (a super user); each app's own user is
  # gridline-<app>, its password in $KAFKA_CREDENTIALS_DIR/gridline-<app>.
  # Each app's own database role (docs/security.md); DATABASE_URL above is the owner's.
  # With passwords: only for `env`, which scripts read, not in `up`'s log.
  [[ "${1:-}" == --with-roles ]] || return 0
  local role
  for role in "${PG_SERVICE_ROLES[@]}" "${PG_READER_ROLES[@]}"; do
    [[ -s "$PG_ROLE_DIR/$role" ]] || continue
    printf 'DATABASE_URL_%s=%s\n' "$(printf '%s' "${role#gridline_}" | tr a-z A-Z)" "$(pg_role_url "$role" gridline)"
  done
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  local services=("$@")
  [[ ${#services[@]} -gt 0 ]] || services=("${ALL_SERVICES[@]}")
  local s
  for s in "${services[@]}"; do
    case "$s" in
      postgres | keycloak | kafka | mongo | s3) ;;
      *) die "unknown server '$s' (expected: ${ALL_SERVICES[*]})" ;;
    esac
  done

  case "$cmd" in
    up)
      [[ $(id -u) -eq 0 ]] || die "run as root (installs packages, runs PostgreSQL as the postgres user)"
      init_dirs
      take_lock
      local started=$SECONDS
      for s in "${services[@]}"; do "${s}_up"; done
      log "up: done in $((SECONDS - started))s; connection settings:"
      print_env
      ;;
    status)
      local rc=0
      for s in "${services[@]}"; do "${s}_status" || rc=3; done
      return "$rc"
      ;;
    down)
      [[ -d "$RUN_DIR" ]] || { log "nothing to stop (no $RUN_DIR)"; return 0; }
      take_lock
      # Stop in reverse start order.
      local i
      for ((i = ${#services[@]} - 1; i >= 0; i--)); do "${services[i]}_down"; done
      ;;
    reset)
      [[ $(id -u) -eq 0 ]] || die "run as root"
      init_dirs
      take_lock
      for s in "${services[@]}"; do "${s}_reset"; done
      ;;
    env) print_env --with-roles ;;
    *) usage ;;
  esac
}

main "$@"
