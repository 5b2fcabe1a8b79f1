# Sourced by the Docker end-to-end tests: a Docker engine and an offline base image, with no registry at all.
#   docker_tools [PKG...]     install docker.io, debootstrap (and PKG...) from Debian when missing
#   docker_engine WORK        use the running dockerd, or start one (logs in WORK) and stop it in docker_stop
#   docker_preflight PORT...  fail unless every PORT is free on 127.0.0.1 and target/quarkus-app is packaged
#   docker_base IMAGE         import IMAGE: Debian bookworm (debootstrap minbase, cached in target/docker-base) carrying the
#                             JDK that built the application ($JAVA_HOME, else the default java), copied whole with
#                             its symbolic links resolved: the start-up archives fit only that JDK build (a jlinked
#                             runtime is another JDK image)
#   docker_app_image IMAGE BASE LOG   build IMAGE from src/main/docker/Dockerfile.jvm on BASE (output in LOG)
#   docker_libs_base IMAGE EXE DIR    import IMAGE holding only the shared libraries EXE links (ldd) and a /tmp: a
#                             stand-in for the Quarkus micro image (no shell, no package manager), assembled in DIR
#   docker_app_env HTTP MGMT JDBC ISSUER PASSWORD   sets APP_ENV: the docker run -e options of a CreditRobot
#                             container on 127.0.0.1 (its ports, the probe's port, a trust-authenticated database)
#   docker_health NAME        the container's health status (starting, healthy, unhealthy)
#   docker_stays_healthy NAME SECONDS   true when NAME's status was healthy at every look (every 0.2 s, by the clock)
#                             for SECONDS; else prints the status it saw
#   docker_wait_health NAME STATUS SECONDS   waits until it is STATUS; prints the seconds it took (one decimal),
#                             fails on timeout
#   docker_run_checked NAME IMAGE INTERVAL TIMEOUT RETRIES   docker run -d on the host network with APP_ENV and
#                             those HEALTHCHECK timings (start period 60 s)
#   docker_starts_healthy NAME SECONDS   true when NAME went from starting to healthy within SECONDS; prints
#                             what happened either way
#   docker_pg_image IMAGE BASE LOG    build IMAGE (PostgreSQL 15 from Debian, src/test/docker/postgres) on BASE, unless
#                             it exists (output in LOG)
#   docker_cleanup NAME IMAGE...   remove the container and the images (errors ignored; the images stay while a
#                             session is open), then docker_stop
#   docker_stop               stop the dockerd docker_engine started, if any
#   docker_session_open WORK  for CI: one engine and one set of images (E2E_BASE_IMAGE, E2E_APP_IMAGE, E2E_PG_IMAGE)
#                             for every Docker script run after it; the PostgreSQL image builds in the background
#   docker_session_pg_image   waits for that build; fails with its log's tail
#   docker_session_close      remove the session's images, stop the engine if the session started it
# Debian's client matches Debian's engine (and its BuildKit); another docker on the PATH may be newer than both.
DOCKER=/usr/bin/docker
source "$(dirname "${BASH_SOURCE[0]}")/lab.sh"
_DOCKERD_PID=""
# The images every Docker script builds: a script run inside a session (DOCKER_E2E_SESSION=1) finds them built.
E2E_BASE_IMAGE=creditrobot-e2e-base:bookworm
E2E_APP_IMAGE=creditrobot-e2e:jvm
E2E_PG_IMAGE=creditrobot-e2e-postgres:15
_DOCKER_PG_BUILD=""

docker_tools() {
    need dockerd=docker.io debootstrap curl "$@"
    [ -x "$DOCKER" ] || DOCKER=$(command -v docker)
    JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
}

docker_engine() {
    "$DOCKER" info >/dev/null 2>&1 && return 0
    echo "starting dockerd" >&2
    dockerd >"$1/dockerd.log" 2>&1 &
    _DOCKERD_PID=$!
    for _ in $(seq 1 120); do "$DOCKER" info >/dev/null 2>&1 && return 0; sleep 0.5; done
    echo "dockerd did not start: $(tail -5 "$1/dockerd.log")" >&2
    return 1
}

docker_preflight() {
    require_ports_free "$(basename "$0")" "$@" || return 1
    [ -f target/quarkus-app/quarkus-run.jar ] || { echo "target/quarkus-app is missing: run ./mvnw package first" >&2; return 1; }
}

docker_base() {
    local image=$1 cache rootfs mirror
    cache=$(mkdir -p target/docker-base && cd target/docker-base && pwd)
    rootfs=$cache/rootfs
    "$DOCKER" image inspect "$image" >/dev/null 2>&1 && return 0
    if [ ! -x "$rootfs/bin/sh" ]; then
        rm -rf "$rootfs"
        mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p; s/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\) .*/\2/p' \
            /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1 || true)
        echo "debootstrap bookworm (minbase) from ${mirror:-http://deb.debian.org/debian}" >&2
        debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" \
            >"$cache/debootstrap.log" 2>&1 || { echo "debootstrap failed: $(tail -5 "$cache/debootstrap.log")" >&2; return 1; }
        rm -rf "$rootfs/var/cache/apt/archives/"*.deb
    fi
    if ! cmp -s "$JAVA_HOME/release" "$rootfs/opt/java/release"; then
        echo "copying the build's JDK ($JAVA_HOME) into the base" >&2
        rm -rf "$rootfs/opt/java"
        cp -a "$JAVA_HOME/." "$rootfs/opt/java"
        # Debian's JDK links its conf files (java.security …) into /etc: copy what each working link points to.
        (cd "$JAVA_HOME" && find . -type l) | while read -r link; do
            [ -e "$JAVA_HOME/$link" ] || continue
            rm -f "$rootfs/opt/java/$link"
            cp -a -L "$JAVA_HOME/$link" "$rootfs/opt/java/$link"
        done
        ln -sf /opt/java/bin/java "$rootfs/usr/bin/java"
    fi
    echo "importing $image" >&2
    tar -C "$rootfs" -c . | "$DOCKER" import - "$image" >/dev/null
}

