#!/usr/bin/env bash
# Usage: src/test/browser/health-ui.sh
# The SmallRye health UI (/q/health-ui, management port) of the packaged application in a real headless browser:
# Debian's chromium driven by playwright-core from npm. Asserts that the checks and their states are on the page,
# with everything up, then with the database and the token issuer stopped (both shown DOWN); then, the database back,
# that the health timeline (/q/health/timeline) draws both outages with their reasons. Saves screenshots in target/.
# Installs chromium and node if missing (Debian packages; no browser download). Expects ./mvnw package done.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source src/test/scripts/postgres.sh
source src/test/scripts/issuer.sh
source src/test/scripts/app.sh

WORK=$(mkdir -p target/browser-test && cd target/browser-test && pwd)
HTTP_PORT=${BROWSER_HTTP_PORT:-28080}
MGMT_PORT=${BROWSER_MANAGEMENT_PORT:-29000}
PG_PORT=${BROWSER_PG_PORT:-25432}
ISSUER_PORT=${BROWSER_ISSUER_PORT:-28191}
LAB=browser-test

need /usr/bin/chromium=chromium node=nodejs npm curl jq
app_built || exit 1
require_ports_free browser-test "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" "$ISSUER_PORT" || exit 1

cleanup() {
    set +e
    app_stop
    [ -n "${ISSUER_PID:-}" ] && issuer_stop
    pg_stop immediate
}
trap cleanup EXIT

# playwright-core only (no browser download), at the version the lock file pins, installed under target/.
cp src/test/browser/package.json src/test/browser/package-lock.json src/test/browser/health-ui.mjs src/test/browser/chromium.mjs "$WORK/"
(cd "$WORK" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)

pg_init "$WORK/pg" "$PG_PORT"
pg_start
issuer_start "$ISSUER_PORT" "$WORK/issuer.log"
# The API's token issuer (the dev issuer: real discovery and JWKS), fetched every second by the identity-provider
# wellness check so that its outage shows at once. The health UI is the operator's: a password made for this run,
# given to the browser.
OPERATOR_PASSWORD="ui-$RANDOM$RANDOM"
export OPERATOR_PASSWORD
rm -f "$WORK/app.log"   # app_start appends: this run's lines only
app_start "$WORK/app.log" "$HTTP_PORT" "$MGMT_PORT" "${PG_APP_OPTS[@]}" \
    -Dquarkus.oidc.auth-server-url="$ISSUER_URL" -Dcreditrobot.health.identity-provider.interval=1s \
    -Dcreditrobot.health.identity-provider.timeout=500ms \
    -Dcreditrobot.management.operator-password="$OPERATOR_PASSWORD"

ready="http://127.0.0.1:$MGMT_PORT/q/health/ready"
ui="http://127.0.0.1:$MGMT_PORT/q/health-ui/"
wait_until 60 "readiness 200" http_is 200 "$ready" || { log "application not ready: $(tail -5 "$WORK/app.log")"; exit 1; }

page_shows() { (cd "$WORK" && node health-ui.mjs "$@"); }
run() { check "the health UI shows ${*:3}" page_shows "$@"; }
anonymous=$(http_status "$ui")
if [ "$anonymous" = 401 ]; then
    pass "the health UI without credentials: 401"
else
    fail "the health UI without credentials answered $anonymous, not 401"
fi
# The dev fault page (src/dev) is dev mode's alone: the packaged application has no such route.
check "the packaged application has no dev fault page (404 for the operator)" \
    http_is 404 -u "operator:$OPERATOR_PASSWORD" "http://127.0.0.1:$MGMT_PORT/q/dev/faults"
# Whether the operator's /q/health/well says check $1 is $2.
wellness_is() {
    [ "$(curl -s -u "operator:$OPERATOR_PASSWORD" "http://127.0.0.1:$MGMT_PORT/q/health/well" \
        | jq -r --arg c "$1" '.checks[] | select(.name == $c) | .status')" = "$2" ]
}
await_wellness() { wait_until 10 "$1 $2 in /q/health/well" wellness_is "$1" "$2"; }
await_wellness identity-provider UP || { log "identity-provider not UP with the issuer running"; exit 1; }
log "everything up"
run "$ui" "$PWD/target/health-ui-up.png" \
    --up=database,schema,shutdown,deadlocks,startup,pool,database-latency,writes,listing,identity-provider

pg_stop
issuer_stop
wait_until 10 "readiness 503" http_is 503 "$ready" || { log "readiness did not go DOWN"; exit 1; }
await_wellness identity-provider DOWN || { log "identity-provider not DOWN with the issuer stopped"; exit 1; }
log "database and issuer stopped"
run "$ui" "$PWD/target/health-ui-database-down.png" --down=database,identity-provider \
    --up=deadlocks,startup,shutdown,schema

# The timeline of the same story: the database's outage (with its reason) and its return, the issuer still away.
pg_start
wait_until 10 "readiness 200 again" http_is 200 "$ready" || { log "readiness did not come back"; exit 1; }
check "the timeline shows the database's outage and return, the issuer's outage" page_shows \
    "http://127.0.0.1:$MGMT_PORT/q/health/timeline" "$PWD/target/health-timeline.png" \
    --down=database,identity-provider --up=database,deadlocks

lab_result
