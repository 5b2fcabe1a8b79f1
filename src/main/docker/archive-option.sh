#!/bin/sh
# Usage: [JAVA=java] sh archive-option.sh ARGS-FILE ARCHIVE CLASSPATH
# Prints the JVM option that uses ARCHIVE (an AOT cache, *.aot; else an AppCDS archive) with the options of ARGS-FILE
# and CLASSPATH, after a strict trial: -XX:AOTMode=on or -Xshare:on makes the JVM fail, rather than start without
# it, when the archive does not fit this very JDK build. On a mismatch exits 1, with the JVM's own words on stderr.
# Used by Dockerfile.jvm (which fails the image build then) and by the fleet end to end (which starts without it).
set -eu
case $2 in
    *.aot) option="-XX:AOTCache=$2" strict=-XX:AOTMode=on ;;
    *) option="-XX:SharedArchiveFile=$2" strict=-Xshare:on ;;
esac
if ! "${JAVA:-java}" "@$1" "$option" "$strict" -cp "$3" -version >/dev/null 2>&1; then
    "${JAVA:-java}" "@$1" "$option" "$strict" -cp "$3" -version >&2 || true
    exit 1
fi
echo "$option"
