#!/usr/bin/env bash
# Usage: bench/security-off.sh DIR
# Takes security out of the copy of this repository in DIR, for bench/security-cost.sh's "without security" build only:
# every @RolesAllowed on the API resource becomes @PermitAll and the caller is a fixed officer, so no request looks at
# a token. Refuses (exit 1) if the resource no longer has the shape this expects, rather than measure something else.
set -euo pipefail
RESOURCE="$1/src/main/java/io/creditrobot/api/CreditApplicationResource.java"
[ -f "$RESOURCE" ] || { echo "security-off: no $RESOURCE" >&2; exit 1; }
roles=$(grep -c '@RolesAllowed(' "$RESOURCE" || true)
sed -i -e 's/@RolesAllowed([^)]*)/@PermitAll/' \
    -e 's/String subject = token.getSubject();/String subject = "bench-security-off";/' \
    -e 's/identity.hasRole(OFFICER)/true/' "$RESOURCE"
if [ "$roles" -eq 0 ] || grep -q '@RolesAllowed(\|token.getSubject()\|identity.hasRole(OFFICER)' "$RESOURCE" \
    || ! grep -q '"bench-security-off"' "$RESOURCE"; then
    echo "security-off: $RESOURCE is not shaped as expected (@RolesAllowed: $roles); update bench/security-off.sh" >&2
    exit 1
fi
