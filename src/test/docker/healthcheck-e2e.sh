#!/usr/bin/env bash
# Usage: src/test/docker/healthcheck-e2e.sh
#
# The JVM image's HEALTHCHECK on a real Docker engine, end to end. Builds the image from the project's own
# src/main/docker/Dockerfile.jvm (base image substituted by one built offline: debootstrap + the JDK that built the
# application, $JAVA_HOME or the default java), runs it with --network host against a PostgreSQL on 127.0.0.1, and
# asserts the start-up archives and Docker's own health state:
#   0. the image's JVM options name every start-up archive the build made (the image build tried each strictly);
#   1. starting -> healthy;
#   2. database stopped -> stays healthy (liveness ignores the database) while `healthcheck ready` exits 1 with the
#      check and its reason in its one line (`database: unreachable`);
#   3. the Java process frozen (SIGSTOP to its host pid) -> unhealthy, and `docker inspect`'s last probe line says
#      why (no answer within the probe's timeout);
#   4. thawed -> healthy again;
#   5. .State.Health.Log holds the probe's one-line output, and the container's log passes the suite's log audit
#      (no e-mail address, token or test password: LogAudit);
#   6. the JVM's own log (-Xlog:aot or -Xlog:cds) says the service's archive is in use.
# Needs root (installs docker.io and debootstrap if missing, starts dockerd if none runs). Expects the packaged
# application in target/quarkus-app (./mvnw package). Leaves nothing behind but target/docker-e2e (and the base's
# cached root file system in target/docker-base). Inside a Docker session (CI: docker_session_open in
# src/test/scripts/docker.sh) it reuses the session's engine and images, which the session removes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source src/test/scripts/postgres.sh
source src/test/scripts/docker.sh

WORK=target/docker-e2e
NAME=creditrobot-e2e
BASE_IMAGE=$E2E_BASE_IMAGE
APP_IMAGE=$E2E_APP_IMAGE
HTTP_PORT=${E2E_HTTP_PORT:-18080}
MGMT_PORT=${E2E_MANAGEMENT_PORT:-19000}
# The API's token issuer (docs/security.md). None runs here: health never depends on it, and the container is
# healthy without one (nothing listens on the discard port).
NO_ISSUER=http://127.0.0.1:9/realms/none
# The management port's operator (docs/security.md); the probe needs none (it reads the public probe paths).
OPERATOR_PASSWORD="e2e-$RANDOM$RANDOM"
PG_PORT=${E2E_PG_PORT:-15432}
# Short timings for the test; the Dockerfile keeps its production values.
INTERVAL=1 TIMEOUT=3 RETRIES=3

frozen_pid=""
LAB=docker-e2e

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# --- tools ------------------------------------------------------------------------------------------------------
docker_tools

cleanup() {
    set +e
    [ -n "$frozen_pid" ] && kill -CONT "$frozen_pid" 2>/dev/null
    pg_stop immediate
    docker_cleanup "$NAME" "$APP_IMAGE" "$BASE_IMAGE"
}
trap cleanup EXIT
trap 'log "error at line $LINENO: $BASH_COMMAND"' ERR

docker_preflight "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT"

# --- Docker engine and the base image, built offline --------------------------------------------------------------
docker_engine "$WORK"
docker_base "$BASE_IMAGE"

# --- the application image, from the project's own Dockerfile ---------------------------------------------------
log "building $APP_IMAGE from src/main/docker/Dockerfile.jvm"
docker_app_image "$APP_IMAGE" "$BASE_IMAGE" "$WORK/build.log"
# Which start-up archives the build made, and which JVM log tag reports them (JDK 25: aot; older: cds).
archives=$(cd target/quarkus-app && ls app.aot app-cds.jsa probe.aot probe.jsa 2>/dev/null | tr '\n' ' ' || true)
app_archive=$(cd target/quarkus-app && ls app.aot app-cds.jsa 2>/dev/null | head -n 1 || true)
log_tag=cds
"$JAVA_HOME/bin/java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCache ' && log_tag=aot
image_args=$("$DOCKER" run --rm --entrypoint cat "$APP_IMAGE" /deployments/jvm.args /deployments/probe.args \
    | grep -E -e '-XX:(AOTCache|SharedArchiveFile)=' | tr '\n' ' ' || true)
if [ -n "$app_archive" ] && [ "$(wc -w <<<"$image_args")" = "$(wc -w <<<"$archives")" ]; then
    pass "0. the image uses every archive the build made ($archives): $image_args"
else
    fail "0. archives built: '${archives:-none}'; used by the image: '${image_args:-none}'"
