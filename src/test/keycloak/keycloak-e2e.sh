#!/usr/bin/env bash
# Usage: src/test/keycloak/keycloak-e2e.sh
#
# CreditRobot's access control against a real Keycloak (the distribution Maven Central serves, started on loopback
# by pid, no Docker) with the realm of src/test/keycloak/creditrobot-realm.json: two applicants, one officer. Asserts:
#   1. discovery: the realm's issuer is the one CreditRobot is configured with;
#   2. tokens: a password grant for each user; alice submits (201), bob cannot read it (404), alice cannot list
#      every applicant's (403), olivia (officer) lists and reads it (200), no token 401;
#   3. expiry: a 10-second token works, then is refused (401) once expired;
#   4. key rotation: a new realm key (higher priority) signs the next tokens; CreditRobot accepts them without a
#      restart (it refetches the JWKS on the unknown key id) and still accepts tokens the old key signed;
#   5. Keycloak stopped: readiness stays 200 and tokens already issued are served for 10 s, and the identity-provider
#      wellness check logs the outage (and, in 6, the return);
#   6. Keycloak back: a token issued after its restart is accepted, CreditRobot untouched (same pid);
#   7./8. neither CreditRobot's log nor Keycloak's holds a token, a password or an e-mail address (LogAudit).
# Keycloak 26 needs JDK 21+: the newest JDK under /usr/lib/jvm (or KEYCLOAK_JAVA_HOME). Expects the packaged
# application in target/quarkus-app and the embedded PostgreSQL binaries in ~/.m2 (any ./mvnw build). Writes
# target/keycloak-e2e/results.json. Fixed loopback ports, checked free before anything starts.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source src/test/scripts/postgres.sh
source src/test/scripts/app.sh

KEYCLOAK_VERSION=26.5.6
WORK=$(mkdir -p target/keycloak-e2e && cd target/keycloak-e2e && pwd)
KC_PORT=28380 HTTP_PORT=28480 MGMT_PORT=28490 PG_PORT=28432
REALM_URL="http://127.0.0.1:$KC_PORT/realms/creditrobot"
API="http://127.0.0.1:$HTTP_PORT/api/applications"
READY="http://127.0.0.1:$MGMT_PORT/q/health/ready"
ADMIN_PW="kc-admin-$RANDOM$RANDOM"
kc_pid=""
LAB=keycloak-e2e

