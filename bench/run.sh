#!/usr/bin/env bash
# Usage: bench/run.sh
# Reproduces every number in BENCHMARKS.md: starts a PostgreSQL on 127.0.0.1 (the embedded binaries the tests use)
# and the packaged application, measures, and writes bench/results.json, bench/results.md and the results table
# of BENCHMARKS.md. Installs wrk, hyperfine and jq (Debian packages) if missing; builds the jar if missing.
# Loopback only; every loop is bounded. Environment: BENCH_DURATION (wrk seconds, default 10), BENCH_STARTS
# (startup runs, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
source src/test/scripts/postgres.sh
source src/test/scripts/issuer.sh
source src/test/scripts/app.sh

OUT=$(mkdir -p target/bench && cd target/bench && pwd)
DURATION=${BENCH_DURATION:-10}
STARTS=${BENCH_STARTS:-5}
# The fixed-rate load: 10 connections, 20 ms apart each (at most 500 req/s), for BENCH_LOAD_SECONDS (default 20).
LOAD_SECONDS=${BENCH_LOAD_SECONDS:-20}
WARMUP=3
# Below the ephemeral range (32768-60999), so that no outgoing connection can hold one of them by chance.
HTTP_PORT=21080 MGMT_PORT=21090 PG_PORT=21432 ISSUER_PORT=21095
# The database monitor validates once per interval (creditrobot.database.interval, default 1 s).
INTERVAL_MS=1000
LAB=bench LAB_LOG_FD=2

need wrk hyperfine jq curl
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
require_ports_free bench "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" "$ISSUER_PORT" || exit 1

cleanup() {
    set +e
    pg_thaw
    app_stop
    pg_stop immediate
    issuer_stop
}
trap cleanup EXIT

MGMT="http://127.0.0.1:$MGMT_PORT"
API="http://127.0.0.1:$HTTP_PORT"

# The JVMs compared (docs/deployment.md, "Start-up"): plain JDK 17 as `java -jar` runs it (default heap: a quarter of this host's
# RAM); JDK 17 with AppCDS; JDK 25 with the AOT cache. The last two run as the image does: jvm.args, the archive,
# and -XX:MaxRAM=512m standing in for the container's 512 Mi limit (the JVM sizes its heap from it, as in a container).
JAVA17=${BENCH_JAVA17:-$(ls -d /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -n 1)}
JAVA17=${JAVA17:-java}
JAVA25=${BENCH_JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1 || true)}
[ -x "$JAVA17" ] || command -v "$JAVA17" >/dev/null || { log "no JDK 17 (set BENCH_JAVA17)"; exit 1; }
IMAGE_OPTS=(@"$PWD/src/main/docker/jvm.args" -XX:MaxRAM=512m)
declare -A JVM_DIR JVM_CMD
# start_app CONFIG: starts the application under one of the JVM configurations below.
start_app() {
    local config=${1:-$PRODUCT}
    # shellcheck disable=SC2206
    local command=(${JVM_CMD[$config]})
    APP_DIR=${JVM_DIR[$config]} APP_JAVA=${command[0]} app_start "$OUT/app-$config.log" "$HTTP_PORT" "$MGMT_PORT" \
        "${command[@]:1}" "${PG_APP_OPTS[@]}" -Dquarkus.oidc.auth-server-url="$ISSUER_URL" \
        -Dcreditrobot.management.operator-password="$OPERATOR_PASSWORD"
}
# await_status URL CODE SECONDS: the milliseconds until URL answers CODE (polled every 5 ms), or fails.
await_status() { ms_until "$3" http_is "$2" "$1"; }
validations() { curl -s -u "operator:$OPERATOR_PASSWORD" "$MGMT/q/metrics" | awk '/^creditrobot_health_database_validation_seconds_count/ {printf "%d", $2}'; }
# wrk NAME URL SCRIPT: warm-up, then the measured run; prints its JSON figures.
wrk_run() {
    wrk -t2 -c32 -d"${WARMUP}s" -s "$3" "$2" >/dev/null
    wrk -t2 -c32 -d"${DURATION}s" --latency -s "$3" "$2" >"$OUT/wrk-$1.txt"
    sed -n 's/^WRK_JSON //p' "$OUT/wrk-$1.txt"
}
# timed_requests URL COUNT GAP: COUNT sequential GETs GAP seconds apart; prints a JSON array of {status, ms}.
timed_requests() {
    local i out=()
    for i in $(seq 1 "$2"); do
        out+=("$(curl -s -o /dev/null -m 5 -w '{"status":%{http_code},"ms":%{time_total}}' "$1" || true)")
        sleep "$3"
    done
    printf '%s\n' "${out[@]}" | jq -s 'map(.ms = ((.ms * 1000) | round))'
}

