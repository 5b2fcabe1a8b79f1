#!/usr/bin/env bash
# Usage: src/test/docker/native-e2e.sh
#
# The native executable in the project's own src/main/docker/Dockerfile.native-micro on a real Docker engine. The
# base stands in for the Quarkus micro image (no registry here): only the shared libraries the executable links, a
# /tmp, nothing else: no shell, no curl, so the built-in probe is the only health check there is. Against a
# PostgreSQL on 127.0.0.1 it asserts:
#   1. starting -> healthy;
#   2. database stopped -> stays healthy (liveness ignores the database); `healthcheck ready` exits 1 and says why;
#   3. database frozen (SIGSTOP) -> stays healthy; `healthcheck live` exits 0;
#   4. .State.Health.Log holds the probe's one-line output;
#   5. SIGTERM to PID 1 (docker stop): drains and exits by itself, well before the grace period.
# Needs root (installs docker.io if missing, starts dockerd if none runs) and the native executable (target/*-runner,
# from ./mvnw package -Dnative with a native-image toolchain). Leaves nothing behind but target/native-e2e.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source src/test/scripts/postgres.sh
source src/test/scripts/docker.sh

WORK=target/native-e2e
NAME=creditrobot-native-e2e
BASE_IMAGE=creditrobot-native-e2e-base:libs
APP_IMAGE=creditrobot-native-e2e:micro
HTTP_PORT=${E2E_HTTP_PORT:-18280}
MGMT_PORT=${E2E_MANAGEMENT_PORT:-19280}
PG_PORT=${E2E_PG_PORT:-15632}
NO_ISSUER=http://127.0.0.1:9/realms/none
OPERATOR_PASSWORD="e2e-$RANDOM$RANDOM"
INTERVAL=1 TIMEOUT=3 RETRIES=3
# SIGTERM: readiness DOWN at once, serving for the shutdown delay (5 s in prod), then a drain with nothing in flight.
GRACE=30 EXIT_BOUND=10

LAB=native-e2e

runner=$(ls target/*-runner 2>/dev/null | head -n 1 || true)
[ -x "$runner" ] || { echo "no native executable in target/: run ./mvnw package -Dnative first" >&2; exit 1; }
require_ports_free "$(basename "$0")" "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
docker_tools

cleanup() {
    set +e
    pg_thaw
    pg_stop immediate
    docker_cleanup "$NAME" "$APP_IMAGE" "$BASE_IMAGE"
}
trap cleanup EXIT
trap 'log "error at line $LINENO: $BASH_COMMAND"' ERR

docker_engine "$WORK"
log "base $BASE_IMAGE: the shared libraries $runner links, and /tmp"
docker_libs_base "$BASE_IMAGE" "$runner" "$WORK/base"
log "building $APP_IMAGE from src/main/docker/Dockerfile.native-micro"
DOCKER_BUILDKIT=1 "$DOCKER" build --network host --progress plain -f src/main/docker/Dockerfile.native-micro \
    --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$APP_IMAGE" . >"$WORK/build.log" 2>&1 \
    || { log "image build failed: $(tail -15 "$WORK/build.log")"; exit 1; }
if "$DOCKER" run --rm --entrypoint /bin/sh "$APP_IMAGE" -c true >/dev/null 2>&1; then
    fail "0. the image has a shell"
else
    pass "0. the image has no shell (and no curl): the built-in probe is its only health check"
fi

pg_init "$WORK/pg" "$PG_PORT"
pg_start
docker_app_env "$HTTP_PORT" "$MGMT_PORT" "$(pg_jdbc_url)" "$NO_ISSUER" "$OPERATOR_PASSWORD"

probe() { "$DOCKER" exec "$NAME" /work/application healthcheck "$@"; }

docker_run_checked "$NAME" "$APP_IMAGE" "$INTERVAL" "$TIMEOUT" "$RETRIES"
if outcome=$(docker_starts_healthy "$NAME" 60); then pass "1. $outcome"; else fail "1. $outcome"; fi

pg_stop
stayed=$(docker_stays_healthy "$NAME" 6) && stayed=healthy
ready_output=$(probe ready) && ready_exit=0 || ready_exit=$?
if [ "$stayed" = healthy ] && [ "$ready_exit" = 1 ] && grep -q 'database: unreachable' <<<"$ready_output"; then
    pass "2. database stopped: stays healthy; 'healthcheck ready' exits 1: $ready_output"
else
    fail "2. database stopped: state '$stayed', 'healthcheck ready' exit $ready_exit: $ready_output"
fi
pg_start

pg_freeze
stayed=$(docker_stays_healthy "$NAME" 6) && stayed=healthy
live_output=$(probe live) && live_exit=0 || live_exit=$?
pg_thaw
if [ "$stayed" = healthy ] && [ "$live_exit" = 0 ]; then
    pass "3. database frozen: stays healthy; 'healthcheck live' exits 0: $live_output"
else
    fail "3. database frozen: state '$stayed', 'healthcheck live' exit $live_exit: $live_output"
fi

health_log=$("$DOCKER" inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}' "$NAME")
if grep -q '^0 HEALTHY HTTP 200 UP' <<<"$health_log"; then
    pass "4. .State.Health.Log holds the probe's one-line output, e.g. '$(grep -m1 '^0 ' <<<"$health_log")'"
else
    fail "4. .State.Health.Log: $health_log"
fi

start=$(date +%s%3N)
"$DOCKER" stop --time "$GRACE" "$NAME" >/dev/null
took=$(($(date +%s%3N) - start))
exit_code=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$NAME")
if [ "$took" -le $((EXIT_BOUND * 1000)) ] && [ "$exit_code" != 137 ] && "$DOCKER" logs "$NAME" 2>&1 | grep -q 'stopped in'; then
    pass "5. SIGTERM to PID 1: drained and exited (code $exit_code) in $took ms (grace ${GRACE} s, bound ${EXIT_BOUND} s)"
else
    fail "5. SIGTERM to PID 1: exit code $exit_code after $took ms: $("$DOCKER" logs --tail 5 "$NAME" 2>&1)"
fi

lab_result
