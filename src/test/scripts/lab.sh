# Sourced by every lab under src/test and bench/ (directly, or through docker.sh, postgres.sh, issuer.sh): one way to
# log, count checks, install what a fresh Debian lacks and wait, plus the port check of ports.sh.
#   LAB=NAME                  set by the script: its lines read "HH:MM:SS NAME: ..."
#   LAB_LOG_FD=2              set by a script whose standard output is data (the benchmarks): log to stderr
#   log MESSAGE...            one line
#   pass / fail MESSAGE...    a PASS or FAIL line, counted in $passed / $failed
#   check DESCRIPTION COMMAND...   PASS DESCRIPTION when COMMAND succeeds, else FAIL; never exits
#   lab_result                logs "N passed, M failed"; true when none failed
#   now_ms                    the wall clock in milliseconds
#   need COMMAND[=PACKAGE]... install, in one apt-get run, the Debian package (default: COMMAND's name) of every
#                             COMMAND missing from the PATH; a COMMAND with a slash is a file that must be executable
#   wait_until SECONDS DESCRIPTION COMMAND...   run COMMAND every 100 ms until it succeeds; on timeout log
#                             "timed out after SECONDS s waiting for: DESCRIPTION" and fail
#   time_until SECONDS COMMAND...   the same, silently; prints how long it took (seconds, one decimal) or "timeout"
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"
passed=${passed:-0} failed=${failed:-0}

log() { printf '%s %s: %s\n' "$(date +%H:%M:%S)" "${LAB:-lab}" "$*" >&"${LAB_LOG_FD:-1}"; }
pass() { passed=$((passed + 1)); log "PASS $*"; }
fail() { failed=$((failed + 1)); log "FAIL $*"; }
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
lab_result() {
    log "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}
now_ms() { date +%s%3N; }

need() {
    local spec command package missing=()
    for spec in "$@"; do
        command=${spec%%=*} package=${spec#*=}
        case $command in
            */*) [ -x "$command" ] && continue ;;
            *) command -v "$command" >/dev/null 2>&1 && continue ;;
        esac
        missing+=("$package")
    done
    [ "${#missing[@]}" -gt 0 ] || return 0
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

time_until() {
    local limit_ms=$(($1 * 1000)) start now
    shift
    start=$(now_ms)
    until "$@" >/dev/null 2>&1; do
        now=$(now_ms)
        [ $((now - start)) -le "$limit_ms" ] || { echo timeout; return 1; }
        sleep 0.1
    done
    now=$(now_ms)
    printf '%d.%d\n' $(((now - start) / 1000)) $((((now - start) % 1000) / 100))
}

wait_until() {
    local limit=$1 what=$2
    shift 2
    time_until "$limit" "$@" >/dev/null && return 0
    log "timed out after ${limit} s waiting for: $what"
    return 1
}
