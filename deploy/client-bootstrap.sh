#!/usr/bin/env bash
# Install the TypeScript client's pinned npm packages (clients/typescript/package-lock.json) into its
# node_modules, if missing or stale — as bootstrap.sh does for the Python venv.
# Without node/npm this warns and succeeds, so `make test` still runs and its TypeScript client test
# fails with the reason; set GETIHU_REQUIRE_NODE=1 to fail here instead (make client does).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/clients/typescript"
STAMP="$PKG/node_modules/.getihu-installed"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  msg="Node.js and npm are needed for the TypeScript client (clients/typescript); install Node.js 20 or newer"
  if [ "${GETIHU_REQUIRE_NODE:-0}" = "1" ]; then echo "client-bootstrap: $msg" >&2; exit 1; fi
  echo "client-bootstrap: warning: $msg" >&2
  exit 0
fi
want="$(cat "$PKG/package.json" "$PKG/package-lock.json" | sha256sum | cut -c1-16) node $(node --version)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi
echo "client-bootstrap: installing pinned npm packages into clients/typescript/node_modules"
(cd "$PKG" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
echo "$want" > "$STAMP"
