#!/usr/bin/env bash
# Usage: bench/security-cost.sh
# The cost of access control (BENCHMARKS.md, "Cost of security"): the API's throughput with token validation against
# the same build without security, one after the other in one run, same JDK, same flags, a fresh PostgreSQL each:
#   without   this checkout's HEAD with security taken out of the resource (bench/security-off.sh: every @RolesAllowed
#             made @PermitAll, the caller fixed to an officer), built here into target/bench-security/off-<commit>;
#   with      target/quarkus-app, every request carrying an applicant's RS256 bearer token from the dev issuer, a
#             verified token reused for creditrobot.security.verified-tokens.reuse-for (the default, 10 s);
#   verify-each  the same with reuse-for=0s: quarkus-oidc verifies the signature on every request.
# wrk POST /api/applications and GET /api/applications/{id}, 2 threads, 32 connections, 10 s after a 3 s warm-up
# (BENCH_DURATION to change). Loopback only; fixed ports checked free first; every process ended by pid.
set -euo pipefail
cd "$(dirname "$0")/.."
source src/test/scripts/postgres.sh
source src/test/scripts/issuer.sh
source src/test/scripts/app.sh

HEAD_COMMIT=$(git rev-parse --short HEAD)
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

OFF="$OUT/off-$HEAD_COMMIT"
if [ ! -f "$OFF/target/quarkus-app/quarkus-run.jar" ]; then
    log "building $HEAD_COMMIT without security into $OFF"
    rm -rf "$OFF"
    mkdir -p "$OFF"
    git archive HEAD | tar -x -C "$OFF"
    bench/security-off.sh "$OFF" || exit 1
    (cd "$OFF" && ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.aot.enabled=false) >"$OUT/off-build.log" 2>&1 \
        || { log "build of $HEAD_COMMIT without security failed: $(tail -5 "$OUT/off-build.log")"; exit 1; }
fi

issuer_start "$ISSUER_PORT" "$OUT/issuer.log"
TOKEN=$(issuer_token alice 3600)

# measure NAME DIR AUTHORIZATION [OPTION...]: the jar in DIR on a fresh database; prints one JSON object.
measure() {
    local name=$1 dir=$2 auth=$3 id post get
    shift 3
    pg_init "$OUT/pg" "$PG_PORT"
    pg_start
    APP_DIR=$dir app_start "$OUT/app-$name.log" "$HTTP_PORT" "$MGMT_PORT" -XX:MaxRAM=512m "${PG_APP_OPTS[@]}" \
        -Dquarkus.oidc.auth-server-url="$ISSUER_URL" -Dcreditrobot.management.operator-password="bench-$RANDOM" "$@"
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

log "without security ($HEAD_COMMIT, bench/security-off.sh)"
off=$(measure without "$OFF/target/quarkus-app" "")
log "with token validation, verified tokens reused ($HEAD_COMMIT)"
on=$(measure with "$PWD/target/quarkus-app" "Bearer $TOKEN")
log "with token validation, every request verified ($HEAD_COMMIT, reuse-for=0s)"
each=$(measure verify-each "$PWD/target/quarkus-app" "Bearer $TOKEN" -Dcreditrobot.security.verified-tokens.reuse-for=0s)
jq -n --argjson off "$off" --argjson on "$on" --argjson each "$each" --arg head "$HEAD_COMMIT" \
    --arg machine "$(nproc) cores, $(java -version 2>&1 | head -n 1)" --arg at "$(date -u +%FT%TZ)" \
    '{head: $head, machine: $machine, at: $at, without: $off, with: $on, verify_each: $each,
      post_ratio: ($on.post.rps / $off.post.rps), get_ratio: ($on.get.rps / $off.get.rps),
      verify_each_post_ratio: ($each.post.rps / $off.post.rps), verify_each_get_ratio: ($each.get.rps / $off.get.rps)}' \
    | tee "$OUT/results.json"