docker_app_image() {
    DOCKER_BUILDKIT=1 "$DOCKER" build --network host --progress plain -f src/main/docker/Dockerfile.jvm \
        --build-arg BASE_IMAGE="$2" -t "$1" . >"$3" 2>&1 \
        || { echo "image build failed: $(tail -15 "$3")" >&2; return 1; }
}

docker_pg_image() {
    "$DOCKER" image inspect "$1" >/dev/null 2>&1 && return 0
    DOCKER_BUILDKIT=1 "$DOCKER" build --network host --progress plain --build-arg BASE_IMAGE="$2" \
        -t "$1" src/test/docker/postgres >"$3" 2>&1 \
        || { echo "image build failed: $(tail -15 "$3")" >&2; return 1; }
}

docker_libs_base() {
    local image=$1 exe=$2 root=$3 lib
    "$DOCKER" image inspect "$image" >/dev/null 2>&1 && return 0
    rm -rf "$root"
    mkdir -p "$root/tmp"
    chmod 1777 "$root/tmp"
    for lib in $(ldd "$exe" | grep -o '/[^ ]*'); do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
    tar -C "$root" -c . | "$DOCKER" import - "$image" >/dev/null
}

docker_app_env() {
    APP_ENV=(-e QUARKUS_HTTP_HOST=127.0.0.1 -e QUARKUS_HTTP_PORT="$1"
        -e QUARKUS_MANAGEMENT_HOST=127.0.0.1 -e QUARKUS_MANAGEMENT_PORT="$2" -e HEALTHCHECK_PORT="$2"
        -e QUARKUS_DATASOURCE_JDBC_URL="$3"
        -e QUARKUS_DATASOURCE_USERNAME=postgres -e QUARKUS_DATASOURCE_PASSWORD=trust-auth-ignores-it
        -e QUARKUS_OIDC_AUTH_SERVER_URL="$4" -e CREDITROBOT_MANAGEMENT_OPERATOR_PASSWORD="$5")
}

docker_health() { "$DOCKER" inspect -f '{{.State.Health.Status}}' "$1"; }

docker_stays_healthy() {
    local until=$(($(now_ms) + $2 * 1000)) state
    while [ "$(now_ms)" -lt "$until" ]; do
        state=$(docker_health "$1" 2>/dev/null || echo none)
        [ "$state" = healthy ] || { echo "$state"; return 1; }
        sleep 0.2
    done
}

docker_health_is() { [ "$(docker_health "$1")" = "$2" ]; }

docker_wait_health() { time_until "$3" docker_health_is "$1" "$2"; }

docker_run_checked() {
    "$DOCKER" run -d --name "$1" --network host "${APP_ENV[@]}" --health-interval="$3s" --health-timeout="$4s" \
        --health-retries="$5" --health-start-period=60s "$2" >/dev/null
}

docker_starts_healthy() {
    local first took
    first=$(docker_health "$1")
    if ! took=$(docker_wait_health "$1" healthy "$2"); then
        echo "never healthy within $2 s: $("$DOCKER" logs --tail 20 "$1" 2>&1)"
        return 1
    fi
    [ "$first" = starting ] || { echo "the first state was '$first', not starting"; return 1; }
    echo "starting -> healthy in $took s"
}

docker_cleanup() {
    "$DOCKER" rm -f "$1" >/dev/null 2>&1
    shift
    [ "${DOCKER_E2E_SESSION:-}" = 1 ] || "$DOCKER" rmi -f "$@" >/dev/null 2>&1
    docker_stop
}

docker_stop() {
    [ -n "$_DOCKERD_PID" ] || return 0
    kill "$_DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$_DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    _DOCKERD_PID=""
}

docker_session_open() {
    local work=$1
    mkdir -p "$work"
    docker_tools docker-compose
    docker_engine "$work" || return 1
    docker_base "$E2E_BASE_IMAGE" || return 1
    # The PostgreSQL image (Debian's packages, fetched) builds while the first script runs.
    docker_pg_image "$E2E_PG_IMAGE" "$E2E_BASE_IMAGE" "$work/build-postgres.log" &
    _DOCKER_PG_BUILD=$!
    export DOCKER_E2E_SESSION=1
}

docker_session_pg_image() {
    [ -n "$_DOCKER_PG_BUILD" ] || return 0
    local pid=$_DOCKER_PG_BUILD
    _DOCKER_PG_BUILD=""
    wait "$pid"
}

docker_session_close() {
    local build=$_DOCKER_PG_BUILD
    _DOCKER_PG_BUILD=""
    # A build still running (a failed run): its docker client first, which cancels the build in the engine, so that
    # no image is tagged after the removal below; then the subshell that ran it.
    # shellcheck disable=SC2046
    [ -z "$build" ] || stop_pids TERM $(cat "/proc/$build/task/$build/children" 2>/dev/null) "$build"
    "$DOCKER" rmi -f "$E2E_APP_IMAGE" "$E2E_PG_IMAGE" "$E2E_BASE_IMAGE" >/dev/null 2>&1
    unset DOCKER_E2E_SESSION
    docker_stop
}