log "PostgreSQL on 127.0.0.1:$PG_PORT"
pg_init "$OUT/pg" "$PG_PORT"
pg_start
# The API's access tokens (docs/security.md): the dev issuer, one applicant's token for every request (wrk reads
# BENCH_AUTHORIZATION in bench/wrk/report.lua).
issuer_start "$ISSUER_PORT" "$OUT/issuer.log"
BENCH_TOKEN=$(issuer_token alice 7200)
# The management port's operator (metrics, the health UI's static file): a password made for this run.
OPERATOR_PASSWORD="bench-$RANDOM$RANDOM"
BENCH_AUTHORIZATION="Bearer $BENCH_TOKEN"
export BENCH_AUTHORIZATION
OPERATOR_BASIC="Basic $(printf 'operator:%s' "$OPERATOR_PASSWORD" | base64 -w0)"

# The configurations. AppCDS on 17: the build's app-cds.jsa when JDK 17 built it; otherwise made here on a copy of
# the application exactly as Quarkus' build step makes it (-XX:ArchiveClassesAtExit with quarkus.appcds.generate).
# The AOT cache on 25: the build's app.aot (a JDK 25 build trains it during ./mvnw verify).
CONFIGS=(jdk17_plain jdk17_appcds)
JVM_DIR[jdk17_plain]=$PWD/target/quarkus-app
JVM_CMD[jdk17_plain]=$JAVA17
if [ -f target/quarkus-app/app-cds.jsa ]; then
    JVM_DIR[jdk17_appcds]=$PWD/target/quarkus-app
