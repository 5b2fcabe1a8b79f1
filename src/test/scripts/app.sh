# Sourced by the labs and benchmarks that run CreditRobot itself on this machine (not in a container): one launcher.
#   app_built                 true when target/quarkus-app is there; else says to build it and fails
#   app_start LOG HTTP_PORT MGMT_PORT [OPTION...]
#                             starts the application on loopback, API on HTTP_PORT and management on MGMT_PORT, with
#                             the OPTIONs (JVM options, -Dkey=value settings) after those; appends its output to LOG;
#                             sets app_pid to the process's own pid (the JVM, not a shell)
#   APP_JAVA                  the java that runs the jar (default: java on the PATH)
#   APP_DIR                   the quarkus-app directory the jar runs from (default: target/quarkus-app), so that the
#                             archives the options name (app.aot, app-cds.jsa) resolve as in the image
#   APP_RUNNER                a native executable to run instead of the jar (then no JVM option)
#   app_stop [SIGNAL]         stop_pid app_pid (default TERM, so it drains) and clear it
#   app_rss_mb                its resident memory, in MB
# Settings given in the environment reach the process (QUARKUS_DATASOURCE_PASSWORD=... app_start ...): a secret
# stays off the command line that ps shows. PG_APP_OPTS (postgres.sh) are the settings for the lab's PostgreSQL.

app_pid=""
source "$(dirname "${BASH_SOURCE[0]}")/lab.sh"

app_built() {
    [ -f target/quarkus-app/quarkus-run.jar ] && return 0
    log "target/quarkus-app is missing: run ./mvnw package first"
    return 1
}

app_start() {
    local out=$1 http=$2 mgmt=$3 dir
    shift 3
    local settings=(-Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$http"
        -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$mgmt")
    if [ -n "${APP_RUNNER:-}" ]; then
        "$APP_RUNNER" "${settings[@]}" "$@" >>"$out" 2>&1 &
    else
        dir=${APP_DIR:-target/quarkus-app}
        (cd "$dir" && exec "${APP_JAVA:-java}" "${settings[@]}" "$@" -jar quarkus-run.jar) >>"$out" 2>&1 &
    fi
    app_pid=$!
}

app_stop() {
    stop_pid "$app_pid" "${1:-TERM}"
    app_pid=""
}

app_rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status"; }
