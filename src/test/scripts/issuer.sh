# Sourced by the labs whose applications need access tokens and run no Keycloak: the dev issuer
# (io.creditrobot.dev.DevIssuer in src/dev, compiled with the tests; its libraries are the packaged application's) on
# a fixed loopback port; real discovery, JWKS and RS256 tokens, keys generated at its start.
#   issuer_start PORT LOG   starts it (the port checked free first), waits up to 20 s for its discovery document;
#                           sets ISSUER_URL and ISSUER_PID
#   issuer_token USER [S]   prints a token for alice or bob (applicants) or olivia (officer), valid S seconds (3600)
#   issuer_stop             ends it, by pid
source "$(dirname "${BASH_SOURCE[0]}")/lab.sh"

ISSUER_CLASS_PATH="target/test-classes:target/quarkus-app/lib/main/*"

issuer_start() {
    local port=$1 log=$2 i
    require_ports_free issuer "$port" || return 1
    "${JAVA:-java}" -cp "$ISSUER_CLASS_PATH" io.creditrobot.dev.DevIssuer "$port" >"$log" 2>&1 &
    ISSUER_PID=$!
    ISSUER_URL="http://127.0.0.1:$port"
    for i in $(seq 1 100); do
        curl -sf -m 2 -o /dev/null "$ISSUER_URL/.well-known/openid-configuration" && return 0
        kill -0 "$ISSUER_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "the issuer did not answer on $ISSUER_URL: $(tail -n 5 "$log")" >&2
    return 1
}

issuer_token() {
    curl -sf -m 5 "$ISSUER_URL/token?user=$1&expires_in=${2:-3600}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

issuer_stop() {
    if [ -n "${ISSUER_PID:-}" ]; then
        kill "$ISSUER_PID" 2>/dev/null || true
        wait "$ISSUER_PID" 2>/dev/null || true
        ISSUER_PID=
    fi
}
