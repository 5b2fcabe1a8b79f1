#!/usr/bin/env bash
# Usage: src/test/docker/healthcheck-e2e.sh
#
# The JVM image's HEALTHCHECK on a real Docker engine, end to end. Builds the image from the project's own
# src/main/docker/Dockerfile.jvm (base image substituted by one built offline: debootstrap + a jlinked JRE from the
# host JDK), runs it with --network host against a PostgreSQL on 127.0.0.1, and asserts Docker's own health state:
#   1. starting -> healthy;
#   2. database stopped -> stays healthy (liveness ignores the database) while `healthcheck ready` exits 1;
#   3. the Java process frozen (SIGSTOP to its host pid) -> unhealthy;
#   4. thawed -> healthy again;
#   5. .State.Health.Log holds the probe's one-line output.
# Needs root (installs docker.io and debootstrap if missing, starts dockerd if none runs). Expects the packaged
# application in target/quarkus-app (./mvnw package). Leaves nothing behind but target/docker-e2e.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source src/test/scripts/postgres.sh

WORK=target/docker-e2e
NAME=creditrobot-e2e
BASE_IMAGE=creditrobot-e2e-base:bookworm
APP_IMAGE=creditrobot-e2e:jvm
HTTP_PORT=${E2E_HTTP_PORT:-18080}
MGMT_PORT=${E2E_MANAGEMENT_PORT:-19000}
PG_PORT=${E2E_PG_PORT:-15432}
# Short timings for the test; the Dockerfile keeps its production values.
INTERVAL=1 TIMEOUT=3 RETRIES=3

passed=0 failed=0 dockerd_pid="" frozen_pid=""
log() { printf '%s docker-e2e: %s\n' "$(date +%H:%M:%S)" "$*"; }
pass() { passed=$((passed + 1)); log "PASS $*"; }
fail() { failed=$((failed + 1)); log "FAIL $*"; }

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# --- tools ------------------------------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's client matches Debian's engine (and its BuildKit); another docker on the PATH may be newer than both.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

cleanup() {
    set +e
    [ -n "$frozen_pid" ] && kill -CONT "$frozen_pid" 2>/dev/null
    "$DOCKER" rm -f "$NAME" >/dev/null 2>&1
    "$DOCKER" rmi -f "$APP_IMAGE" "$BASE_IMAGE" >/dev/null 2>&1
    pg_stop immediate
    if [ -n "$dockerd_pid" ]; then
        kill "$dockerd_pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
    fi
}
trap cleanup EXIT
trap 'log "error at line $LINENO: $BASH_COMMAND"' ERR

for port in "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT"; do
    port_free "$port" || { log "port $port on 127.0.0.1 is in use (set E2E_*_PORT)"; exit 1; }
done
[ -f target/quarkus-app/quarkus-run.jar ] || { log "target/quarkus-app is missing: run ./mvnw package first"; exit 1; }

# --- Docker engine ----------------------------------------------------------------------------------------------
if ! "$DOCKER" info >/dev/null 2>&1; then
    log "starting dockerd"
    dockerd >"$WORK/dockerd.log" 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 120); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 0.5; done
    "$DOCKER" info >/dev/null 2>&1 || { log "dockerd did not start: $(tail -5 "$WORK/dockerd.log")"; exit 1; }
fi

# --- base image, built offline ----------------------------------------------------------------------------------
if ! "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    if [ ! -x "$WORK/rootfs/opt/java/bin/java" ]; then
        rm -rf "$WORK/rootfs"
        mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p; s/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\) .*/\2/p' \
            /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1 || true)
        log "debootstrap bookworm (minbase) from ${mirror:-http://deb.debian.org/debian}"
        debootstrap --variant=minbase bookworm "$WORK/rootfs" "${mirror:-http://deb.debian.org/debian}" \
            >"$WORK/debootstrap.log" 2>&1 || { log "debootstrap failed: $(tail -5 "$WORK/debootstrap.log")"; exit 1; }
        if [ -d "$JAVA_HOME/jmods" ]; then
            log "jlink a JRE from $JAVA_HOME"
            "$JAVA_HOME/bin/jlink" --add-modules ALL-MODULE-PATH --strip-debug --no-man-pages --no-header-files \
                --compress=2 --output "$WORK/rootfs/opt/java"
        else
            log "no jmods in $JAVA_HOME: copying the JDK"
            cp -a "$JAVA_HOME/." "$WORK/rootfs/opt/java"
        fi
        ln -sf /opt/java/bin/java "$WORK/rootfs/usr/bin/java"
        rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb
    fi
    log "importing $BASE_IMAGE"
    tar -C "$WORK/rootfs" -c . | "$DOCKER" import - "$BASE_IMAGE" >/dev/null
