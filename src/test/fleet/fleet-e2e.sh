#!/usr/bin/env bash
# Usage: src/test/fleet/fleet-e2e.sh
#
# CreditRobot as users run it: three instances of the packaged jar behind HAProxy (routing by readiness), on a
# 3-member Patroni cluster of PostgreSQL 15 with etcd, synchronous_mode on; all on 127.0.0.1. Under a client load
# that retries as a well-behaved client does (FleetClient.java), it runs four scenarios and checks their bounds:
#   0. (at start) the three instances migrate one new database at once: Flyway logs no ERROR;
#   1. rolling restart of the instances: zero failed requests, zero non-2xx answers;
#   2. planned switchover (patronictl) and unplanned failover (the primary node's Patroni and PostgreSQL SIGKILLed):
#      readiness DOWN while no primary accepts writes, ready within 5 s of the new primary (Patroni's view), clients
#      see only 201/200 and 503 with Retry-After, every acknowledged application is on the new primary, no
#      Idempotency-Key has two rows; an officer's cursor walk begun before the failover and ended after it (pages
#      from any instance) shows every application at or below its start exactly once;
#   3. one instance frozen (SIGSTOP): HAProxy takes it out (DOWN) within fall x (interval + check timeout); only
#      requests in flight to it fail before their retry; back in after SIGCONT;
#   4. the synchronous standby lost (SIGKILL): no instance leaves rotation, writes continue; the stall is measured.
# Prints a timeline per scenario, writes target/fleet/results.json, exits non-zero when a bound is missed.
# Needs root: installs patroni, etcd-server, haproxy, postgresql-15, jq (Debian) if missing and runs PostgreSQL and
# Patroni as the postgres user. Expects the packaged jar (builds it if missing). Stops everything it started, by pid.
set -euo pipefail
cd "$(dirname "$0")/../../.."

OUT=target/fleet
JAR=target/quarkus-app/quarkus-run.jar
PG_BIN=/usr/lib/postgresql/15/bin
ETCD_PORT=23790 ETCD_PEER_PORT=23800
PATRONI_PORT=28000 # + node number (1..3): REST API
PG_PORT=25430      # + node number: PostgreSQL
HTTP_PORT=28080    # + instance number - 1: API
MGMT_PORT=29000    # + instance number - 1: management (health)
LB_PORT=28180 STATS_PORT=28181
ISSUER_PORT=28190  # the dev issuer of the instances' access tokens (src/test/scripts/issuer.sh)
WORKERS=${FLEET_WORKERS:-6}
SUPER_PW="fleet-super-$RANDOM$RANDOM" REPL_PW="fleet-repl-$RANDOM$RANDOM" APP_PW="fleet-app-$RANDOM$RANDOM"
OPERATOR_PW="fleet-operator-$RANDOM$RANDOM"

