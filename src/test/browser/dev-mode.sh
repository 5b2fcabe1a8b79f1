#!/usr/bin/env bash
# Usage: src/test/browser/dev-mode.sh
# `./mvnw quarkus:dev` as README shows it, end to end: dev mode starts with its embedded PostgreSQL and its issuer and
# no Docker; one curl gets alice's token and a POST answers 201 (README, "Run"); then the dev fault page
# (/q/dev/faults, management port, docs/testing.md) in headless Chromium: a click on "Stop" takes readiness DOWN, a
# click on "Restore" brings it back, both seen on the page and by a probe. Dev mode runs on its own ports (the
# defaults may be a developer's own dev session). Installs chromium and node if missing. Expects ./mvnw verify done
# (the libraries in ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/../../.."
source src/test/scripts/lab.sh

WORK=$(mkdir -p target/dev-mode-test && cd target/dev-mode-test && pwd)
HTTP_PORT=${DEV_HTTP_PORT:-28082}
MGMT_PORT=${DEV_MANAGEMENT_PORT:-29002}
ISSUER_PORT=${DEV_ISSUER_PORT:-28182}
LAB=dev-mode

need /usr/bin/chromium=chromium node=nodejs npm curl jq
require_ports_free dev-mode "$HTTP_PORT" "$MGMT_PORT" "$ISSUER_PORT" || exit 1

dev_pid=
trap 'stop_pid "$dev_pid"' EXIT

cp src/test/browser/package.json src/test/browser/package-lock.json src/test/browser/dev-faults.mjs src/test/browser/chromium.mjs "$WORK/"
(cd "$WORK" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# Maven's JVM; it forks the application's and stops it (which stops the dev PostgreSQL) when it is stopped itself.
./mvnw -q quarkus:dev -Ddebug=false -Dquarkus.console.enabled=false -Dquarkus.http.port="$HTTP_PORT" \
    -Dquarkus.management.port="$MGMT_PORT" -Dcreditrobot.dev.issuer.port="$ISSUER_PORT" >"$WORK/dev.log" 2>&1 &
dev_pid=$!
ready="http://127.0.0.1:$MGMT_PORT/q/health/ready"
wait_until 300 "dev mode ready" http_is 200 "$ready" || { log "dev mode not ready: $(tail -5 "$WORK/dev.log")"; exit 1; }
pass "dev mode is ready with its embedded PostgreSQL and issuer"

# README's commands, on this lab's ports.
TOKEN=$(curl -s "http://127.0.0.1:$ISSUER_PORT/token?user=alice" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
created=$(http_status -X POST "http://127.0.0.1:$HTTP_PORT/api/applications" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: dev-mode-lab-$RANDOM$RANDOM" \
    -d '{"applicantName":"Ada Lovelace","email":"ada@example.com","amount":12000,"termMonths":36,
         "annualIncome":55000,"monthlyDebt":300}')
check "one curl gets alice's token and her POST answers 201 (got $created)" [ "$created" = 201 ]

page="http://127.0.0.1:$MGMT_PORT/q/dev/faults"
check "the dev fault page asks for the operator's login" http_is 401 "$page"
check "a fault without the page's header is refused (403)" \
    http_is 403 -u operator:operator-dev -X POST "$page/stop"

# The bound of each wait: the monitor sees a stopped server within its interval plus a timeout (seconds), on any
# machine; 60 s leaves room for a starved one.
check "Chromium: Stop takes readiness DOWN on the page, Restore brings it UP" \
    bash -c "cd '$WORK' && OPERATOR_PASSWORD=operator-dev node dev-faults.mjs '$page' '$ready' '$PWD/target'"
check "readiness is 200 after the page's Restore" http_is 200 "$ready"

stop_pid "$dev_pid"
dev_pid=
check "dev mode stopped: its ports are free again" \
    wait_until 30 "the ports free" require_ports_free dev-mode "$HTTP_PORT" "$MGMT_PORT" "$ISSUER_PORT"
lab_result
