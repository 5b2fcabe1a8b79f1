#!/usr/bin/env bash
# Usage: bench/native.sh
# The native executable beside the JVM image's configuration, in one run (BENCHMARKS.md, "Native"): start -> first
# readiness 200 and RSS after start, for each; then hyperfine (BENCH_PROBE_RUNS, default 30, each) over a native hello
# world, the native probe (live, as the image's HEALTHCHECK runs it, and ready) and the JVM probe in its README form,
# all against the running native service.
# Needs a native-image toolchain (GRAALVM_HOME: it compiles the hello world), the native executable (target/*-runner)
# and the JVM build (target/quarkus-app). Writes target/bench-native/results.json. Loopback only; bounded loops.
set -euo pipefail
cd "$(dirname "$0")/.."
source src/test/scripts/postgres.sh
source src/test/scripts/app.sh

OUT=$(mkdir -p target/bench-native && cd target/bench-native && pwd)
STARTS=${BENCH_STARTS:-5}
PROBE_RUNS=${BENCH_PROBE_RUNS:-30}
HTTP_PORT=21280 MGMT_PORT=21290 PG_PORT=21632
NO_ISSUER=http://127.0.0.1:9/realms/none
OPERATOR_PASSWORD="bench-$RANDOM$RANDOM"
JAVA25=${BENCH_JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1 || true)}
LAB=bench-native LAB_LOG_FD=2

[ -x "${GRAALVM_HOME:-}/bin/native-image" ] || { log "no native-image toolchain (GRAALVM_HOME)"; exit 1; }
runner=$(ls "$PWD"/target/*-runner 2>/dev/null | head -n 1 || true)
[ -x "$runner" ] || { log "no native executable: ./mvnw package -Dnative"; exit 1; }
[ -f target/quarkus-app/quarkus-run.jar ] && [ -x "$JAVA25" ] || { log "no JVM build or no JDK 25"; exit 1; }
# The JVM image's start-up archives when a JDK 25 build trained them (./mvnw verify on JDK 25), else none (said so).
APP_AOT=() PROBE_AOT=() archives=none
if [ -f target/quarkus-app/app.aot ] && [ -f target/quarkus-app/probe.aot ]; then
    APP_AOT=(-XX:AOTCache=app.aot) PROBE_AOT=(-XX:AOTCache=target/quarkus-app/probe.aot) archives=aot
fi
need hyperfine jq curl
require_ports_free bench-native "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" || exit 1

cleanup() { set +e; app_stop; pg_stop immediate; }
trap cleanup EXIT

SETTINGS=(-Dquarkus.oidc.auth-server-url="$NO_ISSUER" -Dcreditrobot.management.operator-password="$OPERATOR_PASSWORD")
start_app() { # start_app native|jvm
    if [ "$1" = native ]; then
        APP_RUNNER=$runner app_start "$OUT/app-native.log" "$HTTP_PORT" "$MGMT_PORT" "${PG_APP_OPTS[@]}" "${SETTINGS[@]}"
    else
        # The JVM image's configuration: its options, its AOT cache (if trained), a 512 MB container limit.
        APP_JAVA=$JAVA25 app_start "$OUT/app-jvm.log" "$HTTP_PORT" "$MGMT_PORT" "@$PWD/src/main/docker/jvm.args" \
            -XX:MaxRAM=512m "${APP_AOT[@]}" "${PG_APP_OPTS[@]}" "${SETTINGS[@]}"
    fi
}
# The milliseconds from the start until readiness answers 200 (asked every 5 ms by bash itself, at most 60 s: a curl
# per poll took enough of the 2 cores from a native start to add about 130 ms to it).
ready_after() { ms_until_200 60 "$MGMT_PORT" /q/health/ready; }

log "PostgreSQL on 127.0.0.1:$PG_PORT"
pg_init "$OUT/pg" "$PG_PORT"
pg_start

results='{}'
for config in native jvm; do
    runs=()
    for _ in $(seq 1 "$STARTS"); do
        start_app "$config"
        runs+=("$(ready_after)")
        sleep 1
        rss=$(app_rss_mb)
        app_stop
    done
    med=$(printf '%s\n' "${runs[@]}" | median)
    log "$config: start -> ready ${runs[*]} ms (median $med), RSS after start $rss MB"
    results=$(jq --arg c "$config" --argjson runs "$(printf '%s\n' "${runs[@]}" | jq -s .)" --argjson m "$med" \
        --argjson rss "$rss" '.[$c] = {start_to_ready_ms: $runs, median_ms: $m, rss_after_start_mb: $rss}' <<<"$results")
done

# The hello world as the toolchain builds it by default (on Debian a position-independent executable, whose start
# applies about 19,000 relocations), and once more linked as Quarkus links the service (-no-pie), for comparison.
log "a native hello world, built with the same toolchain (default, and -no-pie)"
mkdir -p "$OUT/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$OUT/hello/Hello.java"
(cd "$OUT/hello" && "$GRAALVM_HOME/bin/javac" Hello.java && "$GRAALVM_HOME/bin/native-image" -cp . Hello hello \
    >build.log 2>&1 && "$GRAALVM_HOME/bin/native-image" -H:NativeLinkerOption=-no-pie -cp . Hello hello-no-pie \
    >>build.log 2>&1) || { log "hello world build failed: $OUT/hello/build.log"; exit 1; }

start_app native
ready_after >/dev/null
export HEALTHCHECK_PORT=$MGMT_PORT
hyperfine -N -w 3 -r "$PROBE_RUNS" --export-json "$OUT/hyperfine.json" \
    -n hello "$OUT/hello/hello" \
    -n hello-no-pie "$OUT/hello/hello-no-pie" \
    -n native-probe "$runner healthcheck live" \
    -n native-probe-ready "$runner healthcheck ready" \
    -n jvm-probe "$JAVA25 @src/main/docker/probe.args ${PROBE_AOT[*]} -cp target/quarkus-app/app/* io.creditrobot.CreditRobotMain healthcheck live" \
    >"$OUT/hyperfine.txt"
app_stop
results=$(jq --slurpfile h "$OUT/hyperfine.json" --arg a "$archives" '. + {jvm_archives: $a, probe_ms: ($h[0].results | map({(.command): {
        median: (.median * 1000 * 10 | round / 10), mean: (.mean * 1000 * 10 | round / 10),
        min: (.min * 1000 * 10 | round / 10), runs: (.times | length)}}) | add)}
    | .checks = {
        native_probe_le_1_5_hello: (.probe_ms["native-probe"].median <= 1.5 * .probe_ms.hello.median),
        native_probe_le_1_5_hello_no_pie: (.probe_ms["native-probe"].median <= 1.5 * .probe_ms["hello-no-pie"].median),
        native_start_median_le_200_ms: (.native.median_ms <= 200),
        native_rss_after_start_le_80_mb: (.native.rss_after_start_mb <= 80)}' <<<"$results")
jq . <<<"$results" >"$OUT/results.json"
jq . "$OUT/results.json"
