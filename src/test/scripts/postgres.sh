# Sourced by the labs and benchmarks: a throwaway PostgreSQL on 127.0.0.1, through the suite's one PostgreSQL control
# (src/test/scripts/pg, which the Java tests run too): the embedded binaries of ~/.m2, present after any ./mvnw build.
#   pg_init DIR PORT   a new trust-authenticated cluster in DIR/data (the binaries and their template made once)
#   pg_start / pg_stop [MODE]   start it, or stop it (fast by default; a stopped one is fine)
#   pg_freeze / pg_thaw   SIGSTOP every PostgreSQL process (the port accepts TCP, nothing answers) / SIGCONT them
#   pg_jdbc_url        jdbc:postgresql://127.0.0.1:PORT/postgres (user postgres, any password)
#   PG_APP_OPTS        (set by pg_init) the application's datasource settings for it, for app.sh's app_start

_PG_DATA="" _PG_PORT="" PG_APP_OPTS=()
_PG=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pg
source "$(dirname "${BASH_SOURCE[0]}")/lab.sh"

pg_init() {
    _PG_DATA=$1/data _PG_PORT=$2
    need xz=xz-utils
    PG_HOME=$("$_PG" home) || return 1
    export PG_HOME
    mkdir -p "$1"
    "$_PG" init "$_PG_DATA" "$_PG_PORT"
    PG_APP_OPTS=(-Dquarkus.datasource.jdbc.url="$(pg_jdbc_url)" -Dquarkus.datasource.username=postgres
        -Dquarkus.datasource.password=trust-auth-ignores-it)
}

pg_start() { "$_PG" start "$_PG_DATA"; }
pg_stop() { [ -z "$_PG_DATA" ] || "$_PG" stop "$_PG_DATA" "${1:-fast}"; }
pg_freeze() { "$_PG" freeze "$_PG_DATA"; }
pg_thaw() { [ -z "$_PG_DATA" ] || "$_PG" thaw "$_PG_DATA"; }
pg_jdbc_url() { echo "jdbc:postgresql://127.0.0.1:$_PG_PORT/postgres"; }
