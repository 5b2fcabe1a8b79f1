#!/usr/bin/env bash
# Usage: src/test/docker/compose-e2e.sh
#
# The Compose stack of src/main/docker/compose.yml end to end, offline, with Debian's docker-compose (1.29.2) and
# locally built images: CreditRobot from src/main/docker/Dockerfile.jvm and a PostgreSQL image from the same
# offline base plus Debian's postgresql package (src/test/docker/postgres). The API is bound to 127.0.0.1 here
# (CREDITROBOT_HTTP_HOST), like every other listener. Asserts:
#   1. up -> both services healthy in `docker-compose ps`;
#   2. database stopped -> CreditRobot stays healthy (liveness) while `healthcheck ready` exits 1;
#   3. database started -> `healthcheck ready` exits 0 again (same container, no restart);
#   4. an application submitted through the API with an access token is stored (the dev issuer on the host:
#      src/test/scripts/issuer.sh), and a request without one is refused 401; the container's log passes the
#      suite's log audit (no e-mail address, token or password: LogAudit);
#   5. down -v leaves no container, volume or network of the project behind.
# Credentials come from an env file written here (never committed; .env.example is the template). Needs root
# (installs docker.io, docker-compose and debootstrap if missing; starts dockerd if none runs). Expects the packaged
# application in target/quarkus-app. Leaves nothing behind but target/compose-e2e (and the base's cached root
# file system in target/docker-base). Inside a Docker session (CI: docker_session_open in src/test/scripts/docker.sh)
# it reuses the session's engine and images, which the session removes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source src/test/scripts/postgres.sh
source src/test/scripts/docker.sh
source src/test/scripts/issuer.sh

WORK=target/compose-e2e
PROJECT=creditrobot-e2e-compose
BASE_IMAGE=$E2E_BASE_IMAGE
APP_IMAGE=$E2E_APP_IMAGE
PG_IMAGE=$E2E_PG_IMAGE
HTTP_PORT=${E2E_COMPOSE_HTTP_PORT:-18180}
MGMT_PORT=${E2E_COMPOSE_MANAGEMENT_PORT:-19100}
PG_PORT=${E2E_COMPOSE_PG_PORT:-15532}
ISSUER_PORT=${E2E_COMPOSE_ISSUER_PORT:-18190}

LAB=compose-e2e

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
docker_tools docker-compose

cat >"$WORK/.env" <<EOF
POSTGRES_PASSWORD=e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
POSTGRES_DB=creditrobot
POSTGRES_USER=creditrobot
POSTGRES_PORT=$PG_PORT
CREDITROBOT_HTTP_HOST=127.0.0.1
CREDITROBOT_HTTP_PORT=$HTTP_PORT
CREDITROBOT_MANAGEMENT_PORT=$MGMT_PORT
CREDITROBOT_OIDC_ISSUER=http://127.0.0.1:$ISSUER_PORT
CREDITROBOT_OPERATOR_PASSWORD=e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
POSTGRES_IMAGE=$PG_IMAGE
CREDITROBOT_IMAGE=$APP_IMAGE
EOF
compose() {
    docker-compose -p "$PROJECT" --env-file "$WORK/.env" -f src/main/docker/compose.yml "$@"
}

cleanup() {
    set +e
    compose down -v --remove-orphans >/dev/null 2>&1
    [ "${DOCKER_E2E_SESSION:-}" = 1 ] || "$DOCKER" rmi -f "$APP_IMAGE" "$PG_IMAGE" "$BASE_IMAGE" >/dev/null 2>&1
    docker_stop
    issuer_stop
}
trap cleanup EXIT
trap 'log "error at line $LINENO: $BASH_COMMAND"' ERR

docker_preflight "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" "$ISSUER_PORT"
issuer_start "$ISSUER_PORT" "$WORK/issuer.log"

# --- images, built offline ---------------------------------------------------------------------------------------
docker_engine "$WORK"
docker_base "$BASE_IMAGE"
log "building $APP_IMAGE and $PG_IMAGE"
docker_app_image "$APP_IMAGE" "$BASE_IMAGE" "$WORK/build-app.log"
docker_pg_image "$PG_IMAGE" "$BASE_IMAGE" "$WORK/build-postgres.log"

# --- the scenario -----------------------------------------------------------------------------------------------
health() { docker_health "$(compose ps -q "$1")" 2>/dev/null || echo none; }
# Runs the built-in probe in the CreditRobot container: `healthcheck ready`; prints its line, returns its exit.
probe_ready() { compose exec -T creditrobot java -jar /deployments/quarkus-run.jar healthcheck ready --timeout=2s; }
both_healthy() { [ "$(health postgres)" = healthy ] && [ "$(health creditrobot)" = healthy ]; }
not_ready() { ! probe_ready; }

