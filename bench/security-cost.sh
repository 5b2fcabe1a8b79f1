#!/usr/bin/env bash
# Usage: bench/security-cost.sh [BASE_COMMIT]
# The cost of access control (BENCHMARKS.md, "Cost of security"): the API's throughput with token validation (this
# checkout's target/quarkus-app, every request carrying an applicant's RS256 bearer token from the dev issuer) against
# the same service without security (BASE_COMMIT, default 6a9337a, the last commit before access control, built here
# into target/bench-security/base). Same JDK, same flags, same fresh PostgreSQL for each, one after the other in one
# run: wrk POST /api/applications and GET /api/applications/{id}, 2 threads, 32 connections, 10 s after a 3 s
# warm-up (BENCH_DURATION to change). Loopback only; fixed ports checked free first; every process ended by pid.
set -euo pipefail
cd "$(dirname "$0")/.."
source src/test/scripts/postgres.sh
source src/test/scripts/issuer.sh
source src/test/scripts/app.sh

BASE=${1:-6a9337a}
OUT=$(mkdir -p target/bench-security && cd target/bench-security && pwd)
DURATION=${BENCH_DURATION:-10}
HTTP_PORT=21180 MGMT_PORT=21190 PG_PORT=21532 ISSUER_PORT=21195
API="http://127.0.0.1:$HTTP_PORT/api/applications"
BODY='{"applicantName":"Bench Mark","email":"bench@example.com","amount":12000,"termMonths":36,"annualIncome":55000,"monthlyDebt":300}'
LAB=security-cost LAB_LOG_FD=2

for tool in wrk jq curl; do command -v "$tool" >/dev/null 2>&1 || { log "needs $tool (bench/run.sh installs it)"; exit 1; }; done
app_built || exit 1
require_ports_free security-cost "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" "$ISSUER_PORT" || exit 1

cleanup() {
    set +e
    app_stop
    pg_stop immediate
    issuer_stop
}
trap cleanup EXIT

if [ ! -f "$OUT/base/target/quarkus-app/quarkus-run.jar" ]; then
    log "building $BASE (no security) into $OUT/base"
    rm -rf "$OUT/base"
    mkdir -p "$OUT/base"
    git archive "$BASE" | tar -x -C "$OUT/base"
    (cd "$OUT/base" && ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.aot.enabled=false) >"$OUT/base-build.log" 2>&1 \
        || { log "build of $BASE failed: $(tail -5 "$OUT/base-build.log")"; exit 1; }
fi

issuer_start "$ISSUER_PORT" "$OUT/issuer.log"
TOKEN=$(issuer_token alice 3600)

# measure NAME DIR [AUTHORIZATION]: the jar in DIR on a fresh database; prints one JSON object.
measure() {
    local name=$1 dir=$2 auth=${3:-} id post get
    pg_init "$OUT/pg" "$PG_PORT"
    pg_start
    APP_DIR=$dir app_start "$OUT/app-$name.log" "$HTTP_PORT" "$MGMT_PORT" -XX:MaxRAM=512m "${PG_APP_OPTS[@]}" \
        -Dquarkus.oidc.auth-server-url="$ISSUER_URL" -Dcreditrobot.management.operator-password="bench-$RANDOM"
    wait_until 60 "$name ready" http_is 200 "http://127.0.0.1:$MGMT_PORT/q/health/ready" || exit 1
    if [ -n "$auth" ]; then export BENCH_AUTHORIZATION=$auth; else unset BENCH_AUTHORIZATION; fi
    wrk -t2 -c32 -d3s -s bench/wrk/post-application.lua "$API" >/dev/null
    post=$(wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/wrk/post-application.lua "$API" | sed -n 's/^WRK_JSON //p')
    id=$(curl -s -X POST -H 'Content-Type: application/json' ${auth:+-H "Authorization: $auth"} "$API" -d "$BODY" | jq -r .id)
    wrk -t2 -c32 -d3s -s bench/wrk/get.lua "$API/$id" >/dev/null
    get=$(wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/wrk/get.lua "$API/$id" | sed -n 's/^WRK_JSON //p')
    app_stop
    pg_stop
    jq -n --arg name "$name" --argjson post "$post" --argjson get "$get" '{name: $name, post: $post, get: $get}'
}

log "without security ($BASE)"
off=$(measure without "$OUT/base/target/quarkus-app")
log "with token validation ($(git rev-parse --short HEAD))"
on=$(measure with "$PWD/target/quarkus-app" "Bearer $TOKEN")
jq -n --argjson off "$off" --argjson on "$on" --arg base "$BASE" --arg head "$(git rev-parse --short HEAD)" \
    --arg machine "$(nproc) cores, $(java -version 2>&1 | head -n 1)" --arg at "$(date -u +%FT%TZ)" \
    '{base: $base, head: $head, machine: $machine, at: $at, without: $off, with: $on,
      post_ratio: ($on.post.rps / $off.post.rps), get_ratio: ($on.get.rps / $off.get.rps)}' | tee "$OUT/results.json"