source src/test/scripts/app.sh
LAB=fleet

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/*.jsonl "$OUT"/*.log "$OUT/results.json"

# --- tools ------------------------------------------------------------------------------------------------------
need patroni etcd=etcd-server haproxy "$PG_BIN/postgres=postgresql-15" psql=postgresql-client-15 jq curl
if [ ! -f "$JAR" ]; then
    log "packaging the application"
    ./mvnw -B -q package -DskipTests
fi

source src/test/scripts/issuer.sh
require_ports_free fleet "$ETCD_PORT" "$ETCD_PEER_PORT" "$LB_PORT" "$STATS_PORT" "$ISSUER_PORT" \
    $(for n in 1 2 3; do echo $((PATRONI_PORT + n)) $((PG_PORT + n)) $((HTTP_PORT + n - 1)) $((MGMT_PORT + n - 1)); done)

WORK=$(mktemp -d /tmp/creditrobot-fleet.XXXXXX)
chown postgres:postgres "$WORK"
chmod 700 "$WORK"

etcd_pid="" haproxy_pid="" watcher_pid="" client_pid="" frozen_pid=""
declare -A patroni_pid=() instance_pid=()

# The postmaster of node $1, from its pid file (empty when it is not running).
postmaster_of() { head -n 1 "$WORK/node$1/postmaster.pid" 2>/dev/null || true; }


cleanup() {
    set +e
    [ -n "$frozen_pid" ] && kill -CONT "$frozen_pid" 2>/dev/null
    touch "$WORK/stop-watch"
    stop_pid "$client_pid" KILL
    stop_pid "$watcher_pid"
    stop_pid "$haproxy_pid"
    stop_pids TERM "${instance_pid[@]}"
    stop_pids TERM "${patroni_pid[@]}"
    stop_pids QUIT "$(postmaster_of 1)" "$(postmaster_of 2)" "$(postmaster_of 3)"
    stop_pid "$etcd_pid"
    issuer_stop
    for f in "$WORK"/patroni*.log "$WORK"/etcd.log "$WORK"/haproxy.log; do [ -f "$f" ] && cp "$f" "$OUT/"; done
    rm -rf "$WORK"
}
trap cleanup EXIT


http_ok() { http_is 200 -m 1 "$1"; }

# --- etcd -------------------------------------------------------------------------------------------------------
log "etcd on 127.0.0.1:$ETCD_PORT"
etcd --name fleet --data-dir "$WORK/etcd" --log-level warn \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "fleet=http://127.0.0.1:$ETCD_PEER_PORT" >"$WORK/etcd.log" 2>&1 &
etcd_pid=$!
wait_until 30 "etcd healthy" http_ok "http://127.0.0.1:$ETCD_PORT/health"

# --- Patroni ----------------------------------------------------------------------------------------------------
# ttl 10 s, loop_wait 1 s, retry_timeout 3 s (loop_wait + 2 x retry_timeout <= ttl): a lost leader is replaced about
# 10 s after its last heartbeat. synchronous_mode: a commit is acknowledged only once a standby has it, and only a
# synchronous standby is promoted, so an acknowledged application survives the loss of the primary.
write_patroni_config() {
    local i=$1
    cat >"$WORK/node$i.yml" <<EOF
scope: creditrobot-fleet
namespace: /fleet/
name: node$i
restapi:
  listen: 127.0.0.1:$((PATRONI_PORT + i))
  connect_address: 127.0.0.1:$((PATRONI_PORT + i))
etcd3:
  host: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 3
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 100
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_log_hints: "on"
  initdb:
    - encoding: UTF8
    - locale: C
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:$((PG_PORT + i))
  connect_address: 127.0.0.1:$((PG_PORT + i))
  data_dir: $WORK/node$i
  bin_dir: $PG_BIN
  pgpass: $WORK/pgpass$i
  authentication:
    superuser:
      username: postgres
      password: $SUPER_PW
    replication:
      username: replicator
      password: $REPL_PW
  parameters:
    unix_socket_directories: '$WORK'
EOF
    chown postgres:postgres "$WORK/node$i.yml"
    chmod 600 "$WORK/node$i.yml"
}

start_patroni() { # PostgreSQL refuses to run as root: Patroni (and so PostgreSQL) runs as postgres
    local i=$1
    runuser -u postgres -- sh -c "echo \$\$ > '$WORK/patroni$i.pid'; exec patroni '$WORK/node$i.yml'" \
        >>"$WORK/patroni$i.log" 2>&1 &
    wait_until 10 "patroni $i pid" test -s "$WORK/patroni$i.pid"
    patroni_pid[$i]=$(cat "$WORK/patroni$i.pid")
}

for i in 1 2 3; do
    write_patroni_config "$i"
    start_patroni "$i"
    [ "$i" = 1 ] && wait_until 90 "node1 leads" http_ok "http://127.0.0.1:$((PATRONI_PORT + 1))/primary"
done
leader() { # the node number Patroni reports as primary, or empty
    for i in 1 2 3; do http_ok "http://127.0.0.1:$((PATRONI_PORT + i))/primary" && { echo "$i"; return; }; done
    true
}
sync_standby() {
    for i in 1 2 3; do http_ok "http://127.0.0.1:$((PATRONI_PORT + i))/sync" && { echo "$i"; return; }; done
    true
}
has_leader() { [ -n "$(leader)" ]; }
has_sync_standby() { [ -n "$(sync_standby)" ]; }
standbys_streaming() {
    http_ok "http://127.0.0.1:$((PATRONI_PORT + 2))/replica" && http_ok "http://127.0.0.1:$((PATRONI_PORT + 3))/replica"
}
wait_until 120 "a synchronous standby" has_sync_standby
wait_until 120 "both standbys streaming" standbys_streaming
log "Patroni cluster up: node1 primary, node2 and node3 standbys (one synchronous)"
psql_on() { # psql_on NODE USER PASSWORD SQL: one value, unaligned
    PGPASSWORD=$3 psql -X -q -t -A -h 127.0.0.1 -p $((PG_PORT + $1)) -U "$2" -d "${PSQL_DB:-postgres}" \
        -v ON_ERROR_STOP=1 -c "$4"
}
sync_names_without() { # sync_names_without NODE: the primary's synchronous_standby_names no longer names node NODE
    local names
    names=$(PGCONNECT_TIMEOUT=2 psql_on "$(leader)" postgres "$SUPER_PW" "SHOW synchronous_standby_names") || return 1
    case "$names" in *"node$1"*) return 1 ;; *) return 0 ;; esac
}
psql_on 1 postgres "$SUPER_PW" "CREATE ROLE creditrobot LOGIN PASSWORD '$APP_PW'"
psql_on 1 postgres "$SUPER_PW" "CREATE DATABASE creditrobot OWNER creditrobot"

# --- three CreditRobot instances --------------------------------------------------------------------------------
# One multi-host URL listing every node: pgjdbc connects only to the one that accepts writes; hostRecheckSeconds=2
# keeps it from trusting a cached "standby" verdict for long after a promotion.
JDBC_URL="jdbc:postgresql://127.0.0.1:$((PG_PORT + 1)),127.0.0.1:$((PG_PORT + 2)),127.0.0.1:$((PG_PORT + 3))"
JDBC_URL="$JDBC_URL/creditrobot?targetServerType=primary&hostRecheckSeconds=2"
APP_JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# Instances start as the image's do: its JVM options (src/main/docker/jvm.args) and the start-up archive the build
# made, when one fits this JVM (archive-option.sh: the image build's strict trial); a 256 MB heap (the image's half
# of 512 Mi). The archives need the jar run from its directory.
APP_DIR=$(cd "$(dirname "$JAR")" && pwd)
ROOT=$PWD
JVM_OPTS=("@$ROOT/src/main/docker/jvm.args" -Xmx256m)
for archive in app.aot app-cds.jsa; do
    [ -f "$APP_DIR/$archive" ] || continue
    option=$(cd "$APP_DIR" && JAVA=$APP_JAVA sh "$ROOT/src/main/docker/archive-option.sh" "$ROOT/src/main/docker/jvm.args" \
        "$archive" quarkus-run.jar 2>/dev/null) && { JVM_OPTS+=("$option"); break; }
done
log "instances' JVM options: ${JVM_OPTS[*]}"
start_app() {
    local n=$1
    QUARKUS_DATASOURCE_JDBC_URL=$JDBC_URL QUARKUS_DATASOURCE_USERNAME=creditrobot QUARKUS_DATASOURCE_PASSWORD=$APP_PW \
        app_start "$OUT/app$n.log" $((HTTP_PORT + n - 1)) $((MGMT_PORT + n - 1)) "${JVM_OPTS[@]}" \
        -Dquarkus.oidc.auth-server-url="$ISSUER_URL" -Dcreditrobot.management.operator-password="$OPERATOR_PW"
    instance_pid[$n]=$app_pid
}
ready_url() { echo "http://127.0.0.1:$((MGMT_PORT + $1 - 1))/q/health/ready"; }
issuer_start "$ISSUER_PORT" "$OUT/issuer.log"
for n in 1 2 3; do start_app "$n"; done
for n in 1 2 3; do wait_until 90 "instance $n ready" http_ok "$(ready_url "$n")"; done
log "three instances ready (pids ${instance_pid[1]} ${instance_pid[2]} ${instance_pid[3]})"
# They started together on an empty database: one migrated while the others waited for Flyway's advisory lock.
flyway_errors() { grep -h '"level":"ERROR"' "$OUT"/app[123].log | grep -c '"loggerName":"org.flywaydb' || true; }
check "three instances migrating one new database at once: Flyway logged no ERROR" [ "$(flyway_errors)" = 0 ]

# --- HAProxy ----------------------------------------------------------------------------------------------------
printf 'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 5\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n{"status":503,"error":"Service Unavailable","message":"No CreditRobot instance is ready; nothing was stored. Retry later."}\n' \
    >"$WORK/503.http"
# HAProxy's health checks; the frozen-instance bound is derived from them.
CHECK_INTER_S=1 CHECK_TIMEOUT_S=1 CHECK_FALL=2
cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 4000
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    # An API request takes milliseconds; one held 8 s is a frozen instance (the client gives up at 5 s and retries).
    timeout server 8s
    # A connection refused (an instance that just stopped listening) is retried once, on another instance.
    retries 1
    option redispatch
    errorfile 503 $WORK/503.http
frontend api
    bind 127.0.0.1:$LB_PORT
    default_backend creditrobot
frontend stats
    bind 127.0.0.1:$STATS_PORT
    stats enable
    stats uri /stats
backend creditrobot
    balance roundrobin
    # Routing follows readiness (management port), never liveness.
    option httpchk GET /q/health/ready
    http-check expect status 200
    # Checked every second with a 1 s timeout; out after 2 failures (at most 2 s after readiness turns DOWN, well
    # inside the instances' 5 s shutdown delay, so a draining instance gets no new request), back after 2 successes.
    timeout check ${CHECK_TIMEOUT_S}s
    default-server inter ${CHECK_INTER_S}s fall $CHECK_FALL rise 2
    server app1 127.0.0.1:$HTTP_PORT check port $MGMT_PORT
    server app2 127.0.0.1:$((HTTP_PORT + 1)) check port $((MGMT_PORT + 1))
    server app3 127.0.0.1:$((HTTP_PORT + 2)) check port $((MGMT_PORT + 2))
EOF
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
haproxy_pid=$!
lb_state() { # lb_state appN: UP, DOWN, MAINT… as HAProxy sees the server
    curl -s --max-time 1 "http://127.0.0.1:$STATS_PORT/stats;csv" | awk -F, -v s="$1" '$1 == "creditrobot" && $2 == s { print $18 }'
}
lb_is() { [ "$(lb_state "$1")" = "$2" ]; }
lb_is_not() { [ "$(lb_state "$1")" != "$2" ]; }
all_up_in_lb() { for n in 1 2 3; do lb_is "app$n" UP || return 1; done; }
all_ready() { for n in 1 2 3; do http_ok "$(ready_url "$n")" || return 1; done; }
wait_until 30 "HAProxy sees three servers UP" all_up_in_lb

# --- the watcher: every state change, with a timestamp ----------------------------------------------------------
watch_states() {
    declare -A last=() sampled=()
    local deadline=$(($(now_ms) + 900 * 1000)) key state
    while [ ! -f "$WORK/stop-watch" ] && [ "$(now_ms)" -lt "$deadline" ]; do
        for n in 1 2 3; do
            key="ready:app$n"
            state=$(http_status -m 1 "$(ready_url "$n")")
            [ "${last[$key]:-}" = "$state" ] || { last[$key]=$state; echo "{\"t\":$(now_ms),\"what\":\"$key\",\"state\":\"$state\"}"; }
            key="lb:app$n"
            state=$(lb_state "app$n" || true)
            [ "${last[$key]:-}" = "$state" ] || { last[$key]=$state; echo "{\"t\":$(now_ms),\"what\":\"$key\",\"state\":\"$state\"}"; }
        done
        for i in 1 2 3; do
            key="patroni:node$i"
            state=$(http_status -m 1 "http://127.0.0.1:$((PATRONI_PORT + i))/primary")
            case "$state" in 200) state=primary ;; 503) state=not-primary ;; *) state=down ;; esac
            # A change happened between the previous sample ("prev") and this one; PostgreSQL may accept writes a
            # moment before Patroni's API says primary, so the gap's end is known only to lie in that span.
            [ "${last[$key]:-}" = "$state" ] || {
                last[$key]=$state
                echo "{\"t\":$(now_ms),\"prev\":${sampled[$key]:-0},\"what\":\"$key\",\"state\":\"$state\"}"
            }
            sampled[$key]=$(now_ms)
        done
        sleep 0.2
    done
}
watch_states >"$OUT/timeline.jsonl" &
watcher_pid=$!

# --- scenarios --------------------------------------------------------------------------------------------------
# run_load NAME SECONDS: the client load through HAProxy in the background, for at most SECONDS. A scenario ends it
# (finish_load now) once the event's effect is observed and has held for SETTLE_S, rather than at a fixed time.
SETTLE_S=3
run_load() {
    rm -f "$WORK/stop-load"
    FLEET_TOKEN=$(issuer_token alice 3600) "$APP_JAVA" src/test/fleet/FleetClient.java "http://127.0.0.1:$LB_PORT" "$2" "$WORKERS" "$OUT/$1-client.jsonl" \
        "$WORK/stop-load" >"$OUT/$1-client.log" 2>&1 &
    client_pid=$!
}
# finish_load [now]: waits for the load to end by itself, or (with "now") tells it to stop starting submissions.
finish_load() {
    [ "${1:-}" = now ] && touch "$WORK/stop-load"
    wait "$client_pid" || true
    client_pid=""
}

# Client figures of a scenario, as JSON.
client_summary() {
    jq -s '{
        sent: map(select(.op == "done")) | length,
        acknowledged: map(select(.op == "done" and .acked)) | length,
        failed_after_retries: map(select(.op == "done" and (.acked | not))) | length,
        post_answers: ((map(select(.op == "post")) | group_by(.status) | map({(.[0].status | tostring): length}) | add) // {}),
        get_answers: ((map(select(.op == "get")) | group_by(.status) | map({(.[0].status | tostring): length}) | add) // {}),
        max_latency_ms: ((map(select(.ms)) | map(.ms) | max) // 0)
    }' "$OUT/$1-client.jsonl"
}

# Every acknowledged application is on the current primary, and no key has two rows.
data_checks() {
    local name=$1 primary
    primary=$(leader)
    jq -r 'select(.op == "done" and .acked) | .id' "$OUT"/*-client.jsonl | sort -u >"$WORK/acked.txt"
    chmod 644 "$WORK/acked.txt"
    local acked present dups
    acked=$(wc -l <"$WORK/acked.txt")
    present=$(PGPASSWORD=$APP_PW psql -X -q -t -A -h 127.0.0.1 -p $((PG_PORT + primary)) -U creditrobot -d creditrobot \
        -v ON_ERROR_STOP=1 -c "CREATE TEMP TABLE acked (id uuid)" -c "\\copy acked FROM '$WORK/acked.txt'" \
        -c "SELECT count(*) FROM acked a JOIN credit_application c ON c.id = a.id" | tail -n 1)
    dups=$(PSQL_DB=creditrobot psql_on "$primary" creditrobot "$APP_PW" \
        "SELECT count(*) FROM (SELECT idempotency_key FROM credit_application GROUP BY 1 HAVING count(*) > 1) d")
    echo "{\"primary\":\"node$primary\",\"acknowledged\":$acked,\"present\":$present,\"duplicate_keys\":$dups}" \
        >"$OUT/$name-data.json"
    check "$name: all $acked acknowledged applications are on the primary (node$primary)" [ "$present" = "$acked" ]
    check "$name: no Idempotency-Key has two rows" [ "$dups" = 0 ]
}

# Prints the timeline of a scenario: watcher events and client answers that were not 201/200, relative to its start.
print_timeline() {
    local name=$1 from=$2 to=$3
    log "timeline of $name (ms from its start)"
    jq -r --argjson from "$from" --argjson to "$to" \
        'select(.t >= $from and .t <= $to) | "\(.t - $from)\t\(.what)\t\(.state)"' "$OUT/timeline.jsonl" |
        sed 's/^/    /'
    jq -r --argjson from "$from" 'select(.op == "post" and .status != 201) | "\(.t - $from)\tclient POST\t\(.status) after \(.ms) ms (try \(.try))"' \
        "$OUT/$name-client.jsonl" | sort -n | head -n 20 | sed 's/^/    /'
}

results='{}'
record() { # record NAME JSON
    results=$(jq --arg n "$1" --argjson v "$2" '. + {($n): $v}' <<<"$results")
}

# 1. Rolling restart under load.
scenario=rolling-restart
log "scenario 1: rolling restart"
start=$(now_ms)
run_load $scenario 300
sleep 3
for n in 1 2 3; do
    log "SIGTERM instance $n"
    stop_pid "${instance_pid[$n]}"
    start_app "$n"
    wait_until 90 "instance $n ready again" http_ok "$(ready_url "$n")"
    wait_until 30 "HAProxy sees app$n UP" lb_is "app$n" UP
done
sleep 2
finish_load now
end=$(now_ms)
summary=$(client_summary $scenario)
print_timeline $scenario "$start" "$end"
log "clients: $summary"
check "$scenario: no request failed after retries" [ "$(jq .failed_after_retries <<<"$summary")" = 0 ]
check "$scenario: every POST answered 201 and every GET 200 at the first try" \
    [ "$(jq '[.post_answers, .get_answers | to_entries[] | select(.key != "201" and .key != "200")] | length' <<<"$summary")" = 0 ]
record $scenario "$(jq --argjson s "$start" --argjson e "$end" '. + {duration_ms: ($e - $s)}' <<<"$summary")"

# 2. Planned switchover and unplanned failover. The gap: from the moment no node is primary (Patroni's own
# view) to the first moment one is again.
# In a switchover Patroni's API may name the new primary before the old one says it stepped down (the watcher
# samples the nodes one after another): no moment without a primary was seen, and the gap is 0 (lost = back).
primary_gap() { # primary_gap FROM: "gap_start gap_end new_primary_node last_sample_before_gap_end" (Patroni events)
    jq -s -r --argjson from "$1" '
        map(select(.t >= $from and (.what | startswith("patroni:"))))
        | (map(select(.state != "primary")) | .[0]) as $gone
        | ((map(select(.state == "primary" and .t > $gone.t)) | .[0])
            // (map(select(.state == "primary" and .what != $gone.what)) | .[0])) as $back
        | ([$gone.t, $back.t] | min) as $lost
        | "\($lost) \($back.t) \($back.what | ltrimstr("patroni:node")) \($back.prev)"' "$OUT/timeline.jsonl"
}
readiness_bounds() { # readiness_bounds NAME GAP_START GAP_END GAP_END_EARLIEST: checks; delays go to $WORK/gaps
    local name=$1 lost=$2 back=$3 earliest=$4 n up late
    : >"$WORK/gaps"
    for n in 1 2 3; do
        # Readiness may lag the loss by one validation interval (1 s) plus sampling: from 1.5 s into the gap on,
        # no instance may be ready while no node accepts writes: before the last Patroni sample that still saw none.
        late=$(jq -s --argjson a "$((lost + 1500))" --argjson b "$earliest" --arg w "ready:app$n" \
            '[.[] | select(.what == $w and .t > $a and .t < $b and .state == "200")] | length' "$OUT/timeline.jsonl")
        check "$name: instance $n not ready while no primary accepts writes" [ "$late" = 0 ]
        up=$(jq -s --argjson b "$earliest" --arg w "ready:app$n" \
            '[.[] | select(.what == $w and .t >= $b and .state == "200")] | .[0].t // empty' "$OUT/timeline.jsonl")
        if [ -z "$up" ] || [ "$up" -lt "$back" ]; then
            # Ready before Patroni's API said primary (PostgreSQL accepted writes first), or still ready from before
            # (the gap was shorter than a validation): no delay.
            up=$back
        fi
        check "$name: instance $n ready $((up - back)) ms after the new primary (bound 5000 ms)" [ $((up - back)) -le 5000 ]
        echo "$((up - back))" >>"$WORK/gaps"
    done
}
failover_client_checks() {
    local name=$1 summary=$2
    check "$name: no request failed after retries" [ "$(jq .failed_after_retries <<<"$summary")" = 0 ]
    check "$name: POSTs answered only 201 or 503" \
        [ "$(jq '[.post_answers | to_entries[] | select(.key != "201" and .key != "503")] | length' <<<"$summary")" = 0 ]
    check "$name: GETs answered only 200 or 503" \
        [ "$(jq '[.get_answers | to_entries[] | select(.key != "200" and .key != "503")] | length' <<<"$summary")" = 0 ]
}

# After a switchover or a failover: the timeline, the client, readiness and data bounds, and the figures.
judge_primary_change() { # judge_primary_change NAME START
    local name=$1 start=$2 end lost back newp earliest summary gaps
    end=$(now_ms)
    read -r lost back newp earliest <<<"$(primary_gap "$start")"
    summary=$(client_summary "$name")
    print_timeline "$name" "$start" "$end"
    log "clients: $summary; no primary from $((lost - start)) to $((back - start)) ms (node$newp promoted)"
    readiness_bounds "$name" "$lost" "$back" "$earliest"
    gaps=$(paste -sd, "$WORK/gaps")
    failover_client_checks "$name" "$summary"
    data_checks "$name"
    record "$name" "$(jq --argjson g "[$gaps]" --argjson l "$((lost - start))" --argjson b "$((back - start))" \
        '. + {no_primary_from_ms: $l, new_primary_at_ms: $b, ready_after_new_primary_ms: $g}' <<<"$summary")"
}

# An officer's cursor walk through HAProxy, so that any instance may answer any page: begun before the failover,
# ended after it, it must show every application at or below its first page's top exactly once (docs/api.md, "Listing").
officer_page() { # officer_page [CURSOR]: one page of 100, as JSON (a 503 while no instance is ready is retried)
    local url="http://127.0.0.1:$LB_PORT/api/applications?size=100" i
    [ -z "${1:-}" ] || url="$url&cursor=$1"
    for i in $(seq 1 40); do
        curl -sf -m 5 -H "Authorization: Bearer $OFFICER_TOKEN" "$url" && return 0
        sleep 0.5
    done
    return 1
}
walk_begin() {
    local page
    page=$(officer_page) || { check "walk: the first page answered" false; return 0; }
    jq -r '.items[].id' <<<"$page" >"$WORK/walk.txt"
    walk_top=$(jq -r '.items[0].id' <<<"$page") walk_cursor=$(jq -r '.nextCursor' <<<"$page")
}
walk_end() { # walk_end NAME: the rest of the walk, then what it missed or repeated, on the primary of now
    local cursor=$walk_cursor pages=0 page missed repeated
    while [ "$cursor" != null ] && [ "$pages" -lt 2000 ]; do
        page=$(officer_page "$cursor") || { check "$1: every page of the walk answered" false; return 0; }
        jq -r '.items[].id' <<<"$page" >>"$WORK/walk.txt"
        cursor=$(jq -r '.nextCursor' <<<"$page") pages=$((pages + 1))
    done
    PSQL_DB=creditrobot psql_on "$(leader)" creditrobot "$APP_PW" "SELECT id FROM credit_application WHERE (xact, seq)
        <= (SELECT xact, seq FROM credit_application WHERE id = '$walk_top')" | sort >"$WORK/walk-due.txt"
    missed=$(sort -u "$WORK/walk.txt" | comm -23 "$WORK/walk-due.txt" - | wc -l)
    repeated=$(sort "$WORK/walk.txt" | uniq -d | wc -l)
    log "$1: the walk showed $(wc -l <"$WORK/walk.txt") applications over $((pages + 1)) pages"
    check "$1: a cursor walk across the failover missed none of the $(wc -l <"$WORK/walk-due.txt") due ($missed)" \
        [ "$missed" = 0 ]
    check "$1: and repeated none ($repeated)" [ "$repeated" = 0 ]
}
OFFICER_TOKEN=$(issuer_token olivia 3600)

scenario=switchover
old=$(leader)
candidate=$(sync_standby)
log "scenario 2a: switchover from node$old to node$candidate"
start=$(now_ms)
run_load $scenario 30
sleep 4
runuser -u postgres -- patronictl -c "$WORK/node1.yml" switchover --leader "node$old" --candidate "node$candidate" \
    --force >"$OUT/$scenario-patronictl.log" 2>&1
wait_until 60 "node$candidate primary" http_ok "http://127.0.0.1:$((PATRONI_PORT + candidate))/primary"
wait_until 30 "every instance ready on node$candidate" all_ready || true
sleep "$SETTLE_S"
finish_load now
judge_primary_change $scenario "$start"

scenario=failover
old=$(leader)
log "scenario 2b: failover: node$old's Patroni and PostgreSQL SIGKILLed"
start=$(now_ms)
run_load $scenario 45
sleep 4
walk_begin
pm=$(postmaster_of "$old")
victims="${patroni_pid[$old]} $pm $(ps -o pid= --ppid "$pm" | tr '\n' ' ')"
kill -KILL $victims 2>/dev/null || true
unset "patroni_pid[$old]"
log "killed pids $victims"
wait_until 60 "a new primary" has_leader
wait_until 30 "every instance ready on node$(leader)" all_ready || true
sleep "$SETTLE_S"
finish_load now
judge_primary_change $scenario "$start"
walk_end $scenario

# 3. One instance frozen.
scenario=frozen-instance
log "scenario 3: instance 2 frozen (SIGSTOP)"
start=$(now_ms)
run_load $scenario 40
sleep 4
frozen_pid=${instance_pid[2]}
frozen_at=$(now_ms)
kill -STOP "$frozen_pid"
# Out of rotation means DOWN: in the transitional "UP 1/2" HAProxy still sends it new requests.
wait_until 20 "HAProxy takes app2 out" lb_is app2 DOWN
out_at=$(now_ms)
sleep 8
kill -CONT "$frozen_pid"
frozen_pid=""
wait_until 30 "HAProxy takes app2 back" lb_is app2 UP
back_at=$(now_ms)
sleep "$SETTLE_S"
finish_load now
end=$(now_ms)
summary=$(client_summary $scenario)
print_timeline $scenario "$start" "$end"
log "clients: $summary; out of rotation $((out_at - frozen_at)) ms after SIGSTOP, back $((back_at - out_at - 8000)) ms after SIGCONT"
# Worst case: frozen just after a check passed; each of the fall checks starts one interval after the previous one
# ended and fails at its timeout: fall x (interval + timeout); plus 500 ms for sampling.
out_bound=$((CHECK_FALL * (CHECK_INTER_S + CHECK_TIMEOUT_S) * 1000 + 500))
check "$scenario: HAProxy took it out within fall x (interval + check timeout) ($((out_at - frozen_at)) ms, bound $out_bound)" \
    [ $((out_at - frozen_at)) -le $out_bound ]
check "$scenario: no request failed after retries" [ "$(jq .failed_after_retries <<<"$summary")" = 0 ]
late_failures=$(jq -s --argjson out "$out_at" \
    '[.[] | select((.op == "post" or .op == "get") and .status != 201 and .status != 200 and .t > $out)] | length' \
    "$OUT/$scenario-client.jsonl")
check "$scenario: no request sent after it was taken out failed ($late_failures)" [ "$late_failures" = 0 ]
record $scenario "$(jq --argjson o "$((out_at - frozen_at))" --argjson l "$late_failures" \
    '. + {out_of_rotation_after_ms: $o, failures_after_out: $l}' <<<"$summary")"

# 4. The synchronous standby lost.
scenario=replica-lost
victim=$(sync_standby)
log "scenario 4: synchronous standby node$victim SIGKILLed (Patroni and PostgreSQL)"
start=$(now_ms)
run_load $scenario 30
sleep 4
killed_at=$(now_ms)
pm=$(postmaster_of "$victim")
victims="${patroni_pid[$victim]} $pm $(ps -o pid= --ppid "$pm" | tr '\n' ' ')"
kill -KILL $victims 2>/dev/null || true
unset "patroni_pid[$victim]"
# Commits wait for the lost standby until Patroni takes it out of synchronous_standby_names: the write stall's end.
wait_until 30 "node$victim out of synchronous_standby_names" sync_names_without "$victim" || true
sleep "$SETTLE_S"
finish_load now
end=$(now_ms)
summary=$(client_summary $scenario)
print_timeline $scenario "$start" "$end"
stall=$(jq -s --argjson k "$killed_at" '[.[] | select(.op == "post" and .t >= $k - 5000 and .t <= $k + 20000) | .ms] | max' \
    "$OUT/$scenario-client.jsonl")
log "clients: $summary; longest POST around the loss: $stall ms"
left=$(jq -s --argjson s "$start" '[.[] | select(.t > $s and (.what | startswith("ready:")) and .state != "200")] | length' \
    "$OUT/timeline.jsonl")
check "$scenario: no instance left rotation ($left readiness changes)" [ "$left" = 0 ]
check "$scenario: writes continued: no request failed after retries" [ "$(jq .failed_after_retries <<<"$summary")" = 0 ]
check "$scenario: POSTs answered only 201" \
    [ "$(jq '[.post_answers | to_entries[] | select(.key != "201")] | length' <<<"$summary")" = 0 ]
data_checks $scenario
record $scenario "$(jq --argjson w "$stall" '. + {write_stall_ms: $w}' <<<"$summary")"

# --- logs -------------------------------------------------------------------------------------------------------
# No e-mail address, access token or test password (the suite's LogAudit), and none of this lab's passwords.
check "the instances' logs pass the log audit" "$APP_JAVA" -cp target/test-classes io.creditrobot.testsupport.LogAudit \
    "$OUT"/app1.log "$OUT"/app2.log "$OUT"/app3.log
check "the instances' logs carry none of this lab's passwords" \
    bash -c '! grep -q -F -e "$1" -e "$2" -e "$3" "${@:4}"' _ "$APP_PW" "$OPERATOR_PW" "$SUPER_PW" "$OUT"/app1.log \
    "$OUT"/app2.log "$OUT"/app3.log

# --- results ----------------------------------------------------------------------------------------------------
jq --arg date "$(date -u +%FT%TZ)" --arg cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" \
    --arg nproc "$(nproc)" --arg java "$("$APP_JAVA" -version 2>&1 | head -n 1)" --argjson passed "$passed" \
    --argjson failed "$failed" '{date: $date, machine: {cpu: $cpu, nproc: ($nproc | tonumber), java: $java},
        checks: {passed: $passed, failed: $failed}, scenarios: .}' <<<"$results" >"$OUT/results.json"
log "results in $OUT/results.json"
lab_result