compose up -d >"$WORK/up.log" 2>&1 || { log "up failed: $(tail -10 "$WORK/up.log")"; exit 1; }
if took=$(time_until 120 both_healthy); then
    ps_out=$(compose ps)
    if [ "$(grep -c '(healthy)' <<<"$ps_out")" = 2 ]; then
        pass "1. up: both services 'Up (healthy)' in docker-compose ps, ${took} s after up"
    else
        fail "1. docker-compose ps does not show both healthy: $ps_out"
    fi
else
    fail "1. not both healthy in 120 s: postgres $(health postgres), creditrobot $(health creditrobot); $(compose logs --tail 15 2>&1)"
fi
ready_before=$(probe_ready 2>&1) || true
log "readiness with the database up: $ready_before"

compose stop postgres >/dev/null 2>&1
if took=$(time_until 15 not_ready); then
    # 12 s: more than one 10 s HEALTHCHECK interval of the image, timed by the clock (a `docker-compose` call
    # takes about half a second, so the container is looked up once).
    stayed=$(docker_stays_healthy "$(compose ps -q creditrobot)" 12) && stayed=healthy
    ready_down=$(probe_ready 2>&1) && ready_exit=0 || ready_exit=$?
    if [ "$stayed" = healthy ] && [ "$ready_exit" = 1 ]; then
        pass "2. database stopped: readiness DOWN after ${took} s, the container stays healthy; 'healthcheck ready' exits 1: $ready_down"
    else
        fail "2. database stopped: creditrobot '$stayed', 'healthcheck ready' exit $ready_exit: $ready_down"
    fi
else
    fail "2. database stopped: readiness still 200 after 15 s"
fi

restarts_before=$("$DOCKER" inspect -f '{{.RestartCount}} {{.State.StartedAt}}' "$(compose ps -q creditrobot)")
compose start postgres >/dev/null 2>&1
if took=$(time_until 60 probe_ready); then
    restarts_after=$("$DOCKER" inspect -f '{{.RestartCount}} {{.State.StartedAt}}' "$(compose ps -q creditrobot)")
    if [ "$restarts_before" = "$restarts_after" ]; then
        pass "3. database started: ready again in ${took} s, same container: $(probe_ready 2>&1)"
    else
        fail "3. CreditRobot was restarted: $restarts_before -> $restarts_after"
    fi
else
    fail "3. database started: not ready within 60 s: $(probe_ready 2>&1)"
fi

token=$(issuer_token alice)
anonymous=$(http_status "http://127.0.0.1:$HTTP_PORT/api/applications")
created=$(curl -s -m 10 -o "$WORK/created.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" \
    -H "Idempotency-Key: compose-e2e-$(date +%s%N)" "http://127.0.0.1:$HTTP_PORT/api/applications" \
    -d '{"applicantName":"Compose Check","email":"compose@example.com","amount":5000,"termMonths":24,"annualIncome":80000,"monthlyDebt":0}' \
    || true)
id=$(sed -n 's/.*"id" *: *"\{0,1\}\([^",}]*\).*/\1/p' "$WORK/created.json" 2>/dev/null | head -n 1)
fetched=$(http_status -H "Authorization: Bearer $token" "http://127.0.0.1:$HTTP_PORT/api/applications/$id")
if [ "$created" = 201 ] && [ "$fetched" = 200 ] && [ "$anonymous" = 401 ]; then
    pass "4. POST /api/applications 201 with a token, GET it back 200 (id $id); without a token 401"
else
    fail "4. POST answered $created, GET $fetched, no token $anonymous: $(head -c 300 "$WORK/created.json" 2>/dev/null)"
fi

# The CreditRobot container's whole log (start, outage, recovery, the API call) passes the suite's log audit.
compose logs --no-color creditrobot >"$WORK/container.log" 2>&1
if audit=$(java -cp target/test-classes io.creditrobot.testsupport.LogAudit "$WORK/container.log"); then
    pass "4b. $audit"
else
    fail "4b. $(tr '\n' ' ' <<<"$audit")"
fi

compose down -v >"$WORK/down.log" 2>&1
left=$( { "$DOCKER" ps -aq --filter "label=com.docker.compose.project=$PROJECT"
          "$DOCKER" volume ls -q --filter "label=com.docker.compose.project=$PROJECT"
          "$DOCKER" network ls -q --filter "label=com.docker.compose.project=$PROJECT"; } | wc -l)
if [ "$left" = 0 ]; then
    pass "5. down -v: no container, volume or network of project $PROJECT left"
else
    fail "5. down -v left $left objects of project $PROJECT"
fi

lab_result
