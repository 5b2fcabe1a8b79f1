#!/usr/bin/env bash
# Usage: bench/api-floor.sh
# The API at its database's floor (issue 35; BENCHMARKS.md, "The API at its database's floor"): the packaged service
# against pgbench sending the same statements in the same round-trip shape (bench/floor/*.sql, -M prepared) to the
# same PostgreSQL, in alternating rounds (service, floor, service, floor, ...), with CPU per request from /proc and the
# share of active sessions waiting on a lock (pg_stat_activity, sampled every 0.2 s). Measures:
#   1. POST (fsync on and off, 8 and 32 connections) against the bare INSERT with no lock, and against the same INSERT
#      behind the listing-order lock every submission took before (the floor of that design);
#   2. GET by id, an applicant's first page (with its bounded total) and an officer's cursor page, 32 connections;
#   3. the officer's first page and a cursor page, one connection, at each size of BENCH_SIZES rows (generated with
#      generate_series, 100,000 per transaction, over 1,000 owners);
#   4. POST, 32 connections, for the first 30 s after a start: answers other than 201;
#   5. the fleet: POST through HAProxy to 1 and to 3 instances, alternating, with the lock-wait share.
# BENCH_BEFORE=DIR (a quarkus-app directory of an earlier build, on a database of its own) adds that build's POST and
# GET to rounds 1 and 2. Writes target/bench/api-floor/results.json and bench/api-floor.md. Installs wrk, jq,
# pgbench and haproxy (Debian) if missing; loopback only; every loop bounded; stops only what it started, by pid.
# Environment: BENCH_ROUND (seconds per round, 10), BENCH_ROUNDS (3), BENCH_SIZES ("10000 1000000 5000000").
set -euo pipefail
cd "$(dirname "$0")/.."
source src/test/scripts/postgres.sh
source src/test/scripts/issuer.sh
source src/test/scripts/app.sh
LAB=api-floor LAB_LOG_FD=2

OUT=$(mkdir -p target/bench/api-floor && cd target/bench/api-floor && pwd)
ROUND=${BENCH_ROUND:-10} ROUNDS=${BENCH_ROUNDS:-3} SIZES=${BENCH_SIZES:-10000 1000000 5000000}
BEFORE=${BENCH_BEFORE:-}
HTTP_PORT=22080 MGMT_PORT=22090 PG_PORT=22432 ISSUER_PORT=22095 LB_PORT=22180 # instances 2, 3: ports + 1, + 2
need wrk jq curl psql=postgresql-client pgbench=postgresql-contrib haproxy
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
require_ports_free api-floor "$HTTP_PORT" $((HTTP_PORT + 1)) $((HTTP_PORT + 2)) "$MGMT_PORT" $((MGMT_PORT + 1)) \
    $((MGMT_PORT + 2)) "$PG_PORT" "$ISSUER_PORT" "$LB_PORT" || exit 1

pids=() haproxy_pid=""
cleanup() {
    set +e
    stop_pids TERM "${pids[@]}" "$haproxy_pid"
    pg_stop immediate
    issuer_stop
}
trap cleanup EXIT