require_ports_free keycloak-e2e "$KC_PORT" "$HTTP_PORT" "$MGMT_PORT" "$PG_PORT" || exit 1
app_built || exit 1
need curl jq unzip
KC_JAVA_HOME=${KEYCLOAK_JAVA_HOME:-}
if [ -z "$KC_JAVA_HOME" ]; then
    for jdk in /usr/lib/jvm/*/; do
        version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release" 2>/dev/null || true)
        [ "${version:-0}" -ge 21 ] && [ -x "$jdk/bin/java" ] && KC_JAVA_HOME=${jdk%/}
    done
fi
[ -n "$KC_JAVA_HOME" ] || { log "Keycloak $KEYCLOAK_VERSION needs a JDK 21+ (none under /usr/lib/jvm; set KEYCLOAK_JAVA_HOME)"; exit 1; }

cleanup() {
    set +e
    app_stop
    stop_pid "$kc_pid"
    pg_stop immediate
}
trap cleanup EXIT

# --- Keycloak, from Maven Central ---------------------------------------------------------------------------------
KC_HOME=$WORK/keycloak-$KEYCLOAK_VERSION
if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    log "fetching org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION (zip) from Maven Central"
    ./mvnw -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
        -DoutputDirectory="$WORK" >"$WORK/fetch.log" 2>&1 || { log "fetch failed: $(tail -5 "$WORK/fetch.log")"; exit 1; }
    unzip -q -o "$WORK/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" -d "$WORK"
    rm -f "$WORK/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
fi
# A fresh realm each run: the dev database (data/) goes, the realm file is imported at start.
rm -rf "$KC_HOME/data"
mkdir -p "$KC_HOME/data/import"
cp src/test/keycloak/creditrobot-realm.json "$KC_HOME/data/import/"

start_keycloak() { # the dev server on loopback; waits up to 180 s for the realm's discovery; sets kc_pid, kc_ms
    local start
    start=$(now_ms)
    JAVA_HOME=$KC_JAVA_HOME JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" KC_BOOTSTRAP_ADMIN_USERNAME=admin \
        KC_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PW "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 \
        --http-port="$KC_PORT" --hostname-strict=false --import-realm >>"$WORK/keycloak.log" 2>&1 &
    kc_pid=$!
    until curl -sf -m 2 -o "$WORK/discovery.json" "$REALM_URL/.well-known/openid-configuration"; do
        kill -0 "$kc_pid" 2>/dev/null || { log "Keycloak exited: $(tail -5 "$WORK/keycloak.log")"; exit 1; }
        [ $(($(now_ms) - start)) -lt 180000 ] || { log "Keycloak not up in 180 s: $(tail -5 "$WORK/keycloak.log")"; exit 1; }
        sleep 0.5
    done
    kc_ms=$(($(now_ms) - start))
}
# token USER [CLIENT]: an access token from a password grant (the lab's users; the realm file names the passwords)
token() {
    curl -sf -m 10 -d grant_type=password -d "client_id=${2:-creditrobot-cli}" -d "username=$1" \
        -d "password=$1-lab-password" "$REALM_URL/protocol/openid-connect/token" | jq -r .access_token
}
kid() { cut -d. -f1 <<<"$1" | tr '_-' '/+' | base64 -d 2>/dev/null | jq -r .kid 2>/dev/null || true; }

log "starting Keycloak $KEYCLOAK_VERSION on 127.0.0.1:$KC_PORT ($("$KC_JAVA_HOME/bin/java" -version 2>&1 | head -n 1))"
start_keycloak
kc_start_ms=$kc_ms
log "Keycloak answered discovery after $kc_start_ms ms"

# --- CreditRobot against it ---------------------------------------------------------------------------------------
pg_init "$WORK/pg" "$PG_PORT"
pg_start
rm -f "$WORK/app.log"   # app_start appends: this run's lines only
app_start "$WORK/app.log" "$HTTP_PORT" "$MGMT_PORT" -Xmx256m "${PG_APP_OPTS[@]}" \
    -Dquarkus.oidc.auth-server-url="$REALM_URL" -Dcreditrobot.management.operator-password="kc-operator-$RANDOM$RANDOM" \
    -Dcreditrobot.health.identity-provider.interval=2s -Dcreditrobot.health.identity-provider.timeout=1s
wait_until 90 "CreditRobot ready" http_is 200 "$READY" || { log "CreditRobot not ready: $(tail -5 "$WORK/app.log")"; exit 1; }

# 1. discovery
issuer=$(jq -r .issuer "$WORK/discovery.json")
if [ "$issuer" = "$REALM_URL" ]; then pass "1. discovery: issuer $issuer, JWKS $(jq -r .jwks_uri "$WORK/discovery.json")"
else fail "1. discovery: issuer '$issuer', expected $REALM_URL"; fi

# 2. tokens and roles
t0=$(now_ms)
alice=$(token alice)
issue_ms=$(($(now_ms) - t0))
bob=$(token bob)
olivia=$(token olivia)
created=$(curl -s -m 10 -o "$WORK/created.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $alice" "$API" \
    -d '{"applicantName":"Keycloak Check","email":"keycloak@example.com","amount":5000,"termMonths":24,"annualIncome":80000,"monthlyDebt":0}' || true)
id=$(jq -r .id "$WORK/created.json" 2>/dev/null || true)
by_bob=$(http_status -H "Authorization: Bearer $bob" "$API/$id")
by_olivia=$(http_status -H "Authorization: Bearer $olivia" "$API/$id")
alice_all=$(http_status -H "Authorization: Bearer $alice" "$API?scope=all")
olivia_all=$(http_status -H "Authorization: Bearer $olivia" "$API?scope=all")
anonymous=$(http_status "$API")
if [ "$created" = 201 ] && [ "$by_bob" = 404 ] && [ "$by_olivia" = 200 ] && [ "$alice_all" = 403 ] \
    && [ "$olivia_all" = 200 ] && [ "$anonymous" = 401 ]; then
    pass "2. tokens in $issue_ms ms: alice submits 201, bob reads it 404, olivia 200; alice lists all 403, olivia 200; no token 401"
else
    fail "2. alice POST $created, bob GET $by_bob, olivia GET $by_olivia, alice all $alice_all, olivia all $olivia_all, none $anonymous"
fi

# 3. expiry
short=$(token alice creditrobot-cli-short)
short_exp=$(cut -d. -f2 <<<"$short" | tr '_-' '/+' | base64 -d 2>/dev/null | jq -r .exp 2>/dev/null || true)
fresh=$(http_status -H "Authorization: Bearer $short" "$API")
while [ "$(date +%s)" -le "${short_exp:-0}" ]; do sleep 0.5; done
sleep 1
expired=$(http_status -H "Authorization: Bearer $short" "$API")
if [ "$fresh" = 200 ] && [ "$expired" = 401 ]; then
    pass "3. expiry: a 10-second token answered 200, then 401 once expired"
else
    fail "3. expiry: fresh $fresh, expired $expired"
fi

# 4. key rotation
admin=$(curl -sf -m 10 -d grant_type=password -d client_id=admin-cli -d username=admin -d "password=$ADMIN_PW" \
    "http://127.0.0.1:$KC_PORT/realms/master/protocol/openid-connect/token" | jq -r .access_token)
realm_id=$(curl -sf -m 10 -H "Authorization: Bearer $admin" "http://127.0.0.1:$KC_PORT/admin/realms/creditrobot" | jq -r .id)
old_kid=$(kid "$alice")
rotated=$(http_status -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$KC_PORT/admin/realms/creditrobot/components" -d "$(jq -n --arg parent "$realm_id" \
    '{name: "rotated-rsa", providerId: "rsa-generated", providerType: "org.keycloak.keys.KeyProvider",
      parentId: $parent, config: {priority: ["200"], keySize: ["2048"], algorithm: ["RS256"],
      active: ["true"], enabled: ["true"]}}')")
rotation_start=$(now_ms)
new=$(token alice)
new_kid=$(kid "$new")
accepted_ms=""
while [ $(($(now_ms) - rotation_start)) -lt 30000 ]; do
    if [ "$(http_status -H "Authorization: Bearer $new" "$API")" = 200 ]; then accepted_ms=$(($(now_ms) - rotation_start)); break; fi
    sleep 0.5
done
old_still=$(http_status -H "Authorization: Bearer $alice" "$API")
if [ "$rotated" = 201 ] && [ "$new_kid" != "$old_kid" ] && [ -n "$accepted_ms" ] && [ "$old_still" = 200 ]; then
    pass "4. rotation: new key $new_kid accepted $accepted_ms ms after it signed its first token; the old key's token still 200"
else
    fail "4. rotation: component $rotated, kid $old_kid -> $new_kid, accepted after '${accepted_ms:-never}' ms, old token $old_still"
fi

# 5. Keycloak stopped
stop_pid "$kc_pid"
kc_pid=""
served=0 refused=0 not_ready=0
outage_start=$(now_ms)
while [ $(($(now_ms) - outage_start)) -lt 10000 ]; do
    if [ "$(http_status -H "Authorization: Bearer $new" "$API")" = 200 ]; then served=$((served + 1)); else refused=$((refused + 1)); fi
    [ "$(http_status "$READY")" = 200 ] || not_ready=$((not_ready + 1))
    sleep 0.2
done
# The outage is visible with no probe: the identity-provider wellness check (fetching every 2 s here) went DOWN.
idp_down=$(grep -c "Health check 'identity-provider' UP -> DOWN (reason: unreachable)" "$WORK/app.log" || true)
if [ "$served" -gt 0 ] && [ "$refused" = 0 ] && [ "$not_ready" = 0 ] && [ "$idp_down" = 1 ]; then
    pass "5. Keycloak stopped: readiness 200 throughout 10 s; $served requests with issued tokens served, none refused; identity-provider logged DOWN (unreachable)"
else
    fail "5. Keycloak stopped: $served served, $refused refused, readiness not 200 $not_ready times, identity-provider DOWN lines $idp_down (expected 1)"
fi

# 6. Keycloak back
start_keycloak
kc_restart_ms=$kc_ms
after=$(token bob)
back=$(http_status -H "Authorization: Bearer $after" "$API")
# identity-provider UP again within its interval and timeout (3 s) plus the watcher's second and a slack: 10 s.
idp_up=no
for _ in $(seq 1 100); do
    grep -q "Health check 'identity-provider' DOWN -> UP" "$WORK/app.log" && { idp_up=yes; break; }
    sleep 0.1
done
if [ "$back" = 200 ] && kill -0 "$app_pid" 2>/dev/null && [ "$idp_up" = yes ]; then
    pass "6. Keycloak back after $kc_restart_ms ms: a new token 200, identity-provider logged UP, CreditRobot not restarted (pid $app_pid)"
else
    fail "6. Keycloak back: a new token $back, identity-provider UP logged: $idp_up, CreditRobot alive: $(kill -0 "$app_pid" 2>/dev/null && echo yes || echo no)"
fi

if grep -q -e "$alice" -e "$ADMIN_PW" -e 'lab-password' "$WORK/app.log" "$WORK/keycloak.log"; then
    fail "7. a token or a password is in CreditRobot's or Keycloak's log"
else
    pass "7. no token and no password in CreditRobot's or Keycloak's log"
fi
# The suite's log audit too, over both logs: no e-mail address (the realm's users have some), no access token of any
# kind (Keycloak's, whoever it was issued to).
if audit=$(java -cp target/test-classes io.creditrobot.testsupport.LogAudit "$WORK/app.log" "$WORK/keycloak.log"); then
    pass "8. $audit"
else
    fail "8. $(tr '\n' ' ' <<<"$audit")"
fi

jq -n --arg version "$KEYCLOAK_VERSION" --argjson start "$kc_start_ms" --argjson issue "$issue_ms" \
    --argjson rotation "${accepted_ms:-null}" --argjson served "$served" --argjson restart "$kc_restart_ms" \
    --argjson passed "$passed" --argjson failed "$failed" \
    '{keycloak: $version, keycloak_start_ms: $start, token_issue_ms: $issue, rotation_accepted_ms: $rotation,
      outage_requests_served: $served, keycloak_restart_ms: $restart, passed: $passed, failed: $failed}' \
    >"$WORK/results.json"
log "results: $(jq -c . "$WORK/results.json")"
lab_result