fi
healthcheck_config=$("$DOCKER" image inspect -f '{{json .Config.Healthcheck}}' "$APP_IMAGE")
case "$healthcheck_config" in
    *'"healthcheck","live"'*) pass "image carries the exec-form HEALTHCHECK: $healthcheck_config" ;;
    *) fail "image HEALTHCHECK is not the built-in liveness probe: $healthcheck_config" ;;
esac

# --- PostgreSQL on 127.0.0.1, from the same embedded binaries the tests use -------------------------------------
pg_init "$WORK/pg" "$PG_PORT"
pg_start
docker_app_env "$HTTP_PORT" "$MGMT_PORT" "$(pg_jdbc_url)" "$NO_ISSUER" "$OPERATOR_PASSWORD"

# --- run ---------------------------------------------------------------------------------------------------------
status() { docker_health "$NAME"; }
wait_status() { docker_wait_health "$NAME" "$@"; }

docker_run_checked "$NAME" "$APP_IMAGE" "$INTERVAL" "$TIMEOUT" "$RETRIES"
if outcome=$(docker_starts_healthy "$NAME" 90); then pass "1. $outcome"; else fail "1. $outcome"; fi

pg_stop
stayed=$(docker_stays_healthy "$NAME" 6) && stayed=healthy   # 6 s = 6 health intervals with the database down
ready_output=$("$DOCKER" exec "$NAME" java -jar /deployments/quarkus-run.jar healthcheck ready) && ready_exit=0 || ready_exit=$?
if [ "$stayed" = healthy ] && [ "$ready_exit" = 1 ] && grep -q 'database: unreachable' <<<"$ready_output"; then
    pass "2. database stopped: container stays healthy; 'healthcheck ready' exits 1 and says why: $ready_output"
else
    fail "2. database stopped: state '$stayed', 'healthcheck ready' exit $ready_exit: $ready_output"
fi
pg_start

frozen_pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$NAME")
# Pid 0 means the container is not running: `kill -STOP 0` would stop this script's own process group.
[ "${frozen_pid:-0}" -gt 0 ] || { log "the container is not running: $("$DOCKER" logs --tail 20 "$NAME" 2>&1)"; exit 1; }
kill -STOP "$frozen_pid"
bound=$((RETRIES * (INTERVAL + TIMEOUT) + 5))
if took=$(wait_status unhealthy "$bound"); then
    # Why, where an operator looks: the last probe line in `docker inspect` names the probe's own timeout.
    last=$("$DOCKER" inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}' "$NAME" \
        | grep -v '^$' | tail -n 1)
    if grep -Eq '^1 UNHEALTHY .*no answer within [0-9]+ ms' <<<"$last"; then
        pass "3. Java process frozen (SIGSTOP host pid $frozen_pid): unhealthy in ${took} s (bound ${bound} s); docker inspect says: $last"
    else
        fail "3. Java process frozen: unhealthy, but the last probe line does not say why: '$last'"
    fi
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

# The first container's whole log (its start, a stopped database, a freeze) passes the suite's log audit.
"$DOCKER" logs "$NAME" >"$WORK/container.log" 2>&1
if audit=$(java -cp target/test-classes io.creditrobot.testsupport.LogAudit "$WORK/container.log"); then
    pass "5b. $audit"
else
    fail "5b. $(tr '\n' ' ' <<<"$audit")"
fi

# 6. The service's JVM maps its start-up archive: the JVM's own log says so. A second container (the first one's
# HEALTHCHECK would pick up JDK_JAVA_OPTIONS too), with the image's entrypoint and options, on the same ports.
"$DOCKER" rm -f "$NAME" >/dev/null
"$DOCKER" run -d --name "$NAME" --network host --no-healthcheck -e JDK_JAVA_OPTIONS="-Xlog:$log_tag=info" \
    "${APP_ENV[@]}" \
    "$APP_IMAGE" >/dev/null
for _ in $(seq 1 300); do
    "$DOCKER" logs "$NAME" 2>&1 | grep -q 'started in' && break
    sleep 0.2
done
jvm_log=$("$DOCKER" logs "$NAME" 2>&1)
opened=$(grep -m1 -E "Opened (AOT cache|archive|shared archive) /deployments/$app_archive" <<<"$jvm_log" || true)
if [ -n "$opened" ] && grep -q 'started in' <<<"$jvm_log" && ! grep -q -i 'unable to use' <<<"$jvm_log"; then
    pass "6. the service's JVM uses its archive: '$(sed 's/^\[[^]]*\]//' <<<"$opened")'; $(grep -o 'started in [0-9.]*s' <<<"$jvm_log")"
else
    fail "6. no '$app_archive' opened in the JVM log: $(grep -E "\[$log_tag" <<<"$jvm_log" | head -5)"
fi

lab_result