sql() { psql -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${DB:-postgres}" -v ON_ERROR_STOP=1 -c "$1"; }
TICK=$(getconf CLK_TCK)
# CPU seconds used so far: cpu_s PID... (the processes' own), pg_cpu_s (every PostgreSQL process, exited ones too).
cpu_s() { local p t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t $TICK" | awk '{printf "%.3f", $1 / $2}'; }
pg_cpu_s() {
    local pm t
    pm=$(head -n 1 "$OUT/pg/data/postmaster.pid")
    t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
    for p in $(ps -o pid= --ppid "$pm"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
    echo "$t $TICK" | awk '{printf "%.3f", $1 / $2}'
}
# Sampled every 0.2 s for the round: active client sessions, and those waiting on a lock (heavyweight or advisory).
sample_locks() {
    local i end=$(($(date +%s) + ROUND))
    for i in $(seq 1 $((ROUND * 5))); do
        [ "$(date +%s)" -lt "$end" ] || break
        sql "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FROM pg_stat_activity WHERE backend_type
            = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()" 2>/dev/null || true
        sleep 0.2
    done >"$OUT/locks.txt"
}

# One round: round NAME KIND CONNECTIONS WHAT...; KIND wrk (WHAT: URL SCRIPT, for the JVMs in $jvms) or pgbench
# (WHAT: SQL FILE and -D settings). Prints {name, rps, jvm_ms, pg_ms, lock_share}: CPU milliseconds per request.
round() {
    local name=$1 kind=$2 conns=$3 jvm0 jvm1 pg0 pg1 rps n lock_share
    shift 3
    # A short warm-up, unmeasured.
    load "$kind" "$conns" 2 "$@" >/dev/null
    sample_locks &
    local sampler=$!
    jvm0=$(cpu_s $jvms) pg0=$(pg_cpu_s)
    read -r rps n <<<"$(load "$kind" "$conns" "$ROUND" "$@")"
    jvm1=$(cpu_s $jvms) pg1=$(pg_cpu_s)
    wait "$sampler" || true
    lock_share=$(awk -F'|' '{l += $1; a += $2} END {printf "%.4f", a ? l / a : 0}' "$OUT/locks.txt")
    jq -nc --arg name "$name" --argjson rps "$rps" --argjson n "$n" --arg kind "$kind" \
        --argjson jvm "$(awk -v a="$jvm0" -v b="$jvm1" -v n="$n" -v k="$kind" 'BEGIN {printf "%.3f", (k == "wrk" && n) ? (b - a) * 1000 / n : 0}')" \
        --argjson pg "$(awk -v a="$pg0" -v b="$pg1" -v n="$n" 'BEGIN {printf "%.3f", n ? (b - a) * 1000 / n : 0}')" \
        --argjson locks "$lock_share" \
        '{name: $name, kind: $kind, rps: $rps, requests: $n, jvm_cpu_ms: $jvm, pg_cpu_ms: $pg, lock_share: $locks}'
}
# load KIND CONNECTIONS SECONDS WHAT...: prints "REQUESTS_PER_SECOND REQUESTS" (2xx only for wrk; an error fails it)
load() {
    local kind=$1 conns=$2 seconds=$3 threads=2 out
    shift 3
    [ "$conns" -ge 2 ] || threads=1
    if [ "$kind" = wrk ]; then
        out=$(wrk -t"$threads" -c"$conns" -d"${seconds}s" -s "$2" "$1" | sed -n 's/^WRK_JSON //p')
        [ "$(jq .non_2xx <<<"$out")" = 0 ] || log "$1: $(jq -c . <<<"$out")"
        jq -r '"\(.rps) \(.requests - .non_2xx)"' <<<"$out"
    else
        out=$(DB=${FLOOR_DB:-postgres} pgbench -n -M prepared -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$conns" \
            -j "$threads" -T "$seconds" -f "$@" "${FLOOR_DB:-postgres}" 2>&1)
        echo "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out") $(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")"
    fi
}
# pairs NAME CONNECTIONS SERVICE_WHAT FLOOR_WHAT...: ROUNDS alternating rounds of the service and of the floor.
results=()
alternate() { # alternate NAME CONNS LABEL:KIND:WHAT ... (WHAT split on '|')
    local name=$1 conns=$2 r spec label kind
    shift 2
    for r in $(seq 1 "$ROUNDS"); do
        for spec in "$@"; do
            IFS=: read -r label kind what <<<"$spec"
            IFS='|' read -r -a args <<<"$what"
            if [ "$label" = before ]; then jvms=$before_pid; else jvms=${app_pids[*]}; fi
            results+=("$(round "$name/$label" "$kind" "$conns" "${args[@]}" | jq -c --argjson r "$r" '. + {round: $r}')")
            log "$(jq -r '"\(.name) round \(.round): \(.rps) req/s, JVM \(.jvm_cpu_ms) ms, PostgreSQL \(.pg_cpu_ms) ms per request, lock waits \(.lock_share * 100)%"' <<<"${results[-1]}")"
        done
    done
}

# --- PostgreSQL, the issuer, the service --------------------------------------------------------------------------
log "PostgreSQL on 127.0.0.1:$PG_PORT"
pg_init "$OUT/pg" "$PG_PORT"
pg_start
sql "ALTER SYSTEM SET shared_buffers = '2GB'" && sql "ALTER SYSTEM SET max_connections = 200"
sql "ALTER SYSTEM SET max_wal_size = '8GB'"
pg_stop && pg_start
set_fsync() { sql "ALTER SYSTEM SET fsync = $1" && sql "SELECT pg_reload_conf()" >/dev/null; }
issuer_start "$ISSUER_PORT" "$OUT/issuer.log"
TOKEN=$(issuer_token alice 7200) OFFICER=$(issuer_token olivia 7200)
OPERATOR_PASSWORD="bench-$RANDOM$RANDOM"
app_pids=()
start_instance() { # start_instance N [DIR DATABASE]: instance N (0, 1, 2) on HTTP_PORT + N; its pid in app_pids or before_pid
    local n=$1 dir=${2:-$PWD/target/quarkus-app} db=${3:-postgres}
    APP_DIR=$dir app_start "$OUT/app$n-$db.log" $((HTTP_PORT + n)) $((MGMT_PORT + n)) @"$PWD/src/main/docker/jvm.args" \
        -XX:MaxRAM=512m -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:$PG_PORT/$db" \
        -Dquarkus.datasource.username=postgres -Dquarkus.datasource.password=trust \
        -Dquarkus.oidc.auth-server-url="$ISSUER_URL" -Dcreditrobot.management.operator-password="$OPERATOR_PASSWORD"
    pids+=("$app_pid")
    wait_until 90 "instance $n ready" http_is 200 "http://127.0.0.1:$((MGMT_PORT + n))/q/health/ready"
}
stop_instance() { stop_pid "$1" TERM; }
start_instance 0
app_pids=("$app_pid")
jvms=$app_pid
API="http://127.0.0.1:$HTTP_PORT"
export BENCH_AUTHORIZATION="Bearer $TOKEN"
BODY='{"applicantName":"Bench Mark","email":"bench@example.com","amount":12000,"termMonths":36,"annualIncome":55000,"monthlyDebt":300}'
# alice's application (the one every GET reads), and her subject as the database stores it (the floor's owner)
ID=$(curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" "$API/api/applications" \
    -d "$BODY" | jq -r .id)
OWNER=$(sql "SELECT owner FROM credit_application WHERE id = '$ID'")

generate() { # generate TOTAL: the table grown to TOTAL rows, 100,000 per transaction, over 1,000 owners
    local have
    have=$(sql "SELECT count(*) FROM credit_application")
    while [ "$have" -lt "$1" ]; do
        sql "INSERT INTO credit_application (id, owner, request_hash, applicant_name, email, amount, term_months,
            annual_income, monthly_debt, decision, score, reasons, monthly_installment, debt_to_income) SELECT
            gen_random_uuid(), 'owner-' || (i % 1000), repeat('0', 64), 'Generated', 'generated@example.com', 12000,
            36, 55000, 300, 'APPROVED', 700, '{}', 376.17, 0.1475 FROM generate_series(1, least(100000, $1 - $have)) i"
        have=$(sql "SELECT count(*) FROM credit_application")
    done
    sql "VACUUM ANALYZE credit_application"
}
cursor_of() { # the officer's first page's nextCursor
    curl -sf -H "Authorization: Bearer $OFFICER" "$API/api/applications?size=20" | jq -r '.nextCursor'
}
generate "${SIZES%% *}"

# --- 1, 2: the service against the floor, alternating ------------------------------------------------------------
before_pid=""
if [ -n "$BEFORE" ]; then
    sql "CREATE DATABASE before"
    start_instance 1 "$BEFORE" before
    before_pid=$app_pid
    DB=before generate "${SIZES%% *}"
    BEFORE_API="http://127.0.0.1:$((HTTP_PORT + 1))"
    BEFORE_ID=$(curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
        "$BEFORE_API/api/applications" -d "$BODY" | jq -r .id)
fi
with_before() { [ -z "$BEFORE" ] || echo "before:wrk:$BEFORE_API$1|$2"; }
POST=bench/wrk/post-application.lua GET=bench/wrk/get.lua
for fsync in on off; do
    set_fsync $fsync
    for c in 32 8; do
        # shellcheck disable=SC2046
        alternate "post-fsync-$fsync-c$c" "$c" "service:wrk:$API/api/applications|$POST" "bare-insert:pgbench:bench/floor/insert.sql" \
            "locked-insert:pgbench:bench/floor/insert-locked.sql" $([ "$fsync$c" != on32 ] || with_before /api/applications "$POST")
    done
done
set_fsync on
# The rounds above stored a few hundred thousand applications: back to the first size, alice's one application kept.
sql "DELETE FROM credit_application WHERE applicant_name = 'Bench Mark' AND id <> '$ID'"
generate "${SIZES%% *}"
reads() { # reads LABEL: GET by id, alice's first page, an officer's cursor page; service against floor, alternating
    local after after_id
    after=$(cursor_of)
    after_id=$(sql "SELECT id FROM credit_application ORDER BY xact DESC, seq DESC LIMIT 1 OFFSET 19")
    # shellcheck disable=SC2046
    alternate "get-c32$1" 32 "service:wrk:$API/api/applications/$ID|$GET" \
        "floor:pgbench:bench/floor/get.sql|-D|id=$ID|-D|owner=$OWNER" $(with_before "/api/applications/$BEFORE_ID" "$GET")
    alternate "first-page-c32$1" 32 "service:wrk:$API/api/applications?size=20|$GET" \
        "floor:pgbench:bench/floor/first-page.sql|-D|owner=$OWNER"
    BENCH_AUTHORIZATION="Bearer $OFFICER" alternate "cursor-page-c32$1" 32 \
        "service:wrk:$API/api/applications?size=20&cursor=$after|$GET" \
        "floor:pgbench:bench/floor/cursor-page.sql|-D|after=$after_id"
}
reads ""
[ -z "$before_pid" ] || { stop_instance "$before_pid"; before_pid="" BEFORE=""; }

# --- 3: listing pages as the table grows ---------------------------------------------------------------------------
sizes=()
for size in $SIZES; do
    generate "$size"
    AFTER=$(cursor_of)
    first=$(BENCH_AUTHORIZATION="Bearer $OFFICER" wrk -t1 -c1 -d"${ROUND}s" -s "$GET" "$API/api/applications?size=20" | sed -n 's/^WRK_JSON //p')
    next=$(BENCH_AUTHORIZATION="Bearer $OFFICER" wrk -t1 -c1 -d"${ROUND}s" -s "$GET" "$API/api/applications?size=20&cursor=$AFTER" | sed -n 's/^WRK_JSON //p')
    own=$(wrk -t1 -c1 -d"${ROUND}s" -s "$GET" "$API/api/applications?size=20" | sed -n 's/^WRK_JSON //p')
    sizes+=("$(jq -nc --argjson rows "$(sql "SELECT count(*) FROM credit_application")" --argjson f "$first" \
        --argjson n "$next" --argjson o "$own" '{rows: $rows, officer_first_page: $f, officer_cursor_page: $n, applicant_first_page: $o}')")
    log "$(jq -r '"\(.rows) rows: officer first page p50 \(.officer_first_page.p50_ms) ms, cursor page \(.officer_cursor_page.p50_ms) ms, applicant first page \(.applicant_first_page.p50_ms) ms"' <<<"${sizes[-1]}")"
done

reads "-$(sql "SELECT count(*) FROM credit_application")-rows"

# --- 4: the first 30 s after a start, under 32 connections of POST --------------------------------------------------
stop_instance "${app_pids[0]}"
start_instance 0
app_pids=("$app_pid") jvms=$app_pid
restart=$(wrk -t2 -c32 -d30s -s "$POST" "$API/api/applications" | sed -n 's/^WRK_JSON //p')
log "first 30 s after a start: $(jq -c . <<<"$restart")"

# --- 5: the fleet, 1 and 3 instances behind HAProxy ----------------------------------------------------------------
start_instance 1 && app_pids+=("$app_pid")
start_instance 2 && app_pids+=("$app_pid")
haproxy_cfg() { # haproxy_cfg N: round robin over the first N instances
    local n
    printf 'global\n  maxconn 1000\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n'
    printf 'frontend api\n  bind 127.0.0.1:%d\n  default_backend apps\nbackend apps\n  balance roundrobin\n' "$LB_PORT"
    for n in $(seq 0 $(($1 - 1))); do printf '  server app%d 127.0.0.1:%d\n' "$n" $((HTTP_PORT + n)); done
}
fleet() { # fleet N: HAProxy in front of N instances, for one round
    stop_pid "$haproxy_pid"
    haproxy_cfg "$1" >"$OUT/haproxy-$1.cfg"
    haproxy -f "$OUT/haproxy-$1.cfg" -db >>"$OUT/haproxy.log" 2>&1 &
    haproxy_pid=$!
    wait_until 10 "HAProxy on $LB_PORT" http_is 401 "http://127.0.0.1:$LB_PORT/api/applications"
}
for r in $(seq 1 "$ROUNDS"); do
    for n in 1 3; do
        fleet "$n"
        jvms=${app_pids[*]:0:$n}
        results+=("$(round "fleet-post-c32/$n-instances" wrk 32 "http://127.0.0.1:$LB_PORT/api/applications" "$POST" | jq -c --argjson r "$r" '. + {round: $r}')")
        log "$(jq -r '"\(.name) round \(.round): \(.rps) req/s, lock waits \(.lock_share * 100)%"' <<<"${results[-1]}")"
    done
done

# --- results -------------------------------------------------------------------------------------------------------
printf '%s\n' "${results[@]}" >"$OUT/rounds.jsonl"
jq -n --slurpfile rounds "$OUT/rounds.jsonl" --argjson sizes "$(printf '%s\n' "${sizes[@]}" | jq -s .)" \
    --argjson restart "$restart" --arg date "$(date -u +%FT%TZ)" --arg nproc "$(nproc)" \
    --arg cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" --arg pg "$(sql 'SHOW server_version')" \
    --arg java "$(java -version 2>&1 | head -n 1)" --argjson round "$ROUND" '
    def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    ($rounds | group_by(.name) | map({key: .[0].name, value: {rps: (map(.rps) | median),
        jvm_cpu_ms: (map(.jvm_cpu_ms) | median), pg_cpu_ms: (map(.pg_cpu_ms) | median),
        lock_share: (map(.lock_share) | median), rounds: map(.rps)}}) | from_entries) as $m
    | {date: $date, machine: {cpu: $cpu, nproc: ($nproc | tonumber), java: $java, postgresql: $pg},
       round_seconds: $round, medians: $m, sizes: $sizes, restart_first_30s: $restart}' >"$OUT/results.json"
{
    echo "# bench/api-floor.sh, $(jq -r .date "$OUT/results.json")"
    echo
    echo "$(jq -r '.machine | "\(.nproc) cores (\(.cpu)), \(.java), PostgreSQL \(.postgresql)"' "$OUT/results.json"); rounds of $ROUND s, median of $ROUNDS."
    echo
    echo "| measured | req/s | ÷ floor | JVM CPU ms/req | PostgreSQL CPU ms/req | lock waits |"
    echo "|---|---|---|---|---|---|"
    jq -r '.medians as $m | $m | to_entries[] | .key as $k | ($k | split("/")) as [$g, $who]
        | (if ($g | startswith("post")) then "bare-insert" elif ($g | startswith("fleet")) then null else "floor" end) as $f
        | (if $f != null and $who != $f and ($m["\($g)/\($f)"].rps // 0) > 0 then ((.value.rps / $m["\($g)/\($f)"].rps) * 100 | round / 100 | tostring) else "—" end) as $ratio
        | "| \($k) | \(.value.rps | round) | \($ratio) | \(.value.jvm_cpu_ms) | \(.value.pg_cpu_ms) | \(.value.lock_share * 1000 | round / 10) % |"' "$OUT/results.json"
    jq -r '.medians | "\nThe fleet (POST through HAProxy, 32 connections): 3 instances ÷ 1 = \(((.["fleet-post-c32/3-instances"].rps / .["fleet-post-c32/1-instances"].rps) * 100 | round) / 100) (lock waits \(.["fleet-post-c32/3-instances"].lock_share * 1000 | round / 10) % of active sessions with 3)."' "$OUT/results.json"
    echo
    echo "| rows | officer's first page p50 | officer's cursor page p50 | applicant's first page p50 |"
    echo "|---|---|---|---|"
    jq -r '.sizes[] | "| \(.rows) | \(.officer_first_page.p50_ms) ms | \(.officer_cursor_page.p50_ms) ms | \(.applicant_first_page.p50_ms) ms |"' "$OUT/results.json"
    echo
    jq -r '.restart_first_30s | "First 30 s after a start, 32 connections of POST: \(.requests) requests, \(.rps) req/s, \(.non_2xx) not 2xx, \(.errors) errors (p99 \(.p99_ms) ms, max \(.max_ms) ms)."' "$OUT/results.json"
} >bench/api-floor.md
cat bench/api-floor.md
