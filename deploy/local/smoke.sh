#!/usr/bin/env bash
# Smoke-test the running local stack with the real Node drivers:
#   deploy/local/smoke.sh [kafka|mongo|s3 ...]   (default: all three; start the stack first)
# The drivers are installed at pinned versions into the shared cache, independent of
# the repo's node_modules, so the result says something about the servers alone.
set -euo pipefail

SMOKE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/smoke"
GRIDLINE_CACHE="${GRIDLINE_CACHE:-$HOME/.cache/gridline}"
DRIVERS_DIR="$GRIDLINE_CACHE/smoke-node"
# The AWS SDK at the version package-lock.json resolves for the apps.
DRIVERS=(kafkajs@2.2.4 mongodb@7 @aws-sdk/client-s3@3.1175.0)

if [[ ! -d "$DRIVERS_DIR/node_modules/kafkajs" || ! -d "$DRIVERS_DIR/node_modules/mongodb" ||
  ! -d "$DRIVERS_DIR/node_modules/@aws-sdk/client-s3" ]]; then
  echo "[smoke] npm install ${DRIVERS[*]} into $DRIVERS_DIR" >&2
  mkdir -p "$DRIVERS_DIR"
  [[ -f "$DRIVERS_DIR/package.json" ]] || echo '{"private":true}' >"$DRIVERS_DIR/package.json"
  npm install --prefix "$DRIVERS_DIR" --no-audit --no-fund --loglevel=error "${DRIVERS[@]}" >&2
fi

# The stack's connection settings (Kafka's owner, the S3 identity's files), unless given.
if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  set -a
  # shellcheck disable=SC1090
  source <(bash "$(dirname "${BASH_SOURCE[0]}")/stack.sh" env)
  set +a
fi

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(kafka mongo s3)
rc=0
for t in "${targets[@]}"; do
  echo "== $t" >&2
  # CommonJS scripts resolve the drivers through NODE_PATH.
  # (The AWS SDK warns on every run that its releases after January 2027 need Node 22.)
  NODE_PATH="$DRIVERS_DIR/node_modules" KAFKAJS_NO_PARTITIONER_WARNING=1 \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
    node "$SMOKE_DIR/$t.cjs" || rc=1
done
exit "$rc"
