#!/usr/bin/env bash
# Generate src/schema.d.ts (or the file named by $1) from the gateway's merged OpenAPI document,
# built in-process by clients/openapi_document.py, with the pinned openapi-typescript of this package.
# `make client` runs this; tests/test_typescript_client.py runs it into a temporary file and compares.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
OUT="${1:-$HERE/src/schema.d.ts}"
GEN="$HERE/node_modules/.bin/openapi-typescript"
command -v node >/dev/null || { echo "generate: node is not installed (Node.js 20 or newer is needed)" >&2; exit 1; }
[ -x "$GEN" ] || { echo "generate: $GEN is missing: run deploy/client-bootstrap.sh (make client does)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$PY" "$ROOT/clients/openapi_document.py" "$tmp/openapi.json"
# A field with a default stays optional: the same schemas describe request bodies, which may omit it.
"$GEN" "$tmp/openapi.json" --default-non-nullable=false --output "$tmp/schema.d.ts" >/dev/null
mv "$tmp/schema.d.ts" "$OUT"
