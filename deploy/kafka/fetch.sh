#!/usr/bin/env bash
# Resolve the Kafka broker jars from Maven Central into .lib/ (classpath = .lib/*).
# Idempotent: does nothing when .lib/ holds a complete copy for the current pom.xml.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="$HERE/.lib"
MARKER="$LIB/.complete"

# The marker stores the pom's checksum, so editing pom.xml (e.g. a version bump) re-fetches.
want="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$want" ]] && compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null; then
    exit 0
fi

for tool in java mvn; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "kafka/fetch: '$tool' not found on PATH (need Java 17+ and Maven)" >&2
        exit 1
    fi
done

# Copy into a temp dir and swap it in whole, so an interrupted fetch never looks complete.
tmp="$HERE/.lib.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
out="$(mktemp)"
trap 'rm -f "$out"; rm -rf "$tmp"' EXIT

echo "kafka/fetch: resolving broker jars from Maven Central ..." >&2
if ! mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" \
        dependency:copy-dependencies -DoutputDirectory="$tmp" >"$out" 2>&1; then
    echo "kafka/fetch: Maven failed to resolve the jars:" >&2
    sed 's/\x1b\[[0-9;]*m//g' "$out" | tail -n 40 >&2  # strip colour codes
    exit 1
fi
if ! compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null; then
    echo "kafka/fetch: Maven succeeded but no kafka_2.13 jar was copied" >&2
    exit 1
fi

rm -rf "$LIB"
mv "$tmp" "$LIB"
echo "$want" >"$MARKER"
jars=("$LIB"/*.jar)
echo "kafka/fetch: ${#jars[@]} jars in $LIB" >&2
