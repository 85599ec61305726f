#!/usr/bin/env bash
# Build the web console (console/ -> console/dist, served by the gateway at /) when the build is
# missing or stale: the pinned npm packages with `npm ci` when package-lock.json changed, then
# `npm run build` (type-check and Vite) when any source, the lock or the typed client changed.
# Without node/npm this warns and succeeds (the API works; / then says the console is not built);
# GETIHU_REQUIRE_NODE=1 fails instead (make test sets it: the browser journeys need the build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$ROOT/console"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  msg="Node.js 20 or newer with npm is needed to build the web console (console/)"
  if [ "${GETIHU_REQUIRE_NODE:-0}" = "1" ]; then echo "console-build: $msg" >&2; exit 1; fi
  echo "console-build: warning: $msg; the gateway serves the API without it" >&2
  exit 0
fi
deps="$(cat "$APP/package.json" "$APP/package-lock.json" | sha256sum | cut -c1-16) node $(node --version)"
if [ "$(cat "$APP/node_modules/.getihu-installed" 2>/dev/null)" != "$deps" ]; then
  echo "console-build: installing pinned npm packages into console/node_modules"
  (cd "$APP" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$deps" > "$APP/node_modules/.getihu-installed"
fi
# Everything the build reads: sources, configs, the lock and the generated client's types.
sources="$( (cd "$ROOT" && find console/src console/index.html console/vite.config.ts console/tsconfig.json \
  console/package-lock.json clients/typescript/src -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
if [ -f "$APP/dist/index.html" ] && [ "$(cat "$APP/dist/.getihu-built" 2>/dev/null)" = "$sources" ]; then
  exit 0
fi
echo "console-build: building the web console into console/dist"
(cd "$APP" && npm run --silent build >/dev/null)
echo "$sources" > "$APP/dist/.getihu-built"
