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
#   ms_until SECONDS COMMAND...     the same every 5 ms, for a measurement; prints the milliseconds, or fails
#   ms_until_200 SECONDS PORT PATH  the milliseconds until GET http://127.0.0.1:PORT/PATH answers 200, asked every
#                             5 ms by bash itself: for a start measured in milliseconds on a small machine, where a
#                             curl, a date and a sleep per poll would take CPU from the process being measured
#   http_status [CURL-OPTION...] URL   the HTTP status of the request (000: no answer within 5 s; -m N overrides)
#   http_is CODE [CURL-OPTION...] URL  whether it answers CODE (for wait_until and friends)
#   median                    the median of the numbers on standard input, one per line
#   stop_pid PID [SIGNAL]     signal a process the lab started (default TERM), wait up to 30 s for its exit, then
#                             SIGKILL it; an empty PID or one already gone is fine
#   stop_pids SIGNAL PID...   signal them all at once, then stop_pid each (their drains overlap)
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

# _poll LIMIT_MS PERIOD COMMAND...: runs COMMAND every PERIOD seconds until it succeeds; prints the milliseconds it
# took, or fails once LIMIT_MS have passed.
_poll() {
    local limit_ms=$1 period=$2 start now
    shift 2
    start=$(now_ms)
    until "$@" >/dev/null 2>&1; do
        now=$(now_ms)
        [ $((now - start)) -le "$limit_ms" ] || return 1
        sleep "$period"
    done
    echo $(($(now_ms) - start))
}

time_until() {
    local ms
    ms=$(_poll $(($1 * 1000)) 0.1 "${@:2}") || { echo timeout; return 1; }
    printf '%d.%d\n' $((ms / 1000)) $(((ms % 1000) / 100))
}

ms_until() { _poll $(($1 * 1000)) 0.005 "${@:2}"; }

# No process per poll: the connection is bash's /dev/tcp, the clock $EPOCHREALTIME, the pause a read that times out
# on a pipe nobody writes to. A refused connection costs a system call; an answer is read for at most 2 s.
ms_until_200() {
    local limit_us=$(($1 * 1000000)) port=$2 path=$3 start now status fd nap
    exec {nap}<> <(:)
    start=${EPOCHREALTIME/./}
    while :; do
        status=
        if exec {fd}<>"/dev/tcp/127.0.0.1/$port"; then
            printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&"$fd"
            read -r -t 2 _ status _ <&"$fd" || true
            exec {fd}>&-
        fi 2>/dev/null
        now=${EPOCHREALTIME/./}
        if [ "$status" = 200 ] || ((now - start > limit_us)); then
            break
        fi
        read -r -t 0.005 -u "$nap" || true
    done
    exec {nap}>&-
    [ "$status" = 200 ] && echo $(((now - start) / 1000))
}

http_status() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" || true; }
http_is() { [ "$(http_status "${@:2}")" = "$1" ]; }

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

wait_until() {
    local limit=$1 what=$2
    shift 2
    time_until "$limit" "$@" >/dev/null && return 0
    log "timed out after ${limit} s waiting for: $what"
    return 1
}

stop_pid() {
    local pid=$1 sig=${2:-TERM}
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

stop_pids() {
    local sig=$1 pid
    shift
    for pid in "$@"; do [ -n "$pid" ] && kill -"$sig" "$pid" 2>/dev/null; done
    for pid in "$@"; do stop_pid "$pid" "$sig"; done
}