fi

# --- the application image, from the project's own Dockerfile ---------------------------------------------------
log "building $APP_IMAGE from src/main/docker/Dockerfile.jvm"
DOCKER_BUILDKIT=1 "$DOCKER" build --network host -q -f src/main/docker/Dockerfile.jvm \
    --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$APP_IMAGE" . >/dev/null
healthcheck_config=$("$DOCKER" image inspect -f '{{json .Config.Healthcheck}}' "$APP_IMAGE")
case "$healthcheck_config" in
    *'"healthcheck","live"'*) pass "image carries the exec-form HEALTHCHECK: $healthcheck_config" ;;
    *) fail "image HEALTHCHECK is not the built-in liveness probe: $healthcheck_config" ;;
esac

# --- PostgreSQL on 127.0.0.1, from the same embedded binaries the tests use -------------------------------------
pg_init "$WORK/pg" "$PG_PORT"
pg_start

# --- run ---------------------------------------------------------------------------------------------------------
status() { "$DOCKER" inspect -f '{{.State.Health.Status}}' "$NAME"; }
# Waits until the health status is $1, at most $2 seconds; prints the seconds it took (one decimal).
wait_status() {
    local want=$1 limit_ms=$(($2 * 1000)) start now
    start=$(date +%s%3N)
    while [ "$(status)" != "$want" ]; do
        now=$(date +%s%3N)
        [ $((now - start)) -le "$limit_ms" ] || { echo "timeout"; return 1; }
        sleep 0.2
    done
    now=$(date +%s%3N)
    printf '%d.%d' $(((now - start) / 1000)) $((((now - start) % 1000) / 100))
}

"$DOCKER" run -d --name "$NAME" --network host \
    -e QUARKUS_HTTP_HOST=127.0.0.1 -e QUARKUS_HTTP_PORT="$HTTP_PORT" \
    -e QUARKUS_MANAGEMENT_HOST=127.0.0.1 -e QUARKUS_MANAGEMENT_PORT="$MGMT_PORT" -e HEALTHCHECK_PORT="$MGMT_PORT" \
    -e QUARKUS_DATASOURCE_JDBC_URL="$(pg_jdbc_url)" \
    -e QUARKUS_DATASOURCE_USERNAME=postgres -e QUARKUS_DATASOURCE_PASSWORD=trust-auth-ignores-it \
    --health-interval=${INTERVAL}s --health-timeout=${TIMEOUT}s --health-retries=$RETRIES --health-start-period=60s \
    "$APP_IMAGE" >/dev/null

first=$(status)
if took=$(wait_status healthy 90); then
    [ "$first" = starting ] && pass "1. starting -> healthy in ${took} s" || fail "1. first state was '$first', not starting"
else
    fail "1. never healthy: $("$DOCKER" logs --tail 20 "$NAME" 2>&1)"
fi

pg_stop
stayed=healthy
for _ in $(seq 1 30); do   # 6 s = 6 health intervals with the database down
    s=$(status)
    [ "$s" = healthy ] || stayed=$s
    sleep 0.2
done
ready_output=$("$DOCKER" exec "$NAME" java -jar /deployments/quarkus-run.jar healthcheck ready) && ready_exit=0 || ready_exit=$?
if [ "$stayed" = healthy ] && [ "$ready_exit" = 1 ]; then
    pass "2. database stopped: container stays healthy; 'healthcheck ready' exits 1: $ready_output"
else
    fail "2. database stopped: state '$stayed', 'healthcheck ready' exit $ready_exit: $ready_output"
fi
pg_start

frozen_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$NAME")
kill -STOP "$frozen_pid"
bound=$((RETRIES * (INTERVAL + TIMEOUT) + 5))
if took=$(wait_status unhealthy "$bound"); then
    pass "3. Java process frozen (SIGSTOP host pid $frozen_pid): unhealthy in ${took} s (bound ${bound} s)"
else
    fail "3. Java process frozen: not unhealthy within ${bound} s (state $(status))"
fi

kill -CONT "$frozen_pid"
frozen_pid=""
if took=$(wait_status healthy 30); then
    pass "4. thawed: healthy again in ${took} s"
else
    fail "4. thawed: still $(status) after 30 s"
fi

health_log=$("$DOCKER" inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}' "$NAME")
if grep -q '^0 HEALTHY HTTP 200 UP' <<<"$health_log" && grep -q '^1 UNHEALTHY' <<<"$health_log"; then
    pass "5. .State.Health.Log holds the probe's one-line output, e.g. '$(grep -m1 '^0 ' <<<"$health_log")'"
else
    fail "5. .State.Health.Log: $health_log"
fi

log "docker e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