else
    log "making an AppCDS archive with JDK 17 (as Quarkus' build does)"
    rm -rf "$OUT/app17" && cp -a target/quarkus-app "$OUT/app17" && rm -f "$OUT"/app17/*.aot "$OUT"/app17/*.jsa
    # The run ends by itself (Quarkus' build step runs it the same way and keeps the archive the JVM dumps at exit).
    (cd "$OUT/app17" && "$JAVA17" -XX:ArchiveClassesAtExit=app-cds.jsa -Dquarkus.appcds.generate=true \
        -jar quarkus-run.jar >"$OUT/appcds-generation.log" 2>&1) || true
    [ -s "$OUT/app17/app-cds.jsa" ] || { log "AppCDS generation failed: $OUT/appcds-generation.log"; exit 1; }
    JVM_DIR[jdk17_appcds]=$OUT/app17
fi
JVM_CMD[jdk17_appcds]="$JAVA17 ${IMAGE_OPTS[*]} -XX:SharedArchiveFile=app-cds.jsa"
if [ -f target/quarkus-app/app.aot ] && [ -n "$JAVA25" ]; then
    CONFIGS+=(jdk25_aot)
    JVM_DIR[jdk25_aot]=$PWD/target/quarkus-app
    JVM_CMD[jdk25_aot]="$JAVA25 ${IMAGE_OPTS[*]} -XX:AOTCache=app.aot"
else
    log "no JDK 25 AOT cache (target/quarkus-app/app.aot: build with JAVA_HOME=<JDK 25> ./mvnw verify): skipped"
fi
PRODUCT=${CONFIGS[-1]}

# 1. Start to first readiness 200 (schema migrated by a first, unmeasured start), in rounds so that every
# configuration sees the same machine; then RSS after start, and after a fixed-rate load, per configuration.
start_app jdk17_plain
await_status "$MGMT/q/health/ready" 200 90 >/dev/null || { log "not ready: $(tail -3 "$OUT/app-jdk17_plain.log")"; exit 1; }
app_stop
declare -A START_MS
for i in $(seq 1 "$STARTS"); do
    for config in "${CONFIGS[@]}"; do
        t0=$(now_ms)
        start_app "$config"
        await_status "$MGMT/q/health/ready" 200 90 >/dev/null || { log "$config not ready: $(tail -3 "$OUT/app-$config.log")"; exit 1; }
        START_MS[$config]="${START_MS[$config]:-} $(($(now_ms) - t0))"
        app_stop
    done
done
id=""
jvm_json="{}"
for config in "${CONFIGS[@]}"; do
    start_app "$config"
    await_status "$MGMT/q/health/ready" 200 90 >/dev/null
    sleep 2   # what the first seconds after readiness settle to (the monitor's first validations, the pool)
    rss_start=$(app_rss_mb)
    [ -n "$id" ] || id=$(curl -s -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $BENCH_TOKEN" "$API/api/applications" \
        -d '{"applicantName":"Bench Read","email":"read@example.com","amount":5000,"termMonths":24,"annualIncome":80000,"monthlyDebt":0}' \
        | jq -r .id)
    wrk -t2 -c10 -d"${LOAD_SECONDS}s" --latency -s bench/wrk/fixed-rate.lua "$API/api/applications/$id" >"$OUT/wrk-fixed-$config.txt"
    rss_load=$(app_rss_mb)
    fixed=$(sed -n 's/^WRK_JSON //p' "$OUT/wrk-fixed-$config.txt")
    runs=$(tr ' ' '\n' <<<"${START_MS[$config]}" | grep . | jq -s .)
    jvm_json=$(jq --arg c "$config" --arg cmd "${JVM_CMD[$config]/$PWD\//}" --argjson runs "$runs" \
        --argjson median "$(jq '.[]' <<<"$runs" | median)" --argjson rs "$rss_start" --argjson rl "$rss_load" \
        --argjson fixed "$fixed" \
        '.[$c] = {command: $cmd, start_to_ready_ms: $runs, median_ms: $median, rss_after_start_mb: $rs,
                  rss_after_fixed_load_mb: $rl, fixed_load: $fixed}' <<<"$jvm_json")
    log "$config: start ${START_MS[$config]} ms, RSS $rss_start MB, after $(jq .rps <<<"$fixed") req/s for ${LOAD_SECONDS} s: $rss_load MB"
    app_stop
done

# The rest runs the product configuration: the last of the list (the image's).
start_app "$PRODUCT"
await_status "$MGMT/q/health/ready" 200 90 >/dev/null || { log "not ready: $(tail -3 "$OUT/app-$PRODUCT.log")"; exit 1; }

# 2./3. Probe throughput, and database cost under a readiness storm.
live=$(wrk_run live "$MGMT/q/health/live" bench/wrk/get.lua)
storm_start=$(now_ms)
v0=$(validations)
ready=$(wrk_run ready "$MGMT/q/health/ready" bench/wrk/get.lua)
v1=$(validations)
storm_ms=$(($(now_ms) - storm_start))
# The cheapest thing the management interface answers: its router's 404 for an unknown path (no handler, no body
# to build). A small static file of the health UI is measured too: Vert.x serves it from the class path.
bare=$(BENCH_AUTHORIZATION=$OPERATOR_BASIC wrk_run bare "$MGMT/q/no-such-route" bench/wrk/get.lua)
static=$(BENCH_AUTHORIZATION=$OPERATOR_BASIC wrk_run static "$MGMT/q/health-ui/favicon.ico" bench/wrk/get.lua)
log "liveness $(jq .rps <<<"$live") req/s, readiness $(jq .rps <<<"$ready") req/s, bare $(jq .rps <<<"$bare") req/s"

# 6. The real work, for scale.
post=$(wrk_run post "$API/api/applications" bench/wrk/post-application.lua)
id=$(curl -s -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $BENCH_TOKEN" "$API/api/applications" \
    -d '{"applicantName":"Bench Read","email":"read@example.com","amount":5000,"termMonths":24,"annualIncome":80000,"monthlyDebt":0}' \
    | jq -r .id)
get=$(wrk_run get "$API/api/applications/$id" bench/wrk/get.lua)
rss_saturated=$(app_rss_mb)

# 4. Frozen database: every PostgreSQL process SIGSTOPped.
pg_freeze
# 25 answers 200 ms apart span 5 s: past deadline + down-after (2.5 s) and the monitor's interval.
frozen_ready=$(timed_requests "$MGMT/q/health/ready" 25 0.2)
frozen_live=$(timed_requests "$MGMT/q/health/live" 10 0.05)
pg_thaw
thaw_ms=$(await_status "$MGMT/q/health/ready" 200 30)
log "frozen: readiness max $(jq 'map(.ms) | max' <<<"$frozen_ready") ms; UP ${thaw_ms} ms after thaw"

# Stopped database.
await_status "$MGMT/q/health/ready" 200 30 >/dev/null
pg_stop
stopped_ready=$(timed_requests "$MGMT/q/health/ready" 10 0.2)
stopped_live=$(timed_requests "$MGMT/q/health/live" 10 0.05)
pg_start
restart_ms=$(await_status "$MGMT/q/health/ready" 200 30)
log "stopped: readiness max $(jq 'map(.ms) | max' <<<"$stopped_ready") ms; UP ${restart_ms} ms after restart"

# 5. The built-in probe's exec time: as the JVM image's HEALTHCHECK runs it (probe.args, the probe's archive from
# the build, the JDK that made it), without an archive on each JDK, and via java -jar.
# Run in the application's directory with the class path the image uses (app/*, relative to its WORKDIR).
probe_cp="app/* io.creditrobot.CreditRobotMain healthcheck live"
probe_opts=@$PWD/src/main/docker/probe.args
probe_runs=()
if [ -f target/quarkus-app/probe.aot ] && [ -n "$JAVA25" ]; then
    probe_runs+=("$JAVA25 $probe_opts -XX:AOTCache=probe.aot -cp $probe_cp")
elif [ -f target/quarkus-app/probe.jsa ]; then
    probe_runs+=("$JAVA17 $probe_opts -XX:SharedArchiveFile=probe.jsa -cp $probe_cp")
else
    log "no probe archive in target/quarkus-app (./mvnw verify trains it): the image form runs without one"
    probe_runs+=("$JAVA17 $probe_opts -cp $probe_cp")
fi
probe_runs+=("$JAVA17 $probe_opts -cp $probe_cp")
[ -z "$JAVA25" ] || probe_runs+=("$JAVA25 $probe_opts -cp $probe_cp")
probe_runs+=("$JAVA17 $probe_opts -jar quarkus-run.jar healthcheck live")
(cd target/quarkus-app && HEALTHCHECK_PORT=$MGMT_PORT hyperfine -N --warmup 3 --runs 40 --export-json "$OUT/hyperfine.json" \
    "${probe_runs[@]}" >"$OUT/hyperfine.txt" 2>&1)
probe=$(jq --arg pwd "$PWD/" '.results | map({command: (.command | sub("/usr/lib/jvm/"; "") | sub("@" + $pwd; "@")), median_ms: (.median * 1000 | round),
    mean_ms: (.mean * 1000 | round), min_ms: (.min * 1000 | round), max_ms: (.max * 1000 | round),
    user_ms: (.user * 1000 | round), system_ms: (.system * 1000 | round), runs: (.times | length)})
    | {image_form: .[0], others: .[1:]}' "$OUT/hyperfine.json")

jq -n \
    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --arg cpu "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
    --arg nproc "$(nproc)" --arg mem "$(free -h | awk '/^Mem:/ {print $2}')" \
    --arg java "$(java -version 2>&1 | head -n 1)" --arg kernel "$(uname -r)" \
    --argjson jvms "$jvm_json" --arg product "$PRODUCT" --argjson rss_saturated "$rss_saturated" \
    --argjson load_seconds "$LOAD_SECONDS" \
    --argjson live "$live" --argjson ready "$ready" --argjson bare "$bare" --argjson static "$static" --argjson post "$post" --argjson get "$get" \
    --argjson v0 "$v0" --argjson v1 "$v1" --argjson storm_ms "$storm_ms" \
    --argjson frozen_ready "$frozen_ready" --argjson frozen_live "$frozen_live" --argjson thaw_ms "$thaw_ms" \
    --argjson stopped_ready "$stopped_ready" --argjson stopped_live "$stopped_live" --argjson restart_ms "$restart_ms" \
    --argjson probe "$probe" --argjson interval_ms "$INTERVAL_MS" --argjson duration "$DURATION" '
{
  date: $date,
  machine: {cpu: $cpu, nproc: ($nproc | tonumber), memory: $mem, java: $java, kernel: $kernel},
  method: {wrk: "2 threads, 32 connections, \($duration) s after a 3 s warm-up",
           fixed_load: "GET /api/applications/{id}, 10 connections 20 ms apart each (<= 500 req/s), \($load_seconds) s",
           interval_ms: $interval_ms, product: $product},
  jvms: $jvms,
  startup_ratios: ($jvms.jdk17_plain as $p | $jvms | with_entries(.value = {
      start: ((.value.median_ms / $p.median_ms) * 100 | round / 100),
      rss_after_start: ((.value.rss_after_start_mb / $p.rss_after_start_mb) * 100 | round / 100),
      rss_after_fixed_load: ((.value.rss_after_fixed_load_mb / $p.rss_after_fixed_load_mb) * 100 | round / 100)})),
  rss_after_saturation_mb: $rss_saturated,
  probes: {liveness: $live, readiness: $ready, bare_route_404: $bare, static_file: $static,
           liveness_to_bare_ratio: (($live.rps / $bare.rps) * 100 | round / 100)},
  readiness_storm: {probes_per_s: $ready.rps, validations: ($v1 - $v0), window_ms: $storm_ms,
                    validations_per_s: ((($v1 - $v0) * 1000 / $storm_ms) * 100 | round / 100),
                    bound: (($storm_ms / $interval_ms | ceil) + 1)},
  frozen_database: {readiness: $frozen_ready, liveness: $frozen_live, ready_after_thaw_ms: $thaw_ms},
  stopped_database: {readiness: $stopped_ready, liveness: $stopped_live, ready_after_restart_ms: $restart_ms},
  healthcheck_command: $probe,
  api: {post_applications: $post, get_application: $get},
  checks: {
    frozen_readiness_max_ms_le_100: (($frozen_ready | map(.ms) | max) <= 100),
    frozen_readiness_down_in_the_end: ($frozen_ready | last | .status == 503),
    frozen_liveness_all_200: ($frozen_live | all(.status == 200)),
    storm_validations_le_ceil_window_over_interval_plus_1: (($v1 - $v0) <= (($storm_ms / $interval_ms | ceil) + 1)),
    recovery_le_1500_ms: ($thaw_ms <= 1500 and $restart_ms <= 1500),
    product_start_le_half_of_plain_jdk17: (($jvms[$product].median_ms / $jvms.jdk17_plain.median_ms) <= 0.5),
    product_rss_le_0_6_of_plain_jdk17: ((($jvms[$product].rss_after_start_mb / $jvms.jdk17_plain.rss_after_start_mb) <= 0.6)
        and (($jvms[$product].rss_after_fixed_load_mb / $jvms.jdk17_plain.rss_after_fixed_load_mb) <= 0.6)),
    probe_median_le_50_ms: ($probe.image_form.median_ms <= 50)
  }
}' >bench/results.json

# The human table, also placed between the markers in BENCHMARKS.md.
jq -r '
def ms(a): a as $r | ($r | map(.ms)) as $m
    | "\($m | min)–\($m | max) ms (statuses \($r | map(.status) | unique | map(tostring) | join("/")))";
"| measure | result |",
"|---|---|",
(.jvms | to_entries[] | "| \(.key): start to first readiness 200, median of \(.value.start_to_ready_ms | length) (`\(.value.command)`) | \(.value.median_ms) ms (runs: \(.value.start_to_ready_ms | join(", ")) ms) |"),
(.jvms | to_entries[] | "| \(.key): RSS after start / after the fixed-rate load (\(.value.fixed_load.rps) req/s, p99 \(.value.fixed_load.p99_ms) ms) | \(.value.rss_after_start_mb) MB / \(.value.rss_after_fixed_load_mb) MB |"),
(.startup_ratios | to_entries[] | select(.key != "jdk17_plain") | "| \(.key) ÷ jdk17_plain: start / RSS after start / RSS after load | \(.value.start) / \(.value.rss_after_start) / \(.value.rss_after_fixed_load) |"),
"| \(.method.product): RSS after the saturation runs below | \(.rss_after_saturation_mb) MB |",
"| `/q/health/live` | \(.probes.liveness.rps) req/s, p50 \(.probes.liveness.p50_ms) ms, p99 \(.probes.liveness.p99_ms) ms, errors \(.probes.liveness.errors) |",
"| `/q/health/ready` | \(.probes.readiness.rps) req/s, p50 \(.probes.readiness.p50_ms) ms, p99 \(.probes.readiness.p99_ms) ms, errors \(.probes.readiness.errors) |",
"| bare route: the management router 404 (same port) | \(.probes.bare_route_404.rps) req/s, p50 \(.probes.bare_route_404.p50_ms) ms, p99 \(.probes.bare_route_404.p99_ms) ms |",
"| static file `/q/health-ui/favicon.ico` (same port) | \(.probes.static_file.rps) req/s, p50 \(.probes.static_file.p50_ms) ms, p99 \(.probes.static_file.p99_ms) ms |",
"| liveness / bare-route throughput | \(.probes.liveness_to_bare_ratio) |",
"| readiness storm: probes vs database validations | \(.readiness_storm.probes_per_s) probes/s (warm-up and run) → \(.readiness_storm.validations) validations in \(.readiness_storm.window_ms) ms = \(.readiness_storm.validations_per_s)/s; bound ⌈window/interval⌉ + 1 = \(.readiness_storm.bound) (interval \(.method.interval_ms) ms) |",
"| frozen database: 25 readiness answers over 5 s | \(ms(.frozen_database.readiness)); first 503 after \(.frozen_database.readiness | map(.status) | index(503) // "no" | if type == "number" then . * 200 | tostring else . end) ms |",
"| frozen database: 10 liveness answers | \(ms(.frozen_database.liveness)) |",
"| frozen database: readiness 200 after thaw | \(.frozen_database.ready_after_thaw_ms) ms |",
"| stopped database: 10 readiness answers | \(ms(.stopped_database.readiness)) |",
"| stopped database: 10 liveness answers | \(ms(.stopped_database.liveness)) |",
"| stopped database: readiness 200 after restart | \(.stopped_database.ready_after_restart_ms) ms |",
"| `healthcheck` as the image runs it (hyperfine, \(.healthcheck_command.image_form.runs) runs; `\(.healthcheck_command.image_form.command | sub(" -cp .*"; ""))`) | median \(.healthcheck_command.image_form.median_ms) ms (min \(.healthcheck_command.image_form.min_ms), max \(.healthcheck_command.image_form.max_ms)), CPU \(.healthcheck_command.image_form.user_ms + .healthcheck_command.image_form.system_ms) ms |",
(.healthcheck_command.others[] | "| `healthcheck`: `\(.command | sub(" -cp .*"; " -cp app/*") | sub("target/quarkus-app/"; ""))` | median \(.median_ms) ms (min \(.min_ms), max \(.max_ms)), CPU \(.user_ms + .system_ms) ms |"),
"| `POST /api/applications` | \(.api.post_applications.rps) req/s, p50 \(.api.post_applications.p50_ms) ms, p99 \(.api.post_applications.p99_ms) ms, errors \(.api.post_applications.errors) |",
"| `GET /api/applications/{id}` | \(.api.get_application.rps) req/s, p50 \(.api.get_application.p50_ms) ms, p99 \(.api.get_application.p99_ms) ms, errors \(.api.get_application.errors) |",
"",
"Machine: \(.machine.cpu), \(.machine.nproc) cores, \(.machine.memory) RAM, \(.machine.java), Linux \(.machine.kernel); \(.date).",
"Checks: " + (.checks | to_entries | map("\(.key) \(if .value then "yes" else "NO" end)") | join(", ")) + "."
' bench/results.json >bench/results.md

if [ -f BENCHMARKS.md ] && grep -q '<!-- results:start -->' BENCHMARKS.md; then
    awk -v table="bench/results.md" '
        /<!-- results:start -->/ {print; while ((getline line < table) > 0) print line; skip = 1; next}
        /<!-- results:end -->/ {skip = 0}
        !skip' BENCHMARKS.md >"$OUT/BENCHMARKS.md" && mv "$OUT/BENCHMARKS.md" BENCHMARKS.md
fi
cat bench/results.md
jq -e '.checks | all' bench/results.json >/dev/null || { log "a target was missed (see Checks)"; exit 1; }
